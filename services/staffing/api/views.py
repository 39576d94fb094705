"""Response builders: the service layer's records shaped into the routes' response models."""
from __future__ import annotations

from ..adapters.repository_quota import QuotaOverrideSeen
from ..adapters.tables import CountyQuotaPolicy, Posting
from ..domain.quota import BP, CountyPolicy, QuotaRule
from ..service_layer.allowances import AllowanceReport
from ..service_layer.county_policy import CountyVersions, SetResult
from ..service_layer.quota import UnitQuota
from ..service_layer.rotation import RotationRecord
from ..service_layer.secondments import NamedCandidate, SecondmentRecord
from ..service_layer.staff import StaffRecord
from . import schemas, schemas_county, schemas_quota, schemas_tidal


def posting_out(p: Posting) -> schemas.PostingOut:
    return schemas.PostingOut.model_validate(p, from_attributes=True)


def staff_out(r: StaffRecord) -> schemas.StaffOut:
    s = r.staff
    return schemas.StaffOut(
        staff_id=s.staff_id, name=s.name, id_number=s.id_number_masked, qualification=s.qualification,
        title_level=s.title_level, specialty=s.specialty, pool=s.pool, home_org_id=s.home_org_id,
        current_posting=posting_out(r.current_posting) if r.current_posting else None,
        postings=[posting_out(p) for p in r.postings] if r.postings is not None else None,
        title_changes=[schemas.TitleChangeOut.model_validate(t, from_attributes=True) for t in r.title_changes]
        if r.title_changes is not None else None)


def request_out(r: SecondmentRecord) -> schemas.SecondmentOut:
    out = schemas.SecondmentOut.model_validate(r.request, from_attributes=True)
    return out.model_copy(update={"postings": [posting_out(p) for p in r.postings]})


def candidate_out(c: NamedCandidate) -> schemas.CandidateOut:
    p = c.ranked.candidate
    return schemas.CandidateOut(staff_id=p.staff_id, name=c.name, title_level=p.title_level,
                                qualification=p.qualification, home_org_id=p.home_org_id,
                                days_seconded_this_year=p.days_seconded_this_year, score=c.ranked.score,
                                reasons=c.ranked.reasons)


def plan_out(r: RotationRecord) -> schemas.RotationOut:
    plan = r.plan
    return schemas.RotationOut(plan_id=plan.plan_id, name=plan.name, kind=plan.kind, org_id=plan.org_id,
                               start_date=plan.start_date, block_days=plan.block_days, staff_ids=plan.staff_ids,
                               postings=[posting_out(p) for p in r.postings])


def _ratio(count: int, limit: int | None, kind: str, quota: int | None, limit_bp: int,
           ok: bool) -> schemas_quota.RatioOut:
    return schemas_quota.RatioOut(count=count, limit=limit, kind=kind, ratio_bp=(count * BP // quota) if quota else None,
                                  limit_bp=limit_bp, ok=ok)


def quota_report_out(uq: UnitQuota) -> schemas_quota.QuotaReportOut:
    # `ok` is the verdict of the rule itself, so it never disagrees with `violations`: the professional share is
    # broken by too many non-professional posts, not by a unit that has not filled its quota yet
    r, p, est = uq.report, uq.policy, uq.report.establishment
    broken = {v.rule for v in r.violations}
    return schemas_quota.QuotaReportOut(
        org_id=uq.org.org_id, name=uq.org.name, kind=uq.org.kind.value, as_of=uq.as_of,
        service_population=uq.org.service_population, quota=r.quota, filled=est.filled, vacant=r.vacant,
        professional=_ratio(est.professional, r.professional_min, "min", r.quota, p.professional_min_bp,
                            QuotaRule.PROFESSIONAL_SHARE not in broken),
        senior=_ratio(est.senior, r.senior_cap, "max", r.quota, p.senior_cap_bp, QuotaRule.SENIOR_CAP not in broken),
        intermediate=_ratio(est.intermediate, r.intermediate_cap, "max", r.quota, p.intermediate_cap_bp,
                            QuotaRule.INTERMEDIATE_CAP not in broken),
        violations=[{"rule": v.rule.value, "detail": v.detail} for v in r.violations],
        unit_policy_from=uq.unit_policy_from, county_policy_from=uq.county_policy_from)


def override_out(seen: QuotaOverrideSeen) -> schemas_quota.QuotaOverrideOut:
    o = seen.override
    return schemas_quota.QuotaOverrideOut(org_id=o.org_id, staff_id=o.staff_id, name=seen.name, rule=o.rule,
                                          detail=o.detail, reason=o.reason, decided_by=o.decided_by,
                                          created_at=o.created_at)


def _county_values(p: CountyPolicy) -> schemas_county.CountyPolicyValues:
    return schemas_county.CountyPolicyValues(
        per_mille=str(p.per_mille), professional_min_bp=p.professional_min_bp, senior_cap_bp=p.senior_cap_bp,
        township_senior_cap_bp=p.township_senior_cap_bp, intermediate_cap_bp=p.intermediate_cap_bp)


def _county_version(row: CountyQuotaPolicy, in_force: bool) -> schemas_county.CountyPolicyOut:
    return schemas_county.CountyPolicyOut(
        effective_from=row.effective_from, per_mille=row.per_mille, professional_min_bp=row.professional_min_bp,
        senior_cap_bp=row.senior_cap_bp, township_senior_cap_bp=row.township_senior_cap_bp,
        intermediate_cap_bp=row.intermediate_cap_bp, reason=row.reason, created_by=row.created_by, in_force=in_force)


def county_versions_out(v: CountyVersions) -> schemas_county.CountyPolicyList:
    return schemas_county.CountyPolicyList(settings=_county_values(v.settings), versions=[
        _county_version(r, r.effective_from == v.in_force_from) for r in v.versions])


def county_written_out(result: SetResult) -> schemas_county.CountyPolicyWritten:
    out = _county_version(result.row, result.in_force)
    return schemas_county.CountyPolicyWritten(**out.model_dump(), units_in_breach=result.units_in_breach)


def allowance_report_out(month: str, report: AllowanceReport) -> schemas_tidal.AllowanceReportOut:
    return schemas_tidal.AllowanceReportOut(
        month=month, total_fen=report.total_fen(), secondment_total_fen=report.total_fen("secondment"),
        gp_total_fen=report.total_fen("gp"),
        lines=[schemas_tidal.AllowanceLineOut.model_validate(line, from_attributes=True) for line in report.lines])



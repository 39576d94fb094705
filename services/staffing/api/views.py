"""Response builders: the service layer's records shaped into the routes' response models."""
from __future__ import annotations

from ..adapters.repository_quota import QuotaOverrideSeen
from ..adapters.tables import CountyQuotaPolicy, Posting, QuotaLoan, Staff, VillageSchedule
from ..domain.quota import BP, CountyPolicy, QuotaRule
from ..domain.village import LicenceShare
from ..service_layer.allowances import AllowanceReport
from ..service_layer.county_policy import CountyVersions, SetResult
from ..service_layer.county_pool import PoolReport, UnitReview
from ..service_layer.quota import UnitQuota
from ..service_layer.rotation import RotationRecord
from ..service_layer.secondments import NamedCandidate, SecondmentRecord
from ..service_layer.staff import StaffRecord
from ..service_layer.village import LicenceReport
from ..service_layer.village_schedule import UncoveredClinic
from . import schemas, schemas_county, schemas_pool, schemas_quota, schemas_tidal, schemas_village


def posting_out(p: Posting) -> schemas.PostingOut:
    return schemas.PostingOut.model_validate(p, from_attributes=True)


def staff_out(r: StaffRecord) -> schemas.StaffOut:
    s = r.staff
    return schemas.StaffOut(
        staff_id=s.staff_id, name=s.name, id_number=s.id_number_masked, qualification=s.qualification,
        title_level=s.title_level, specialty=s.specialty, pool=s.pool, home_org_id=s.home_org_id,
        targeted_post=s.targeted_post, current_posting=posting_out(r.current_posting) if r.current_posting else None,
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
        professional_posts=r.professional_posts,
        professional=_ratio(est.professional, r.professional_min, "min", r.quota, p.professional_min_bp,
                            QuotaRule.PROFESSIONAL_SHARE not in broken),
        senior=_ratio(est.senior_counted, r.senior_cap, "max", r.professional_posts, p.senior_cap_bp,
                      QuotaRule.SENIOR_CAP not in broken),
        intermediate=_ratio(est.intermediate_counted, r.intermediate_cap, "max", r.professional_posts,
                            p.intermediate_cap_bp, QuotaRule.INTERMEDIATE_CAP not in broken),
        targeted=_ratio(est.targeted, r.targeted_posts, "max", r.professional_posts, p.targeted_bp,
                        QuotaRule.TARGETED_CAP not in broken),
        seniors_total=est.senior, intermediates_total=est.intermediate,
        exempt=[schemas_quota.ExemptOut(staff_id=h.staff_id, name=h.name, title_level=h.title_level,
                                        exemption=h.exemption, reason=h.reason) for h in uq.exempt],
        public_health_physicians=est.public_health, public_health_min=p.public_health_min,
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
        township_senior_cap_bp=p.township_senior_cap_bp, intermediate_cap_bp=p.intermediate_cap_bp,
        **{name: getattr(p, name) for name in schemas_county.RULE_FIELDS})


def _county_version(row: CountyQuotaPolicy, in_force: bool) -> schemas_county.CountyPolicyOut:
    return schemas_county.CountyPolicyOut(
        effective_from=row.effective_from, per_mille=row.per_mille, professional_min_bp=row.professional_min_bp,
        senior_cap_bp=row.senior_cap_bp, township_senior_cap_bp=row.township_senior_cap_bp,
        intermediate_cap_bp=row.intermediate_cap_bp, reason=row.reason, created_by=row.created_by, in_force=in_force,
        **{name: getattr(row, name) for name in schemas_county.RULE_FIELDS})


def county_versions_out(v: CountyVersions) -> schemas_county.CountyPolicyList:
    return schemas_county.CountyPolicyList(settings=_county_values(v.settings), versions=[
        _county_version(r, r.effective_from == v.in_force_from) for r in v.versions])


def county_written_out(result: SetResult) -> schemas_county.CountyPolicyWritten:
    out = _county_version(result.row, result.in_force)
    return schemas_county.CountyPolicyWritten(**out.model_dump(), units_in_breach=result.units_in_breach)


def allowance_report_out(month: str, report: AllowanceReport) -> schemas_tidal.AllowanceReportOut:
    return schemas_tidal.AllowanceReportOut(
        month=month, total_fen=report.total_fen(), secondment_total_fen=report.total_fen("secondment"),
        gp_total_fen=report.total_fen("gp"), village_pension_total_fen=report.total_fen("village_pension"),
        lines=[schemas_tidal.AllowanceLineOut.model_validate(line, from_attributes=True) for line in report.lines])




def village_doctor_out(s: Staff, posting: Posting | None) -> schemas_village.VillageDoctorOut:
    return schemas_village.VillageDoctorOut(
        staff_id=s.staff_id, name=s.name, id_number=s.id_number_masked, qualification=s.qualification,
        title_level=s.title_level, specialty=s.specialty, township_id=s.home_org_id,
        current_posting=posting_out(posting) if posting else None)


def _share(share: LicenceShare) -> dict:
    return {"doctors": share.doctors, "licensed": share.licensed, "share_bp": share.share_bp,
            "target_bp": share.target_bp, "meets_target": share.meets_target,
            "licensed_needed": share.licensed_needed}


def licence_report_out(r: LicenceReport) -> schemas_village.LicenceReportOut:
    return schemas_village.LicenceReportOut(
        as_of=r.as_of, county=schemas_village.LicenceShareOut(**_share(r.county)),
        townships=[schemas_village.TownshipShareOut(township_id=t.township.org_id, name=t.township.name,
                                                    **_share(t.share)) for t in r.townships])


def schedule_out(row: VillageSchedule) -> schemas_village.ScheduleOut:
    return schemas_village.ScheduleOut.model_validate(row, from_attributes=True)


def uncovered_out(u: UncoveredClinic) -> schemas_village.UncoveredClinicOut:
    return schemas_village.UncoveredClinicOut(clinic_id=u.clinic.org_id, name=u.clinic.name,
                                              township_id=u.clinic.parent_org_id,
                                              schedules=[schedule_out(s) for s in u.schedules])


def loan_out(loan: QuotaLoan) -> schemas_pool.LoanOut:
    return schemas_pool.LoanOut.model_validate(loan, from_attributes=True)


def pool_out(r: PoolReport) -> schemas_pool.PoolOut:
    return schemas_pool.PoolOut(
        as_of=r.as_of, service_population=r.total.service_population, total=r.total.total,
        allocated=r.total.allocated, unallocated=r.total.unallocated, over_allocated=r.total.over_allocated,
        units=[schemas_pool.UnitShareOut(org_id=u.org.org_id, name=u.org.name,
                                         service_population=u.org.service_population, allocation=u.allocation,
                                         lent=u.lent, quota=u.quota, filled=u.filled,
                                         unused=None if u.quota is None else max(0, u.quota - u.filled))
               for u in r.units],
        loans=[loan_out(x) for x in r.loans])


def review_status_out(r: UnitReview) -> schemas_pool.ReviewStatusOut:
    return schemas_pool.ReviewStatusOut(org_id=r.org.org_id, name=r.org.name, kind=r.org.kind,
                                        last_reviewed_on=r.status.last_reviewed_on, due_on=r.status.due_on,
                                        state=r.status.state)

"""Read models behind the appraisal: the referral figures kept per unit, claims counted and summed per unit and
kind, capitation per unit, over a run of months."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import tables as t
from .sql import dialect_insert
from .tables_roster import unit_indicators

FIGURES = ("county_domain_visit_rate_bp", "in_county_visits", "out_of_county_count", "acceptance_rate_bp",
           "median_response_minutes", "chronic_downward_share_bp")
CONSORTIUM = "*"


class AppraisalQueries:
    def __init__(self, session: Session) -> None:
        self.session = session

    def keep_latest(self, values: dict) -> None:
        """Stores a publication unless a later one of the same scope and period is there (events may arrive out of
        order: an older one never overwrites a newer one)."""
        stmt = dialect_insert(self.session, unit_indicators).values(**values)
        self.session.execute(stmt.on_conflict_do_update(
            index_elements=["consortium_id", "org_id", "period"],
            set_={k: stmt.excluded[k] for k in values if k not in ("consortium_id", "org_id", "period")},
            where=unit_indicators.c.occurred_at < stmt.excluded.occurred_at))

    def figures(self, consortium_id: str, period: str) -> dict[str, dict]:
        """The latest referral figures of the period by scope: each unit's, and "*" for the consortium."""
        u = unit_indicators
        rows = self.session.execute(select(u).where(u.c.consortium_id == consortium_id, u.c.period == period))
        return {r.org_id: {f: getattr(r, f) for f in FIGURES} for r in rows}

    def claims_by_org(self, consortium_id: str, first_month: str, last_month: str) -> dict[tuple[str, str], tuple[int, int]]:
        """(kind, org) -> (claims, fen) booked in the months."""
        c = t.claims
        rows = self.session.execute(select(c.c.kind, c.c.org_id, func.count(), func.sum(c.c.amount_fen)).where(
            c.c.consortium_id == consortium_id, c.c.period >= first_month, c.c.period <= last_month,
        ).group_by(c.c.kind, c.c.org_id))
        return {(k, o): (int(n), int(a)) for k, o, n, a in rows}

    def capitation_by_org(self, consortium_id: str, first_month: str, last_month: str) -> dict[tuple[str, str], int]:
        """(month, org) -> capitation fen paid (the fund's share of contract fees included)."""
        cp = t.capitation_payments
        rows = self.session.execute(select(cp.c.period, cp.c.org_id, func.sum(cp.c.amount_fen)).where(
            cp.c.consortium_id == consortium_id, cp.c.period >= first_month, cp.c.period <= last_month,
        ).group_by(cp.c.period, cp.c.org_id))
        return {(m, o): int(a) for m, o, a in rows}

    def diagnoses_by_month(self, consortium_id: str, first_month: str, last_month: str) -> list[tuple[str, str, str, int]]:
        """(month, org, ICD-10 category, claims) of the claims with a main diagnosis, booked in the months: a few
        rows per unit and month, classified by the domain (diagnosis.chronic_condition)."""
        c = t.claims
        category = func.substr(c.c.diagnosis_code, 1, 3)
        rows = self.session.execute(select(c.c.period, c.c.org_id, category, func.count()).where(
            c.c.consortium_id == consortium_id, c.c.period >= first_month, c.c.period <= last_month,
            c.c.diagnosis_code.is_not(None)).group_by(c.c.period, c.c.org_id, category))
        return [(m, o, g, int(n)) for m, o, g, n in rows]

    def claims_by_month(self, consortium_id: str, first_month: str, last_month: str) -> dict[tuple[str, str, str], int]:
        """(month, kind, org) -> claims fen."""
        c = t.claims
        rows = self.session.execute(select(c.c.period, c.c.kind, c.c.org_id, func.sum(c.c.amount_fen)).where(
            c.c.consortium_id == consortium_id, c.c.period >= first_month, c.c.period <= last_month,
        ).group_by(c.c.period, c.c.kind, c.c.org_id))
        return {(m, k, o): int(a) for m, k, o, a in rows}

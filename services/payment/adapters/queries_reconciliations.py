"""Reconciliation read models: the four categories as SQL joins of the staged file against the consortium's
claims, their totals, their items paged or in slices for a download, and the listing."""
from __future__ import annotations

from sqlalchemy import Select, and_, cast, func, null, or_, select, union_all
from sqlalchemy.orm import Session

from ..domain.periods import Period
from . import tables as t

CATEGORIES = ("matched", "amount_mismatch", "missing_on_platform", "missing_in_file")
ITEM_COLUMNS = ("claim_no", "file_amount_fen", "platform_amount_fen", "line", "org_id", "period", "late")


def _none(column):  # noqa: ANN001, ANN202 - a typed NULL: PostgreSQL takes an untyped one for text
    return cast(null(), column.type)


def categories(recon_id: str, consortium_id: str, period: Period) -> dict[str, Select]:
    """The four categories. A file claim is looked up among all the consortium's claims, not only
    those booked in the period: a claim booked late into the next month (or the insurance office
    dating it differently) is not missing, it is matched and its booked `period` shown."""
    r, c = t.reconciliation_rows, t.claims
    ours = select(c).where(c.c.consortium_id == consortium_id).subquery()
    scoped = select(c).where(c.c.consortium_id == consortium_id, c.c.period >= period.first_month,
                             c.c.period <= period.last_month).subquery()
    mine = select(r).where(r.c.recon_id == recon_id).subquery()
    both = mine.join(ours, ours.c.claim_no == mine.c.claim_no)
    cols = (mine.c.claim_no.label("claim_no"), mine.c.amount_fen.label("file_amount_fen"),
            ours.c.amount_fen.label("platform_amount_fen"), mine.c.line.label("line"),
            ours.c.org_id.label("org_id"), ours.c.period.label("period"), ours.c.late.label("late"))
    return {
        "matched": select(*cols).select_from(both).where(mine.c.amount_fen == ours.c.amount_fen),
        "amount_mismatch": select(*cols).select_from(both).where(mine.c.amount_fen != ours.c.amount_fen),
        "missing_on_platform": select(
            mine.c.claim_no.label("claim_no"), mine.c.amount_fen.label("file_amount_fen"),
            _none(c.c.amount_fen).label("platform_amount_fen"), mine.c.line.label("line"),
            _none(c.c.org_id).label("org_id"), _none(c.c.period).label("period"), _none(c.c.late).label("late"),
        ).select_from(mine.outerjoin(ours, ours.c.claim_no == mine.c.claim_no)).where(ours.c.claim_no.is_(None)),
        "missing_in_file": select(
            scoped.c.claim_no.label("claim_no"), _none(r.c.amount_fen).label("file_amount_fen"),
            scoped.c.amount_fen.label("platform_amount_fen"), _none(r.c.line).label("line"),
            scoped.c.org_id.label("org_id"), scoped.c.period.label("period"), scoped.c.late.label("late"),
        ).select_from(scoped.outerjoin(mine, and_(mine.c.claim_no == scoped.c.claim_no)))
        .where(mine.c.claim_no.is_(None)),
    }


class ReconciliationQueries:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _sums(self, query, *where) -> dict:  # noqa: ANN001
        sub = query.subquery()
        count, file_fen, platform_fen = self.session.execute(select(
            func.count(), func.coalesce(func.sum(sub.c.file_amount_fen), 0),
            func.coalesce(func.sum(sub.c.platform_amount_fen), 0)).where(*(w(sub) for w in where))).one()
        return {"count": count, "file_amount_fen": int(file_fen), "platform_amount_fen": int(platform_fen)}

    def totals(self, recon_id: str, consortium_id: str, period: Period) -> dict:
        """Count and file and platform sums of each category, and of the file claims booked in another period."""
        queries = categories(recon_id, consortium_id, period)
        totals = {name: self._sums(query) for name, query in queries.items()}
        # found on the platform, but booked outside the period (late claims, other months)
        elsewhere = self._sums(union_all(queries["matched"], queries["amount_mismatch"]), lambda found: or_(
            found.c.period < period.first_month, found.c.period > period.last_month))
        return {"totals": totals, "booked_in_other_period": elsewhere}

    def items(self, recon: dict, category: str, limit: int, offset: int = 0) -> list[dict]:
        query = categories(recon["recon_id"], recon["consortium_id"], Period.parse(recon["period"]))[category]
        return [dict(r._mapping) for r in self.session.execute(query.order_by("claim_no").limit(limit).offset(offset))]

    def items_after(self, recon: dict, category: str, after: str, limit: int) -> list[dict]:
        """A download's slice: the items of a category after claim number `after` (no OFFSET scan)."""
        query = categories(recon["recon_id"], recon["consortium_id"], Period.parse(recon["period"]))[category]
        sub = query.subquery()
        rows = self.session.execute(select(sub).where(sub.c.claim_no > after).order_by(sub.c.claim_no).limit(limit))
        return [dict(r._mapping) for r in rows]

    def page(self, consortium_id: str, limit: int, offset: int) -> tuple[int, list[dict]]:
        r, u = t.reconciliations, t.uploads
        where = (r.c.consortium_id == consortium_id,)
        total = self.session.execute(select(func.count()).select_from(r).where(*where)).scalar_one()
        rows = self.session.execute(
            select(r.c.recon_id, r.c.period, r.c.created_by, r.c.created_at, r.c.summary, u.c.filename)
            .join(u, u.c.upload_id == r.c.upload_id).where(*where)
            .order_by(r.c.created_at.desc()).limit(limit).offset(offset))
        return total, [dict(row._mapping) for row in rows]

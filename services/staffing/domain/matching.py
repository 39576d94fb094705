"""Ranking candidates for a secondment request.

Hard filters (applied by the service layer before ranking): the specialty matches, the title
is at least the requested level, the person is free for the whole period and their home unit
keeps its minimum cover. Ranking then prefers, in order: an exact title match (a senior sent
where an intermediate was asked is a waste of scarce seniors), a practising over an assistant
physician, the paired county hospital of the township (紧密型医共体 partner), fewer days already
seconded this year (share the load), then the staff id for a stable order.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Candidate:
    staff_id: str
    title_level: str
    title_rank: int
    qualification: str
    home_org_id: str
    days_seconded_this_year: int


@dataclass(frozen=True)
class RankedCandidate:
    candidate: Candidate
    score: int
    reasons: list[str]


def rank(candidates: list[Candidate], wanted_rank: int, paired_org_id: str | None) -> list[RankedCandidate]:
    ranked = []
    for c in candidates:
        reasons = []
        score = 0
        if c.title_rank == wanted_rank:
            score += 400
            reasons.append("title matches exactly")
        else:
            reasons.append(f"title {c.title_level} above the level asked")
        if c.qualification == "practising_physician":
            score += 200
            reasons.append("practising physician")
        if paired_org_id and c.home_org_id == paired_org_id:
            score += 100
            reasons.append("from the township's paired county hospital")
        score -= min(c.days_seconded_this_year, 99)
        reasons.append(f"{c.days_seconded_this_year} days seconded this year")
        ranked.append(RankedCandidate(c, score, reasons))
    return sorted(ranked, key=lambda r: (-r.score, r.candidate.staff_id))

"""Tidal dispatch (潮汐式医疗援助): when demand at a township rises, send county experts down.

Two signals, per township and specialty:
- upward referral volume in the current sliding window against the average of the windows
  before it (the baseline): a surge is volume ≥ min_volume and ≥ baseline × surge ratio;
- the seasonal calendar (e.g. a scenic-area tourist season), recommended `lead_days` ahead.
Staff already seconded there in that specialty reduce what is recommended.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Callable


@dataclass(frozen=True)
class DemandPolicy:
    window_days: int
    baseline_windows: int
    min_volume: int
    surge_bp: int
    season_lead_days: int


@dataclass(frozen=True)
class Season:
    season_id: str
    name: str
    start: date
    end: date
    specialties: list[str]
    headcount: int


@dataclass(frozen=True)
class Demand:
    township_id: str
    specialty: str
    window_volume: int
    baseline_volume: int  # total over the baseline windows


@dataclass(frozen=True)
class Recommendation:
    township_id: str
    specialty: str
    headcount: int
    score: int
    reasons: list[str] = field(default_factory=list)
    season_id: str | None = None
    window_volume: int = 0


def recommend(policy: DemandPolicy, today: date, demand: Demand | None, seasons: list[Season],
              township_id: str, specialty: str, covering: Callable[[date], int]) -> Recommendation | None:
    """`covering(day)`: staff seconded to the township in the specialty on that day. A surge needs
    one more expert from today; a season its headcount over the season, so a season is checked on
    its first (or today's) and its last day: a secondment ending mid-season does not cover it."""
    reasons: list[str] = []
    needs: list[tuple[int, list[date]]] = []  # (heads, days they are needed on)
    score = 0
    season_id = None
    volume = demand.window_volume if demand else 0
    if demand:
        baseline = Fraction(demand.baseline_volume, policy.baseline_windows)
        threshold = max(Fraction(policy.min_volume), baseline * policy.surge_bp / 10000)
        if volume >= threshold:
            needs.append((1, [today]))
            rise = f", {float((volume - baseline) / baseline * 100):+.0f}%" if baseline else ""
            reasons.append(
                f"{volume} upward referrals in {specialty} in the last {policy.window_days} days "
                f"(baseline {float(baseline):.1f} per window{rise}; threshold {float(threshold):.1f})")
            score += int(volume * 100 / max(threshold, 1))
    for s in seasons:
        if specialty not in s.specialties:
            continue
        starts_in = (s.start - today).days
        if s.end < today or starts_in > policy.season_lead_days:
            continue
        needs.append((s.headcount, [max(today, s.start), s.end]))
        season_id = s.season_id
        when = "under way" if starts_in <= 0 else f"starts in {starts_in} days"
        reasons.append(f"season '{s.name}' {s.start.isoformat()}..{s.end.isoformat()} {when}, "
                       f"expects {s.headcount} more in {specialty}")
        score += 100 * s.headcount
    if not needs:
        return None
    # The largest shortfall on any day a need covers decides the headcount.
    heads, shortfall, worst_day = 0, 0, today
    for wanted, days in needs:
        for day in days:
            missing = wanted - covering(day)
            if missing > shortfall or (missing == shortfall and wanted > heads):
                heads, shortfall, worst_day = wanted, missing, day
    if shortfall <= 0:
        return None
    if heads > shortfall:
        reasons.append(f"{heads - shortfall} already seconded there in {specialty} on {worst_day.isoformat()}")
    return Recommendation(township_id, specialty, shortfall, score, reasons, season_id, volume)

from __future__ import annotations

from datetime import date

from services.staffing.domain.matching import Candidate, rank
from services.staffing.domain.tidal import Demand, DemandPolicy, Season, recommend

POLICY = DemandPolicy(window_days=28, baseline_windows=3, min_volume=8, surge_bp=15000, season_lead_days=14)
TODAY = date(2026, 6, 20)


def NOBODY(_day: date) -> int:
    return 0


def test_a_surge_against_the_baseline_recommends_one_expert():
    rec = recommend(POLICY, TODAY, Demand("dachang-thc", "cardiology", 12, 18), [], "dachang-thc", "cardiology",
                    NOBODY)
    assert rec is not None and rec.headcount == 1
    assert "12 upward referrals" in rec.reasons[0] and "baseline 6.0" in rec.reasons[0]


def test_volume_below_the_minimum_or_the_surge_ratio_recommends_nothing():
    assert recommend(POLICY, TODAY, Demand("t", "cardiology", 7, 0), [], "t", "cardiology", NOBODY) is None
    # baseline 8 per window → threshold 12
    assert recommend(POLICY, TODAY, Demand("t", "cardiology", 11, 24), [], "t", "cardiology", NOBODY) is None
    assert recommend(POLICY, TODAY, Demand("t", "cardiology", 12, 24), [], "t", "cardiology", NOBODY) is not None


def test_a_season_recommends_within_its_lead_time_and_not_after_it_ends():
    season = Season("s1", "旅游旺季", date(2026, 7, 1), date(2026, 8, 31), ["emergency"], 2)
    rec = recommend(POLICY, TODAY, None, [season], "t", "emergency", NOBODY)
    assert rec.headcount == 2 and "starts in 11 days" in rec.reasons[0]
    assert recommend(POLICY, date(2026, 6, 1), None, [season], "t", "emergency", NOBODY) is None
    assert recommend(POLICY, date(2026, 9, 1), None, [season], "t", "emergency", NOBODY) is None
    partly_covered = recommend(POLICY, TODAY, None, [season], "t", "emergency", lambda _day: 1)
    assert partly_covered.headcount == 1 and "1 already seconded" in partly_covered.reasons[-1]


def test_a_season_counts_who_is_seconded_during_the_season_not_today():
    season = Season("s1", "旅游旺季", date(2026, 7, 1), date(2026, 8, 31), ["emergency"], 2)
    # Two seconded there today whose postings end on 30 June: the season is not covered at all.
    until_june = recommend(POLICY, TODAY, None, [season], "t", "emergency", lambda d: 2 if d < date(2026, 7, 1) else 0)
    assert until_june.headcount == 2
    # Two posted from the season's first day to its last: nothing more to send.
    assert recommend(POLICY, TODAY, None, [season], "t", "emergency",
                     lambda d: 2 if date(2026, 7, 1) <= d <= date(2026, 8, 31) else 0) is None
    # One of them leaves mid-season: one more is still needed at the end.
    half = recommend(POLICY, TODAY, None, [season], "t", "emergency",
                     lambda d: 2 if d <= date(2026, 7, 31) else 1)
    assert half.headcount == 1 and "1 already seconded there in emergency on 2026-08-31" in half.reasons[-1]


def test_ranking_prefers_exact_title_then_practising_physician_then_paired_hospital_then_lighter_load():
    cands = [
        Candidate("a", "senior", 3, "practising_physician", "county-peoples-hospital", 0),
        Candidate("b", "intermediate", 2, "assistant_physician", "county-peoples-hospital", 0),
        Candidate("c", "intermediate", 2, "practising_physician", "county-tcm-hospital", 0),
        Candidate("d", "intermediate", 2, "practising_physician", "county-peoples-hospital", 30),
        Candidate("e", "intermediate", 2, "practising_physician", "county-peoples-hospital", 0),
    ]
    order = [r.candidate.staff_id for r in rank(cands, 2, "county-peoples-hospital")]
    assert order == ["e", "d", "c", "b", "a"]

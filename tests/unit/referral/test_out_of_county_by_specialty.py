"""The weak-specialty list (转外率 by specialty) as pure arithmetic."""
from __future__ import annotations

from hypothesis import given, strategies as st

from platform_common.contracts import Specialty
from services.referral.domain.out_of_county import SpecialtyCount, outflow_by_specialty

specialties = st.sampled_from([s.value for s in Specialty])
counts = st.dictionaries(specialties, st.integers(min_value=0, max_value=10_000), max_size=8)


def _counts(d: dict[str, int]) -> list[SpecialtyCount]:
    return [SpecialtyCount(k, v) for k, v in sorted(d.items())]


def test_rates_against_all_referrals_out_and_within_the_specialty():
    rows = outflow_by_specialty("2026-10", _counts({"cardiology": 4, "orthopaedics": 2}),
                                _counts({"cardiology": 2, "respiratory": 1, "neurology": 0}))
    assert [(r.specialty, r.referrals_out_count, r.out_of_county_rate_bp, r.within_specialty_bp) for r in rows] == [
        ("cardiology", 9, 2222, 3333), ("respiratory", 9, 1111, 10000)]


def test_nothing_out_of_the_county_is_an_empty_list():
    assert outflow_by_specialty("2026-10", _counts({"cardiology": 4}), []) == []


@given(counts, counts)
def test_every_specialty_that_lost_a_patient_is_listed_once_highest_rate_first(upward, away):
    rows = outflow_by_specialty("2026-10", _counts(upward), _counts(away))
    assert sorted(r.specialty for r in rows) == sorted(k for k, v in away.items() if v)
    total = sum(upward.values()) + sum(away.values())
    for r in rows:
        assert r.referrals_out_count == total
        assert r.specialty_referrals_out_count == upward.get(r.specialty, 0) + away[r.specialty]
        # half up, in basis points, never above the within-specialty share (its base is never larger)
        assert abs(r.out_of_county_rate_bp * total - r.out_of_county_count * 10_000) <= total // 2 + 1
        assert 0 <= r.out_of_county_rate_bp <= r.within_specialty_bp <= 10_000
    assert [r.out_of_county_rate_bp for r in rows] == sorted((r.out_of_county_rate_bp for r in rows), reverse=True)
    # every patient who left the county is in exactly one row
    assert sum(r.out_of_county_count for r in rows) == sum(away.values())

"""The main diagnosis of claims and the chronic patients' primary-care visit rate, as pure functions."""
import pytest
from hypothesis import given, strategies as st

from services.payment.domain.appraisal import share_bp
from services.payment.domain.claims import RowError, parse_diagnosis
from services.payment.domain.diagnosis import ChronicCondition, chronic_condition, chronic_visits


@pytest.mark.parametrize("code, condition", [
    ("I10", ChronicCondition.HYPERTENSION), ("I15.9", ChronicCondition.HYPERTENSION),
    ("E10", ChronicCondition.DIABETES), ("E11.900", ChronicCondition.DIABETES), ("E14.9", ChronicCondition.DIABETES),
    ("I09.9", None), ("I16", None), ("I20.0", None), ("E09", None), ("E15", None), ("J18.9", None), (None, None)])
def test_the_two_conditions_are_the_icd10_categories_i10_i15_and_e10_e14(code, condition):
    assert chronic_condition(code) is condition


def test_a_diagnosis_is_an_icd10_code_or_empty():
    assert parse_diagnosis(" e11.9 ") == "E11.9" and parse_diagnosis("") is None and parse_diagnosis(None) is None
    for bad in ("11.9", "E1", "E11-9", "高血压", "Ｉ10"):
        with pytest.raises(RowError) as e:
            parse_diagnosis(bad)
        assert e.value.field == "diagnosis_code"


CODES = st.sampled_from(["I10", "I11.0", "I13", "I15.1", "E10.1", "E11.9", "E14", "I20", "J18.9", "E15", None])


@given(st.lists(st.tuples(CODES, st.booleans(), st.integers(0, 1000)), max_size=30))
def test_the_rate_counts_each_chronic_claim_once_and_nothing_else(rows):
    visits = chronic_visits("2026-03", rows)
    chronic = [(primary, n) for code, primary, n in rows if code and code[0] in "IE" and
               ("I10" <= code[:3] <= "I15" or "E10" <= code[:3] <= "E14")]
    assert visits.total == sum(n for _, n in chronic)
    assert visits.at_primary == sum(n for primary, n in chronic if primary) <= visits.total
    rate = share_bp(visits.at_primary, visits.total)
    assert rate is None if visits.total == 0 else 0 <= rate <= 10000

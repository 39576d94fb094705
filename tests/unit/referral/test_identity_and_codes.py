from datetime import date

import pytest
from hypothesis import given, strategies as st

from platform_common.errors import InvalidInput
from services.referral.domain.codes import ChronicCondition, chronic_condition_for, normalise_icd10
from services.referral.domain.identity import Sex, check_char, check_patient, parse_national_id, patient_key


def _id(birth=date(1961, 3, 8), seq="123"):
    first = "500237" + birth.strftime("%Y%m%d") + seq
    return first + check_char(first)


def test_known_valid_id_with_x_check_character():
    # GB 11643 worked example: 11010519491231002X
    nid = parse_national_id("11010519491231002x")
    assert nid.value == "11010519491231002X"
    assert nid.birth_date == date(1949, 12, 31) and nid.sex is Sex.FEMALE


def test_mask_keeps_region_and_last_four_only():
    nid = parse_national_id(_id())
    assert nid.masked == nid.value[:6] + "********" + nid.value[-4:]
    assert nid.value[6:14] not in nid.masked


@pytest.mark.parametrize("bad", ["50023719610308123", "5002371961030812345", "50023719610308123A",
                                 "500237196103081230"])
def test_malformed_or_wrong_checksum_is_refused(bad):
    if len(bad) == 18 and bad[-1] != "A":
        bad = bad[:17] + ("0" if check_char(bad[:17]) != "0" else "1")
    with pytest.raises(InvalidInput) as e:
        parse_national_id(bad)
    assert e.value.field == "patient.national_id"


def test_full_width_digits_are_refused_not_hashed_as_another_patient():
    ascii_id = _id()
    full_width = ascii_id.translate({ord(d): ord(d) + 0xFEE0 for d in "0123456789"})  # ５００２３７…
    with pytest.raises(InvalidInput) as e:
        parse_national_id(full_width)
    assert e.value.field == "patient.national_id"


def test_impossible_birth_date_is_refused():
    first = "500237" + "19610231" + "123"
    with pytest.raises(InvalidInput, match="birth date"):
        parse_national_id(first + check_char(first))


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2025, 12, 31)), st.integers(0, 999))
def test_every_generated_id_validates_and_one_changed_digit_does_not(birth, seq):
    value = _id(birth, f"{seq:03d}")
    assert parse_national_id(value).birth_date == birth
    digit = (int(value[5]) + 1) % 10
    with pytest.raises(InvalidInput):
        parse_national_id(value[:5] + str(digit) + value[6:])


def test_sex_and_birth_date_must_match_the_id():
    nid = parse_national_id(_id(seq="123"))  # 3 is odd: male
    check_patient(nid, Sex.MALE, date(1961, 3, 8), date(2026, 1, 1))
    with pytest.raises(InvalidInput) as e:
        check_patient(nid, Sex.FEMALE, date(1961, 3, 8), date(2026, 1, 1))
    assert e.value.field == "patient.sex"
    with pytest.raises(InvalidInput) as e:
        check_patient(nid, Sex.MALE, date(1961, 3, 9), date(2026, 1, 1))
    assert e.value.field == "patient.date_of_birth"


def test_patient_key_is_keyed_and_stable():
    nid = parse_national_id(_id())
    assert patient_key("k" * 32, nid) == patient_key("k" * 32, nid)
    assert patient_key("k" * 32, nid) != patient_key("j" * 32, nid)
    assert nid.value not in patient_key("k" * 32, nid)


@pytest.mark.parametrize("raw,code", [("i21.4", "I21.4"), ("I10", "I10"), ("I10.x00x002", "I10.X00X002"),
                                      (" E11.9 ", "E11.9")])
def test_icd10_normalised(raw, code):
    assert normalise_icd10(raw) == code


@pytest.mark.parametrize("raw", ["", "121", "I2", "I21.", "I21.456789012", "心梗", "II21", "I２1", "I21.４"])
def test_icd10_malformed_refused(raw):
    with pytest.raises(InvalidInput) as e:
        normalise_icd10(raw)
    assert e.value.field == "icd10"


@pytest.mark.parametrize("code,condition", [("I10", ChronicCondition.HYPERTENSION), ("I15.0", ChronicCondition.HYPERTENSION),
                                            ("E11.9", ChronicCondition.DIABETES), ("E14", ChronicCondition.DIABETES),
                                            ("I16", None), ("E09", None), ("I21.4", None), ("J18", None)])
def test_two_chronic_diseases_from_icd10_blocks(code, condition):
    assert chronic_condition_for(code) == condition

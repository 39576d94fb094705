"""A new referral's patient: the identity checked against sex and birth date, kept masked and keyed."""
from __future__ import annotations

from datetime import date
from typing import Any

from ..domain.identity import Sex, check_patient, parse_national_id, patient_key
from ..settings import ReferralSettings


def patient_fields(patient: dict[str, Any], settings: ReferralSettings, today: date) -> dict[str, Any]:
    """The referral row's patient columns: the name, sex and birth date, the national ID only masked and as a key."""
    nid = parse_national_id(patient["national_id"])
    sex, birth = Sex(patient["sex"]), patient["date_of_birth"]
    check_patient(nid, sex, birth, today)
    return {
        "patient_name": patient["name"].strip(), "patient_sex": sex.value, "patient_birth_date": birth,
        "patient_id_masked": nid.masked, "patient_key": patient_key(settings.patient_key_secret, nid),
    }

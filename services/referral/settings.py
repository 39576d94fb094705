"""Referral service settings (env prefix `REFERRAL_`); policy numbers with documented defaults."""
from __future__ import annotations

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from platform_common.contracts import Specialty
from platform_common.identity import DEMO_RESIDENT_KEY_SECRET, check_key_secret
from platform_common.settings import ServiceSettings

from .domain.rules import Urgency

DEMO_PATIENT_KEY_SECRET = DEMO_RESIDENT_KEY_SECRET


class ReferralSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="REFERRAL_", extra="ignore")

    service_name: str = "referral"
    port: int = 8001

    # HMAC key for patient_key (hash of the national ID). Rotating it breaks patient matching
    # across the rotation, so it is set once per deployment.
    patient_key_secret: str = DEMO_PATIENT_KEY_SECRET
    # Response clock, minutes from the referral reaching a hospital to its answer (None: no clock).
    emergency_response_minutes: int | None = Field(default=30, ge=1)
    urgent_response_minutes: int | None = Field(default=240, ge=1)
    routine_response_minutes: int | None = Field(default=None, ge=1)
    overdue_scan_seconds: float = Field(default=60.0, gt=0)
    # A follow-up done within this many days after its due date counts as on time.
    follow_up_grace_days: int = Field(default=7, ge=0)
    max_follow_ups: int = Field(default=24, ge=1)
    max_attachments: int = Field(default=20, ge=0)
    # Specialties every primary unit can follow up without a specialist on site.
    baseline_specialties: frozenset[Specialty] = frozenset({
        Specialty.GENERAL_PRACTICE, Specialty.INTERNAL_MEDICINE, Specialty.TCM, Specialty.NURSING,
        Specialty.PHARMACY,
    })
    # Periods, "today" and follow-up due dates are read in the consortium's local time.
    county_domain_target_bp: int = Field(default=9000, ge=0, le=10000)
    # Each closed local month's indicators are published by the service itself (consortium-wide and per
    # member unit, for payment's performance score) this many days after the month ends, so units can
    # still report their visit volumes; missed months (service down) are caught up, at most this many back.
    indicators_auto_publish: bool = True
    indicators_publish_after_days: int = Field(default=5, ge=0, le=60)
    indicators_catch_up_months: int = Field(default=12, ge=1, le=60)
    # Capacity (预约): a booked patient not arrived by the end of the slot plus this grace is a no-show and the
    # place is released; capacity is published from today up to the horizon; a query spans at most so many days.
    no_show_grace_minutes: int = Field(default=120, ge=0)
    capacity_horizon_days: int = Field(default=180, ge=1, le=730)
    capacity_max_per_slot: int = Field(default=500, ge=1)
    capacity_query_max_days: int = Field(default=92, ge=1, le=366)
    # Urgencies that go over a full slot (the overflow is recorded) instead of being refused. Emergencies always
    # do; a county may add urgent referrals.
    capacity_overbook_urgencies: frozenset[Urgency] = frozenset({Urgency.EMERGENCY})
    # Advice before referral (科对科): minutes the county department has to answer, per urgency (None: no clock).
    consultation_emergency_minutes: int | None = Field(default=30, ge=1)
    consultation_urgent_minutes: int | None = Field(default=240, ge=1)
    consultation_routine_minutes: int | None = Field(default=2880, ge=1)
    page_size_default: int = Field(default=50, ge=1)
    page_size_max: int = Field(default=200, ge=1)

    @model_validator(mode="after")
    def _refuse_demo_key_in_production(self) -> "ReferralSettings":
        check_key_secret(self.patient_key_secret, self.common.demo_mode, "REFERRAL_PATIENT_KEY_SECRET")
        if Urgency.EMERGENCY not in self.capacity_overbook_urgencies:
            raise ValueError("REFERRAL_CAPACITY_OVERBOOK_URGENCIES must include emergency: emergencies are never "
                             "refused for lack of capacity")
        return self

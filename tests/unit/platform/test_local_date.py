"""The consortium's date at an instant: one helper (`ServiceSettings.local_date`) for every service, never UTC's
date or the host's."""
from datetime import date, datetime, timezone

from services.referral.settings import ReferralSettings
from services.staffing.settings import StaffingSettings


def test_an_instant_late_in_the_utc_evening_is_the_next_morning_in_the_consortium(monkeypatch):
    monkeypatch.setenv("CONSORTIUM_DEMO_MODE", "true")
    evening = datetime(2026, 11, 26, 18, 0, tzinfo=timezone.utc)      # 02:00 on the 27th in Asia/Shanghai
    for settings in (ReferralSettings(), StaffingSettings()):
        assert settings.local_date(evening) == date(2026, 11, 27)
        assert settings.local_date(evening.replace(hour=15, minute=59)) == date(2026, 11, 26)

"""可预约号源 and the upward form's slot: the township clerk sees free places per department and day, picks one,
and the referral holds it; the county desk's accept form has it chosen already."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from .conftest import national_id
from .test_accept_booking import publish
from .test_forms import ID_OF, error_beside, local_today, upward

pytestmark = pytest.mark.integration


def test_the_grid_shows_free_places_per_department_and_day_and_leads_to_the_upward_form(console, desk):
    town = desk("dachang.referral")
    day = local_today() + timedelta(days=5)
    slot = publish(console, "gynaecology", "outpatient", day, 3)
    grid = town.get("/capacity", params={"specialty": "gynaecology"})
    assert grid.status_code == 200
    row = re.search(r"<tr>\s*<th scope=\"row\">巫山县人民医院 · 妇科 · 门诊号源</th>(.*?)</tr>", grid.text, re.S)
    assert row and "3 / 3" in row.group(1)
    link = re.search(r'href="(/referrals/new-upward\?[^"]+)"', row.group(1)).group(1).replace("&amp;", "&")
    assert f"day={day.isoformat()}" in link
    form = town.get(link).text
    assert f'value="{slot["slot_id"]}" checked' in form  # the day's first free place is chosen
    assert re.search(r'<option value="gynaecology" selected>', form)
    typed = upward(specialty="gynaecology", urgency="routine", emergency_category="",
                   **{"patient.national_id": national_id(seq="283")})
    shown = town.submit("/referrals/new-upward", typed | {"show_slots": "1"})
    assert shown.status_code == 200 and 'value="刘德明"' in shown.text  # nothing submitted, the form kept
    assert f'value="{slot["slot_id"]}"' in shown.text
    made = town.submit("/referrals/new-upward", typed | {"slot_id": slot["slot_id"]})
    assert made.status_code == 303, made.text[:2000]
    rid = ID_OF.search(made.headers["location"]).group(1)
    assert f"{day.isoformat()} 08:00–12:00" in town.get(f"/referrals/{rid}").text  # held until the answer
    assert "2 / 3" in town.get("/capacity", params={"specialty": "gynaecology", "org_id": "county-peoples-hospital"}).text
    accept = desk("peoples.referral").get(f"/referrals/{rid}").text
    assert f'value="{slot["slot_id"]}" checked' in accept and "本患者已预约此号源" in accept


def test_a_slot_of_another_department_is_refused_beside_the_choice(console, desk):
    town = desk("dachang.referral")
    slot = publish(console, "gynaecology", "outpatient", local_today() + timedelta(days=6), 1)
    bad = town.submit("/referrals/new-upward", upward(specialty="paediatrics", slot_id=slot["slot_id"],
                                                      **{"patient.national_id": national_id(seq="285")}))
    assert bad.status_code == 422
    assert error_beside(bad.text, "slot_id") == "所选号源不是儿科的门诊号或床位"


def test_a_bad_start_day_is_shown_beside_its_filter(desk):
    r = desk("dachang.referral").get("/capacity", params={"date_from": "2020-01-01", "org_id": "county-peoples-hospital"})
    assert r.status_code == 200 and "所选范围内没有发布的号源" in r.text
    bad = desk("qixing.referral").get("/capacity", params={"date_from": "not-a-day"})
    assert bad.status_code == 200 and 'id="f-date_from-error"' in bad.text

"""The county desk's accept form books a place from the department's published capacity: the clerk chooses a
slot or a bed; a place taken meanwhile comes back as one Chinese sentence beside the choice with the form kept;
an emergency is taken in over a full slot, as the platform allows."""
from __future__ import annotations

from datetime import timedelta

import pytest

from .conftest import national_id
from .test_forms import error_beside, local_today, submit_upward

pytestmark = pytest.mark.integration
HOSPITAL = "county-peoples-hospital"


def publish(console, specialty: str, kind: str, day, count: int, start: str | None = "08:00",
            end: str | None = "12:00", exam_type: str | None = None) -> dict:
    """One slot published by the hospital desk through the API; returns it."""
    slot = {"day": day.isoformat(), "count": count} | ({"start": start, "end": end} if kind != "bed" else {})
    department = {"specialty": specialty, "kind": kind} | ({"exam_type": exam_type} if exam_type else {})
    with console.client("peoples.referral") as desk:
        r = desk.post("/referral/capacity/slots", json=department | {"slots": [slot]})
        assert r.status_code == 200, r.text
        return r.json()["slots"][0]


def refer(town, specialty: str, urgency: str = "routine", seq: str = "271") -> str:
    return submit_upward(town, urgency=urgency, emergency_category="stroke" if urgency == "emergency" else "",
                         specialty=specialty, **{"patient.national_id": national_id(seq=seq)})


def test_the_accept_form_offers_the_departments_free_places_and_books_the_one_chosen(console, desk):
    town, county = desk("dachang.referral"), desk("peoples.referral")
    day = local_today() + timedelta(days=2)
    slot = publish(console, "endocrinology", "outpatient", day, 2)
    bed = publish(console, "endocrinology", "bed", day, 1)
    rid = refer(town, "endocrinology")
    page = f"/referrals/{rid}"
    form = county.get(page).text
    assert "预约号源（内分泌科）" in form and f'value="{slot["slot_id"]}"' in form and f'value="{bed["slot_id"]}"' in form
    assert "余 2 / 2" in form and "预留床位（全天）" in form
    ok = county.submit(f"{page}/accept", {"version": "1", "slot_id": bed["slot_id"], "bed_no": "内分泌 5-01",
                                          "priority_reception": "on"}, page)
    assert ok.status_code == 303, ok.text[:2000]
    shown = county.get(page).text
    assert "已接收" in shown and f"{day.isoformat()} 预留床位" in shown and "内分泌 5-01" in shown
    assert f"{day.isoformat()} 预留床位" in town.get(page).text  # the township sees the booked place


def test_a_place_taken_meanwhile_is_a_clear_sentence_and_the_form_stays_filled(console, desk):
    town, county = desk("dachang.referral"), desk("peoples.referral")
    day = local_today() + timedelta(days=3)
    last = publish(console, "respiratory", "outpatient", day, 1, "14:00", "17:00")
    first, second = refer(town, "respiratory", seq="273"), refer(town, "respiratory", seq="275")
    form_page = county.get(f"/referrals/{second}").text
    assert f'value="{last["slot_id"]}"' in form_page  # still free when the clerk opened the form
    with console.client("peoples.referral") as colleague:  # another clerk takes the last place first
        taken = colleague.post(f"/referral/referrals/{first}/accept", json={"slot_id": last["slot_id"], "version": 1})
        assert taken.status_code == 200, taken.text
    page = f"/referrals/{second}"
    refused = county.submit(f"{page}/accept", {"version": "1", "slot_id": last["slot_id"], "note": "请带既往胸片",
                                               "priority_reception": "on", "priority_admission": "on"}, page)
    assert refused.status_code == 409
    message = error_beside(refused.text, "accept-slot_id")
    assert "刚刚已被约满，本次未接收" in message and "14:00" in message
    assert "请带既往胸片" in refused.text  # what the clerk typed is kept
    assert 'id="f-accept-priority_admission" name="priority_admission" value="on" checked' in refused.text
    assert f'value="{last["slot_id"]}"' not in refused.text  # the full slot is no longer offered
    assert "待接收" in county.get(page).text  # nothing was accepted


def test_an_emergency_is_accepted_over_a_full_slot(console, desk):
    town, county = desk("dachang.referral"), desk("peoples.referral")
    day = local_today() + timedelta(days=4)
    full = publish(console, "orthopaedics", "outpatient", day, 1)
    with console.client("peoples.referral") as api:
        taken = refer(town, "orthopaedics", seq="277")
        assert api.post(f"/referral/referrals/{taken}/accept",
                        json={"slot_id": full["slot_id"], "version": 1}).status_code == 200
    rid = refer(town, "orthopaedics", urgency="emergency", seq="279")
    page = f"/referrals/{rid}"
    form = county.get(page).text
    assert f'value="{full["slot_id"]}"' in form and "急危重症可超额接收" in form
    ok = county.submit(f"{page}/accept", {"version": "1", "slot_id": full["slot_id"]}, page)
    assert ok.status_code == 303, ok.text[:2000]
    assert "超额接收" in county.get(page).text


def test_a_department_without_published_capacity_keeps_the_free_text_answer(desk):
    town, county = desk("dachang.referral"), desk("peoples.referral")
    rid = refer(town, "rehabilitation", seq="281")
    page = county.get(f"/referrals/{rid}").text
    assert "本科室近期未发布号源" in page and 'name="slot_id"' not in page

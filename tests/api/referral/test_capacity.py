"""Capacity through the API: a county department publishes slots (listed, from a weekly template, bulk edits),
member units read free capacity, referrals hold and book places, releases give them back."""
from __future__ import annotations

import pytest

from services.referral.service_layer.no_shows import sweep
from tests.support.clock import frozen_clock
from tests.support.service_app import outbox_events
from tests.support.tokens import demo_user_header as h

from .conftest import make_id, submit

HOSP, TOWN, TCM = "peoples.referral", "dachang.referral", "tcm.referral"
NOW = "2026-12-01T08:00:00+08:00"  # a Tuesday morning in the county
WEEK = [{"weekday": d, "start": "08:00", "end": "12:00", "count": 2} for d in range(1, 6)] + \
       [{"weekday": d, "start": "14:00", "end": "17:00", "count": 1} for d in range(1, 6)]


@pytest.fixture
def clock():
    with frozen_clock(NOW) as now:
        yield now


def template(client, user=HOSP, **over):
    body = {"specialty": "cardiology", "kind": "outpatient", "week": WEEK, "date_from": "2026-12-01",
            "date_to": "2026-12-14"} | over
    return client.post("/capacity/templates/apply", json=body, headers=h(user))


def slots(client, user=TOWN, **params):
    r = client.get("/capacity/slots", params={"date_from": "2026-12-01", "date_to": "2026-12-14"} | params,
                   headers=h(user))
    assert r.status_code == 200, r.text
    return r.json()["items"]


def accept(client, rid, user=HOSP, **body):
    return client.post(f"/referrals/{rid}/accept", json=body, headers=h(user))


def patient(seq):
    return {"name": "李四", "sex": "male", "date_of_birth": "1961-03-08", "national_id": make_id(seq=seq)}


def test_a_weekly_template_publishes_a_fortnight_and_a_township_sees_it_free(client, clock):
    r = template(client)
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["source"], body["slot_count"], body["places"]) == ("weekly_template", 20, 30)  # 10 weekdays
    (event,) = outbox_events(client, "CapacityPublished")
    assert event["payload"].items() >= {"org_id": "county-peoples-hospital", "specialty": "cardiology",
                                        "kind": "outpatient", "exam_type": None, "source": "weekly_template",
                                        "date_from": "2026-12-01", "date_to": "2026-12-14", "slot_count": 20,
                                        "places": 30}.items()
    days = client.get("/capacity", params={"org_id": "county-peoples-hospital", "date_from": "2026-12-05",
                                           "date_to": "2026-12-08"}, headers=h(TOWN)).json()
    assert days["days"] == ["2026-12-05", "2026-12-06", "2026-12-07", "2026-12-08"]  # the weekend published nothing
    (line,) = days["items"]
    assert (line["specialty"], line["kind"], line["exam_type"]) == ("cardiology", "outpatient", None)
    assert (line["places"], line["free"], line["slots"]) == ([None, None, 3, 3], [None, None, 3, 3], [None, None, 2, 2])
    assert days["consortium_id"] == "wushan"
    # publishing again with another count changes the same slots, never doubles them
    again = template(client, week=[{"weekday": 1, "start": "08:00", "end": "12:00", "count": 5}])
    assert again.json()["slot_count"] == 2 and len(slots(client)) == 20
    assert [s["places"] for s in slots(client, date_from="2026-12-07", date_to="2026-12-07")] == [5, 1]


@pytest.mark.parametrize("over, field", [
    ({"week": [{"weekday": 2, "start": "08:00", "end": "12:00", "count": 1},
               {"weekday": 2, "start": "11:00", "end": "13:00", "count": 1}]}, "week"),
    ({"date_from": "2026-11-30"}, "date_from"),
    ({"week": [{"weekday": 2, "start": "12:00", "end": "08:00", "count": 1}]}, "week.0.start"),
    ({"kind": "bed"}, "week.0.start"),
    ({"kind": "exam"}, "exam_type"),
    ({"exam_type": "ct"}, "exam_type"),
    ({"week": [{"weekday": 8, "start": "08:00", "end": "12:00", "count": 1}]}, "body.week.0.weekday"),
])
def test_bad_capacity_is_refused_naming_the_field(client, clock, over, field):
    r = template(client, **over)
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert err.get("field") == field or field in [f["field"] for f in err.get("fields", [])], err


def test_only_a_county_hospital_publishes_its_own_capacity_and_only_members_read_it(client, clock):
    assert template(client, user=TOWN).status_code == 403
    assert template(client, user="bureau.analyst").status_code == 403
    assert client.get("/capacity", headers=h("insurance.officer")).status_code == 403
    bad = client.get("/capacity", params={"org_id": "dachang-thc"}, headers=h(TOWN))
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "org_id"
    long = client.get("/capacity", params={"date_from": "2026-12-01", "date_to": "2027-06-01"}, headers=h(TOWN))
    assert long.status_code == 422 and long.json()["error"]["field"] == "date_to"


def test_a_slot_chosen_when_referring_is_held_and_a_reject_gives_it_back(client, clock):
    template(client)
    first = slots(client, date_from="2026-12-02", date_to="2026-12-02")[0]
    r = submit(client, slot_id=first["slot_id"], urgency="urgent", emergency_category=None)
    assert [(b["slot_id"], b["status"]) for b in r["bookings"]] == [(first["slot_id"], "booked")]
    assert slots(client, date_from="2026-12-02", date_to="2026-12-02")[0]["free"] == 1
    rejected = client.post(f"/referrals/{r['referral_id']}/reject", json={"reason_code": "no_bed", "reason": "满"},
                           headers=h(HOSP)).json()
    assert [(b["status"], b["release_reason"]) for b in rejected["bookings"]] == [("released", "rejected")]
    assert slots(client, date_from="2026-12-02", date_to="2026-12-02")[0]["free"] == 2
    booked, released = outbox_events(client, "SlotBooked"), outbox_events(client, "SlotReleased")
    assert booked[0]["payload"]["slot_id"] == released[0]["payload"]["slot_id"] == first["slot_id"]
    assert released[0]["payload"]["reason"] == "rejected" and booked[0]["payload"]["overflow"] is False


def test_the_grid_shows_each_line_day_by_day_and_a_booking_takes_a_place_off_its_day(client, clock):
    template(client)
    template(client, kind="bed", week=[{"weekday": d, "count": 1} for d in range(1, 8)])
    rid = submit(client, urgency="urgent", emergency_category=None)["referral_id"]
    assert accept(client, rid, appointment_at="2026-12-03T09:00:00+08:00").status_code == 200
    grid = client.get("/capacity", params={"date_from": "2026-12-02", "date_to": "2026-12-04"},
                      headers=h(TOWN)).json()
    assert grid["days"] == ["2026-12-02", "2026-12-03", "2026-12-04"]
    beds, visits = grid["items"]  # the hospital's cardiology lines, beds first (in kind order)
    assert (beds["kind"], beds["places"], beds["free"]) == ("bed", [1, 1, 1], [1, 1, 1])
    assert (visits["kind"], visits["places"], visits["booked"], visits["free"]) == \
        ("outpatient", [3, 3, 3], [0, 1, 0], [3, 2, 3])


def test_accepting_onto_a_full_slot_named_is_409_naming_it_with_the_capacity_rule(client, clock):
    template(client)
    morning = slots(client, date_from="2026-12-02", date_to="2026-12-02")[0]  # 2 places
    rids = [submit(client, urgency="urgent", emergency_category=None, patient=patient(f"2{i}1"))["referral_id"]
            for i in range(3)]
    assert [accept(client, rid, slot_id=morning["slot_id"]).status_code for rid in rids[:2]] == [200, 200]
    full = accept(client, rids[2], slot_id=morning["slot_id"])
    assert full.status_code == 409, full.text
    error = full.json()["error"]
    assert (error["field"], error["details"]["slot_id"], error["details"]["rule"]) == \
        ("slot_id", morning["slot_id"], "capacity")


def test_accepting_books_the_band_of_the_appointment_and_the_day_fills_up(client, clock):
    template(client)
    rid = submit(client, urgency="urgent", emergency_category=None)["referral_id"]
    r = accept(client, rid, appointment_at="2026-12-03T15:00:00+08:00")
    assert r.status_code == 200, r.text
    (b,) = r.json()["bookings"]
    assert (b["day"], b["band_start"], b["band_end"], b["kind"]) == ("2026-12-03", "14:00", "17:00", "outpatient")
    # the afternoon is full now: the next one for that time gets the first free band of the day instead
    rid2 = submit(client, urgency="urgent", emergency_category=None, patient=patient("135"))["referral_id"]
    (b2,) = accept(client, rid2, appointment_at="2026-12-03T15:30:00+08:00").json()["bookings"]
    assert b2["band_start"] == "08:00"
    for seq in ("157",):
        rid3 = submit(client, urgency="urgent", emergency_category=None, patient=patient(seq))["referral_id"]
        assert accept(client, rid3, appointment_at="2026-12-03T09:00:00+08:00").status_code == 200
    rid4 = submit(client, urgency="urgent", emergency_category=None, patient=patient("179"))["referral_id"]
    full = accept(client, rid4, appointment_at="2026-12-03T09:00:00+08:00")
    assert full.status_code == 409 and full.json()["error"]["details"]["rule"] == "capacity"
    assert full.json()["error"]["details"]["slot_id"] in full.json()["error"]["message"]
    assert client.get(f"/referrals/{rid4}", headers=h(HOSP)).json()["status"] == "submitted"


def test_an_emergency_goes_over_a_full_day_and_the_overflow_is_recorded(client, clock):
    template(client, week=[{"weekday": 4, "start": "08:00", "end": "12:00", "count": 1}])
    first = submit(client, urgency="urgent", emergency_category=None)["referral_id"]
    assert accept(client, first, appointment_at="2026-12-03T09:00:00+08:00").status_code == 200
    emergency = submit(client, patient=patient("135"))["referral_id"]  # chest pain
    r = accept(client, emergency, appointment_at="2026-12-03T10:00:00+08:00")
    assert r.status_code == 200 and r.json()["bookings"][0]["overflow"] is True
    (s,) = slots(client, date_from="2026-12-03", date_to="2026-12-03")
    assert (s["places"], s["booked"], s["free"], s["overflow"]) == (1, 2, 0, 1)
    assert outbox_events(client, "SlotBooked")[-1]["payload"]["overflow"] is True
    # a bed on a day the ward kept nothing: taken in all the same, recorded as overflow without a slot
    template(client, kind="bed", week=[{"weekday": 1, "count": 1}])
    bed = submit(client, patient=patient("157"))["referral_id"]
    (b,) = accept(client, bed, bed_no="CCU-3", appointment_at="2026-12-03T10:00:00+08:00").json()["bookings"]
    assert (b["kind"], b["slot_id"], b["overflow"]) == ("bed", None, True)


def test_bulk_edit_never_drops_below_what_is_booked(client, clock):
    template(client)
    rid = submit(client, urgency="urgent", emergency_category=None)["referral_id"]
    accept(client, rid, appointment_at="2026-12-02T09:00:00+08:00")
    edit = {"specialty": "cardiology", "kind": "outpatient", "date_from": "2026-12-01", "date_to": "2026-12-14",
            "weekdays": [3], "band_start": "08:00", "count": 0}
    refused = client.post("/capacity/bulk-edit", json=edit, headers=h(HOSP))
    assert refused.status_code == 409 and "2026-12-02" in refused.json()["error"]["message"]
    assert [s["places"] for s in slots(client, date_from="2026-12-09", date_to="2026-12-09")] == [2, 1]  # unchanged
    closed = client.post("/capacity/bulk-edit", json=edit | {"date_from": "2026-12-03"}, headers=h(HOSP)).json()
    assert (closed["slot_count"], closed["places"]) == (1, 0)
    assert outbox_events(client, "CapacityPublished")[-1]["payload"]["source"] == "bulk_edit"


def test_a_no_show_after_the_slot_and_its_grace_releases_the_place(client, clock):
    from datetime import datetime, timezone
    template(client)
    came = submit(client, urgency="urgent", emergency_category=None)["referral_id"]
    stayed = submit(client, urgency="urgent", emergency_category=None, patient=patient("135"))["referral_id"]
    for rid in (came, stayed):
        accept(client, rid, appointment_at="2026-12-01T09:00:00+08:00")
    client.post(f"/referrals/{came}/arrive", json={}, headers=h(HOSP))
    rt = client.runtime
    before_grace = datetime(2026, 12, 1, 5, 59, tzinfo=timezone.utc)  # 12:00 + 120 min local is 06:00 UTC
    with rt.uow() as uow:
        assert sweep(uow, rt.settings, before_grace) == 0
    with rt.uow() as uow:
        assert sweep(uow, rt.settings, datetime(2026, 12, 1, 6, 1, tzinfo=timezone.utc)) == 1
    (b,) = client.get(f"/referrals/{stayed}", headers=h(HOSP)).json()["bookings"]
    assert (b["status"], b["release_reason"]) == ("no_show", "no_show")
    assert client.get(f"/referrals/{came}", headers=h(HOSP)).json()["bookings"][0]["status"] == "booked"
    assert outbox_events(client, "SlotReleased")[-1]["payload"]["reason"] == "no_show"
    with rt.uow() as uow:
        assert sweep(uow, rt.settings, datetime(2026, 12, 2, tzinfo=timezone.utc)) == 0  # once only


def test_an_exam_is_booked_on_its_own_slot_and_cancelled(client, clock):
    ct = {"specialty": "radiology", "kind": "exam", "exam_type": "ct",
          "slots": [{"day": "2026-12-02", "start": "08:00", "end": "10:00", "count": 1}]}
    assert client.post("/capacity/slots", json=ct, headers=h(HOSP)).status_code == 200
    rid = submit(client, urgency="urgent", emergency_category=None)["referral_id"]
    early = client.post(f"/referrals/{rid}/exams", json={"exam_type": "ct", "day": "2026-12-02"}, headers=h(HOSP))
    assert early.status_code == 409  # not accepted yet
    accept(client, rid, bed_no="12")  # cardiology publishes nothing: the free-text bed stays
    r = client.post(f"/referrals/{rid}/exams", json={"exam_type": "ct", "day": "2026-12-02"}, headers=h(HOSP))
    assert r.status_code == 200, r.text
    (exam,) = [b for b in r.json()["bookings"] if b["kind"] == "exam"]
    assert (exam["exam_type"], exam["specialty"], exam["band_start"]) == ("ct", "radiology", "08:00")
    other = submit(client, urgency="urgent", emergency_category=None, patient=patient("135"))["referral_id"]
    accept(client, other, bed_no="13")
    full = client.post(f"/referrals/{other}/exams", json={"exam_type": "ct", "day": "2026-12-02"}, headers=h(HOSP))
    assert full.status_code == 409
    assert client.post(f"/referrals/{rid}/exams", json={"exam_type": "mri", "day": "2026-12-02"},
                       headers=h(HOSP)).status_code == 409  # no MRI published
    assert client.post(f"/referrals/{rid}/exams/{exam['booking_id']}/cancel", headers=h(TOWN)).status_code == 403
    cancelled = client.post(f"/referrals/{rid}/exams/{exam['booking_id']}/cancel", headers=h(HOSP))
    assert cancelled.json()["bookings"][-1]["release_reason"] == "exam_cancelled"
    again = client.post(f"/referrals/{rid}/exams/{exam['booking_id']}/cancel", headers=h(HOSP))
    assert again.status_code == 409
    assert client.post(f"/referrals/{other}/exams", json={"exam_type": "ct", "day": "2026-12-02"},
                       headers=h(HOSP)).status_code == 200


def test_indicators_count_booked_acceptances_and_no_shows(client, clock):
    """Three acceptances in December: two book cardiology's published slots, one goes to neurology, which
    publishes nothing (free-text bed) → 2/3 = 6667 bp booked. One booked patient comes, one does not: 1 no-show
    of 2 kept bookings = 5000 bp. A booking released by a cancelled referral is not a no-show, nor in the base."""
    from datetime import datetime, timezone
    template(client)
    came, missed = (submit(client, urgency="urgent", emergency_category=None, patient=patient(seq))["referral_id"]
                    for seq in ("135", "157"))
    elsewhere = submit(client, urgency="urgent", emergency_category=None, specialty="neurology",
                       patient=patient("179"))["referral_id"]
    for rid in (came, missed):
        accept(client, rid, appointment_at="2026-12-01T09:00:00+08:00")
    accept(client, elsewhere, bed_no="7")
    held = submit(client, urgency="urgent", emergency_category=None, patient=patient("191"),
                  slot_id=slots(client, date_from="2026-12-02", date_to="2026-12-02")[0]["slot_id"])["referral_id"]
    client.post(f"/referrals/{held}/cancel", json={"reason": "家属要求"}, headers=h(TOWN))
    client.post(f"/referrals/{came}/arrive", json={}, headers=h(HOSP))
    with client.runtime.uow() as uow:
        sweep(uow, client.runtime.settings, datetime(2026, 12, 2, tzinfo=timezone.utc))
    r = client.get("/indicators", params={"period": "2026-12"}, headers=h("bureau.analyst")).json()
    assert (r["booked_accepts"], r["booked_accept_share_bp"]) == (2, 6667)
    assert (r["no_show_count"], r["no_show_rate_bp"]) == (1, 5000)
    client.post("/indicators/publish", json={"period": "2026-12"}, headers=h("bureau.analyst"))
    payload = outbox_events(client, "ReferralIndicatorsPublished")[-1]["payload"]
    assert (payload["booked_accept_share_bp"], payload["no_show_count"], payload["no_show_rate_bp"]) == (6667, 1, 5000)


def test_days_out_of_range_are_refused_not_built_or_overflowed(client, clock):
    far = template(client, date_to="9999-12-31")
    assert far.status_code == 422 and far.json()["error"]["field"] == "date_from"
    end = client.get("/capacity", params={"date_from": "9999-12-30"}, headers=h(TOWN))
    assert end.status_code == 422 and end.json()["error"]["field"] == "date_from"
    template(client)
    emergency = submit(client)["referral_id"]
    r = accept(client, emergency, appointment_at="9999-12-31T09:00:00+08:00")
    assert r.status_code == 422 and r.json()["error"]["field"] == "appointment_at"

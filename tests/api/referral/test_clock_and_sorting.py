"""The response clock (settings, the background announcer, no stale versions for the clerks),
the steps from the redirected state, and worklist sorting a clerk can use."""
from __future__ import annotations

import time
from datetime import datetime, timedelta

from sqlalchemy import select, update

from platform_common.auth import Role
from platform_common.events import utcnow
from services.referral import bootstrap
from services.referral.adapters.tables import ReferralRow
from services.referral.service_layer import upward
from services.referral.service_layer.clock import OverdueClock, announce_overdue
from services.referral.settings import ReferralSettings
from tests.support.service_app import outbox_events, service_client
from tests.support.tokens import demo_user_header as h, principal_for

from .conftest import PATIENT, make_id, submit

HOSP, TCM, TOWN = "peoples.referral", "tcm.referral", "dachang.referral"


def act(client, rid, action, user=HOSP, **body):
    return client.post(f"/referrals/{rid}/{action}", json=body, headers=h(user))


def _backdate(client, rid):
    with client.runtime.engine.begin() as conn:
        conn.execute(update(ReferralRow).where(ReferralRow.referral_id == rid)
                     .values(response_deadline=utcnow() - timedelta(minutes=5)))


def _stamp(client, rid):
    with client.runtime.engine.connect() as conn:
        return conn.scalar(select(ReferralRow.overdue_announced_at).where(ReferralRow.referral_id == rid))


def test_response_windows_are_settings(tmp_path):
    with service_client(bootstrap, ReferralSettings, tmp_path, emergency_response_minutes=5,
                        routine_response_minutes=600) as client:
        emergency = submit(client)
        routine = submit(client, urgency="routine", emergency_category=None)
    created = datetime.fromisoformat(emergency["created_at"])
    assert datetime.fromisoformat(emergency["response_deadline"]) - created == timedelta(minutes=5)
    assert (datetime.fromisoformat(routine["response_deadline"]) - datetime.fromisoformat(routine["created_at"])
            == timedelta(minutes=600))


def test_the_clock_announcing_does_not_make_the_clerks_answer_stale(client):
    rid = submit(client)["referral_id"]
    seen = client.get(f"/referrals/{rid}", headers=h(HOSP)).json()["version"]
    _backdate(client, rid)
    with client.runtime.uow() as uow:
        assert announce_overdue(uow, utcnow()) == [rid]
    assert client.get(f"/referrals/{rid}", headers=h(HOSP)).json()["version"] == seen
    r = act(client, rid, "accept", bed_no="1", version=seen)
    assert r.status_code == 200, r.text
    (event,) = outbox_events(client, "ReferralResponseOverdue")
    assert event["payload"]["emergency_category"] == "chest_pain" and event["org_id"] == "county-peoples-hospital"


def test_an_answered_referral_is_not_announced(client):
    rid = submit(client)["referral_id"]
    _backdate(client, rid)
    with client.runtime.uow() as uow:
        assert uow.referrals.awaiting_past_deadline(utcnow(), frozenset({"submitted"}))  # read before the answer
        uow.session.commit()  # (SQLite's writers queue; on PostgreSQL the answer lands right here)
        act(client, rid, "reject", reason_code="no_bed", reason="满床")
        assert uow.referrals.mark_overdue_announced(rid, utcnow(), frozenset({"submitted", "redirected"})) is False


def test_a_redirect_racing_the_clock_still_gets_its_own_announcement(client):
    rid = submit(client)["referral_id"]
    _backdate(client, rid)
    rt, peoples = client.runtime, principal_for("county-peoples-hospital", Role.REFERRAL_CLERK, HOSP)
    with rt.uow() as clerk:
        seen = clerk.referrals.get(rid)  # the clerk read it unannounced (kept, as in a request)...
        clerk.session.commit()
        with rt.uow() as clock:  # ...the clock stamps the old routing...
            assert announce_overdue(clock, utcnow()) == [rid]
        upward.redirect(clerk, peoples, utcnow(), rid, rt.settings, to_org_id="county-tcm-hospital",
                        reason="卒中中心", version=None)  # ...and the redirect still resets it
        assert seen.to_org_id == "county-tcm-hospital"
    assert _stamp(client, rid) is None
    _backdate(client, rid)
    with rt.uow() as clock:
        assert announce_overdue(clock, utcnow()) == [rid]
    assert [e["org_id"] for e in outbox_events(client, "ReferralResponseOverdue")] == [
        "county-peoples-hospital", "county-tcm-hospital"]


def test_the_background_clock_publishes(client):
    rid = submit(client)["referral_id"]
    _backdate(client, rid)
    clock = OverdueClock(client.runtime.uow, 0.05)
    clock.start()
    try:
        deadline = time.monotonic() + 10
        while not outbox_events(client, "ReferralResponseOverdue") and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        clock.stop()
    assert [e["aggregate_id"] for e in outbox_events(client, "ReferralResponseOverdue")] == [rid]


def test_steps_from_the_redirected_state(client):
    ids = [submit(client, patient=PATIENT | {"national_id": make_id(seq=s)})["referral_id"]
           for s in ("123", "135", "157")]
    for rid in ids:
        assert act(client, rid, "redirect", to_org_id="county-tcm-hospital", reason="转中医院").status_code == 200
        assert act(client, rid, "accept", bed_no="1").status_code == 404  # the old hospital lost it
    rejected = act(client, ids[0], "reject", TCM, reason_code="no_capability", reason="无介入条件")
    assert rejected.json()["status"] == "rejected"
    assert act(client, ids[1], "cancel", TCM, reason="x").status_code == 403
    assert act(client, ids[1], "cancel", TOWN, reason="家属要求").json()["status"] == "cancelled"
    again = act(client, ids[2], "redirect", TCM, to_org_id="county-peoples-hospital", reason="床位已空出")
    assert again.json()["status"] == "redirected" and again.json()["to_org_id"] == "county-peoples-hospital"
    assert act(client, ids[2], "arrive").json()["error"]["details"]["current_status"] == "redirected"
    history = client.get(f"/referrals/{ids[2]}", headers=h(TOWN)).json()["history"]
    assert [(s["action"], s["actor_org_id"]) for s in history] == [
        ("submit", "dachang-thc"), ("redirect", "county-peoples-hospital"), ("redirect", "county-tcm-hospital")]


def test_sorting_by_urgency_status_and_deadline_means_what_a_clerk_expects(client):
    routine = submit(client, urgency="routine", emergency_category=None)["referral_id"]
    emergency = submit(client)["referral_id"]
    urgent = submit(client, urgency="urgent", emergency_category=None)["referral_id"]
    act(client, routine, "accept", bed_no="1")

    def order(sort):
        r = client.get("/referrals", params={"sort": sort}, headers=h(HOSP))
        assert r.status_code == 200, r.text
        return [x["referral_id"] for x in r.json()["items"]]

    assert order("-urgency") == [emergency, urgent, routine]
    assert order("urgency") == [routine, urgent, emergency]
    # the nearest deadline first; no clock (routine) last in both directions
    assert order("response_deadline") == [emergency, urgent, routine]
    assert order("-response_deadline") == [urgent, emergency, routine]
    assert order("status")[-1] == routine  # waiting for an answer before accepted


def test_the_worklist_shows_both_boxes_by_default_each_row_saying_which(client):
    """Issue 13: a township clerk saw only the referrals it receives (box=incoming) unless it asked."""
    from tests.api.referral.conftest import issue, submit
    from tests.support.tokens import demo_user_header

    sent = [submit(client)["referral_id"] for _ in range(2)]
    received = issue(client)["referral_id"]
    town = demo_user_header("dachang.referral")
    body = client.get("/referrals", headers=town).json()
    assert body["total"] == 3
    assert {(r["referral_id"], r["box"]) for r in body["items"]} == {
        (sent[0], "outgoing"), (sent[1], "outgoing"), (received, "incoming")}
    incoming = client.get("/referrals", headers=town, params={"box": "incoming"}).json()["items"]
    assert [(r["referral_id"], r["box"]) for r in incoming] == [(received, "incoming")]
    assert client.get("/referrals", headers=town, params={"box": "outgoing"}).json()["total"] == 2

"""Two county clerks accept two referrals at the same moment for the department's last place: exactly one books
it, the other gets 409 naming the slot and its referral stays unanswered. SQLite runs the two write
transactions one after the other; PostgreSQL runs them side by side (read committed), where the conditional
UPDATE of the second waits for the first's row lock and then finds no place left."""
from __future__ import annotations

import threading

import pytest

from tests.support.clock import frozen_clock
from tests.support.tokens import demo_user_header as h

from .conftest import make_id, submit

HOSP = "peoples.referral"


def publish(client, places: int) -> dict:
    return client.post("/capacity/slots", json={"specialty": "cardiology", "kind": "outpatient", "slots": [
        {"day": "2026-12-02", "start": "08:00", "end": "12:00", "count": places}]}, headers=h(HOSP)).json()


@pytest.mark.postgres  # also runs on PostgreSQL in the CI pass (TEST_POSTGRES_URL)
def test_two_accepts_racing_for_the_last_slot_one_wins_the_other_gets_409_naming_it(client):
    with frozen_clock("2026-12-01T08:00:00+08:00"):
        slot_id = publish(client, 1)["slots"][0]["slot_id"]
        for attempt in range(4):
            if attempt:  # one more place each round, the earlier winners keep theirs: again a single last place
                assert publish(client, attempt + 1)["slots"][0]["slot_id"] == slot_id
            ids = [submit(client, urgency="urgent", emergency_category=None,
                          patient={"name": "王五", "sex": "male", "date_of_birth": "1961-03-08",
                                   "national_id": make_id(seq=f"{attempt}{i}1")})["referral_id"] for i in range(2)]
            barrier = threading.Barrier(2)
            results: dict[str, object] = {}

            def accept(rid: str) -> None:
                barrier.wait()
                results[rid] = client.post(f"/referrals/{rid}/accept", headers=h(HOSP),
                                           json={"appointment_at": "2026-12-02T09:00:00+08:00"})

            threads = [threading.Thread(target=accept, args=(rid,)) for rid in ids]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            codes = sorted(r.status_code for r in results.values())
            assert codes == [200, 409], [r.text for r in results.values()]
            loser = next(rid for rid, r in results.items() if r.status_code == 409)
            error = results[loser].json()["error"]
            assert error["details"]["slot_id"] == slot_id and slot_id in error["message"]
            assert error["details"]["rule"] == "capacity"  # what a client retries on (another slot)
            assert client.get(f"/referrals/{loser}", headers=h(HOSP)).json()["status"] == "submitted"
            (slot,) = client.get("/capacity/slots", params={"date_from": "2026-12-02", "date_to": "2026-12-02"},
                                 headers=h(HOSP)).json()["items"]
            assert (slot["places"], slot["booked"], slot["free"]) == (attempt + 1, attempt + 1, 0)

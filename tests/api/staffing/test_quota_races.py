"""A unit's quota under racing decisions: two loans of one lender's unused posts, or two hires into one unit's last
post, approved at the same moment. SQLite runs writers one at a time; PostgreSQL runs them side by side in read
committed, where each would pass its check against the other's uncommitted change unless the unit is locked."""
from __future__ import annotations

import threading
from typing import Callable

import pytest

from tests.api.staffing.conftest import BUREAU, LUOPING, person, register, soon


def _at_once(*calls: Callable[[], int]) -> list[int]:
    barrier, results = threading.Barrier(len(calls)), []

    def run(call: Callable[[], int]) -> None:
        barrier.wait()
        results.append(call())

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(results)


@pytest.mark.postgres  # also runs on PostgreSQL in the CI pass (TEST_POSTGRES_URL)
def test_two_loans_racing_for_one_lenders_unused_posts_never_both_approved(client):
    # 骡坪 has 27 posts and 5 people: 22 unused. Each loan asks 12; both together would overdraw the quota.
    register(client, *[person("luoping-thc", title="junior") for _ in range(5)])
    for attempt in range(3):  # each round on days of its own, so that earlier rounds' loans do not bind
        first, last = soon(10 + 40 * attempt), soon(40 + 40 * attempt)
        loans = [client.post("/quota-loans", headers=LUOPING, json={
            "lender_org_id": "luoping-thc", "borrower_org_id": borrower, "posts": 12, "start_date": first,
            "end_date": last, "reason": "借编"}).json()["loan_id"] for borrower in ("dachang-thc", "guandu-thc")]

        def approve(loan_id: str) -> Callable[[], int]:
            return lambda: client.post(f"/quota-loans/{loan_id}/approve", json={"reason": "同意"},
                                       headers=BUREAU).status_code

        assert _at_once(*map(approve, loans)) == [200, 409]
        status = {x["loan_id"]: x["status"] for x in
                  client.get("/quota-loans", params={"org_id": "luoping-thc"}, headers=BUREAU).json()}
        assert sorted(status[x] for x in loans) == ["approved", "requested"]
        lender = client.get("/units/luoping-thc/quota", params={"as_of": first}, headers=BUREAU).json()
        assert (lender["quota"], lender["filled"]) == (15, 5)


@pytest.mark.postgres
def test_two_hires_racing_for_a_units_last_post_never_both_admitted(client):
    register(client, *[person("luoping-thc", title="junior") for _ in range(26)])  # 27 posts: one left

    def hire() -> int:
        return client.post("/staff", json=person("luoping-thc", title="junior"), headers=BUREAU).status_code

    assert _at_once(hire, hire) == [201, 409]
    assert client.get("/units/luoping-thc/quota", params={"as_of": soon(0)}, headers=BUREAU).json()["filled"] == 27

"""Minimum cover under racing approvals: two approvals each send one of a hospital's last two
specialists; one must lose, whatever the database (SQLite serialises writers, PostgreSQL runs them
side by side in read committed)."""
from __future__ import annotations

import pytest

from tests.api.staffing.conftest import (BUREAU, DACHANG, LEAD, LUOPING, person, register, race_approvals,
                                        request_secondment, soon)


def _request(client, headers: dict, org_id: str, start: str, end: str) -> str:
    return request_secondment(client, headers, org_id=org_id, specialty="neurology", title_level="junior",
                              start_date=start, end_date=end, reason="神经内科")["request_id"]


@pytest.mark.postgres  # also runs on PostgreSQL in the CI pass (TEST_POSTGRES_URL)
def test_racing_approvals_never_take_a_units_last_specialist(client):
    x, y = register(client, *[person("county-peoples-hospital", specialty="neurology") for _ in range(2)])
    for attempt in range(4):
        base = 20 * attempt
        first = _request(client, DACHANG, "dachang-thc", soon(base + 5), soon(base + 15))
        second = _request(client, LUOPING, "luoping-thc", soon(base + 10), soon(base + 19))
        results = race_approvals(client, (first, x["staff_id"], BUREAU), (second, y["staff_id"], LEAD))
        assert sorted(results.values()) == [200, 409], results
        loser = first if results[first] == 409 else second
        assert client.get(f"/secondments/{loser}", headers=BUREAU).json()["status"] == "requested"
        # Whoever won, the hospital kept one neurologist on every day of both periods.
        away = [p for s in (x, y) for p in client.get(f"/staff/{s['staff_id']}", headers=BUREAU).json()["postings"]
                if p["kind"] == "secondment" and p["start_date"] >= soon(base)]
        assert len(away) == 1

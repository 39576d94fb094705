"""The simulator's staff pool on top of the demo's (`make simulate` after `make run`): other seeds and years
register their own people within the quota rules, and a person the pool already holds is left out."""
from __future__ import annotations

import pytest

from devstack.demo_data import DEMO_SEED, demo_year
from platform_common.contracts import OrganisationRegistered
from platform_common.org_directory import OrgDirectory
from simulator.client import SimulationError
from simulator import staff
from simulator.scenario import CountyYear, generate
from tests.api.staffing.conftest import BUREAU
from tests.support.tokens import demo_user_header


class InProcessGateway:
    """The simulator's `Gateway.call` answered by the in-process staffing app (paths under /staffing/)."""

    def __init__(self, client) -> None:  # noqa: ANN001
        self.client = client

    def call(self, user: str, method: str, path: str, *, ok: tuple[int, ...] = (200, 201), **kw):  # noqa: ANN003, ANN201
        assert path.startswith("/staffing/"), path
        r = self.client.request(method, path.removeprefix("/staffing"), headers=demo_user_header(user), **kw)
        if r.status_code not in ok:
            raise SimulationError(f"{user} {method} {path}: {r.status_code} {r.text[:300]}")
        return r


def play_staff(client, cy: CountyYear) -> int:  # noqa: ANN001
    """The run's units reach staffing's directory (as registry.events would bring them), then its staff."""
    runtime = client.runtime
    OrgDirectory(runtime.metadata.tables["organisations"]).register_many(runtime.session_factory, [
        OrganisationRegistered(org_id=o.org_id, **o.registration()) for o in cy.orgs])
    return staff.register(InProcessGateway(client), cy)


def cap_violations(client) -> list[tuple[str, str]]:  # noqa: ANN001
    report = client.get("/quota-report", headers=BUREAU).json()
    return [(u["org_id"], v["rule"]) for u in report for v in u["violations"] if v["rule"].endswith("_cap")]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_simulated_year_tops_up_the_demo_staff_pool_within_the_title_caps(client, seed):
    year = demo_year()
    assert play_staff(client, generate("small", DEMO_SEED, year)) > 0  # what `make run` loads
    added = play_staff(client, generate("small", seed, year - 1))  # `make simulate SEED=n`: the year before
    assert added > 0  # at least the county hospitals' new people (no quota there)
    assert cap_violations(client) == []


def test_a_person_the_pool_already_holds_is_left_out_and_the_rest_registered(client):
    cy = generate("tiny", 5, demo_year())
    hospital = [p for p in cy.staff if p["home_org_id"] == "county-peoples-hospital"]
    assert client.post("/staff", json=hospital[0], headers=BUREAU).status_code == 201  # an earlier run's person
    added = play_staff(client, cy)
    total = client.get("/staff", headers=BUREAU, params={"limit": 1}).json()["total"]
    assert added == total - 1 > 0
    held = client.get("/staff", headers=BUREAU, params={"org_id": "county-peoples-hospital", "limit": 1}).json()
    assert held["total"] == len(hospital)  # each of the hospital's people once

"""A policy version saved while a period it would cover is being closed: either the settlement applies
it, or the save is refused (409 naming the settled period); never a settlement under one version while
another, saved afterwards, claims the same period. (Real on PostgreSQL, read committed; SQLite runs write
transactions one at a time.) Each test pauses one side between its check and its write, and runs the
other side from a thread meanwhile, until it has either committed or is waiting for the paused side's lock
(tests/support/race.py): no fixed sleep."""
import pytest

from tests.api.payment.conftest import FINANCE, INSURANCE, claim, create_budget, settle
from tests.support.race import Aside

NEW_VERSION = {"fund_year": 2026, "effective_from": "2026-03-01", "reason": "补充协议", "overspend_tolerance_bp": 0,
               "retention_bands": [[0, 10000]]}


def save_policy(client):
    return client.post("/policies", headers=INSURANCE, json=NEW_VERSION)


def assert_no_closed_period_rewritten(client, saved) -> None:
    """Whatever won, the version in force for March now is the one March was settled under."""
    [listed] = client.get("/settlements", headers=FINANCE, params={"consortium_id": "wushan"}).json()
    march = client.get(f"/settlements/{listed['settlement_id']}", headers=FINANCE).json()
    in_force = client.get("/policies/effective", headers=FINANCE, params={"on": "2026-03-31"}).json()
    assert march["policy_version"] == in_force["version"], (march["policy_version"], in_force["version"], saved.text)
    if saved.status_code == 409:
        details = saved.json()["error"]["details"]
        assert (details["settled_period"], details["consortium_id"]) == ("2026-03", "wushan")
    else:
        assert saved.status_code == 201, saved.text


@pytest.mark.postgres  # also runs on PostgreSQL in the CI pass (TEST_POSTGRES_URL)
def test_a_period_closed_while_a_policy_is_being_saved_is_settled_under_the_policy_in_force(client, monkeypatch):
    from services.payment.adapters.repository_settlements import SettlementRepository

    create_budget(client)
    claim(client, "R-1", 1_000, day="2026-03-02")
    real, closing = SettlementRepository.last_in_year, []

    def close_meanwhile(self, fund_year):
        found = real(self, fund_year)
        if not closing:  # the save has read "nothing settled": close March from another thread now
            closing.append(Aside(client.runtime.engine, lambda: settle(client, "2026-03", score="90")).start())
        return found

    monkeypatch.setattr(SettlementRepository, "last_in_year", close_meanwhile)
    saved = save_policy(client)
    closed = closing[0].join()
    assert closed.status_code == 201, closed.text
    assert_no_closed_period_rewritten(client, saved)


@pytest.mark.postgres  # also runs on PostgreSQL in the CI pass (TEST_POSTGRES_URL)
def test_a_policy_saved_while_a_period_is_being_closed_is_refused_or_applied(client, monkeypatch):
    from services.payment.service_layer import policies

    create_budget(client)
    claim(client, "R-1", 1_000, day="2026-03-02")
    real, saving = policies.effective, []

    def save_meanwhile(uow, settings, on):
        found = real(uow, settings, on)
        if not saving:  # the settlement has read the policy in force: save a new version from another thread
            saving.append(Aside(client.runtime.engine, lambda: save_policy(client)).start())
        return found

    monkeypatch.setattr(policies, "effective", save_meanwhile)
    closed = settle(client, "2026-03", score="90")
    assert closed.status_code == 201, closed.text
    assert_no_closed_period_rewritten(client, saving[0].join())

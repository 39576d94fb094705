"""Closing a period while a claim for it is being recorded: the claim is either in the settlement
or booked late into the next month, never in the closed month outside the settlement's sums.
(The race is real on PostgreSQL, read committed; SQLite runs write transactions one at a time.)
The claim is paused after it has read "March open" until the closing has either committed (the race, without
the guard) or is waiting for the claim's lock (tests/support/race.py): no fixed sleep."""
import pytest
from sqlalchemy import text

from tests.api.payment.conftest import claim, create_budget, settle
from tests.support.race import Aside


@pytest.mark.postgres  # also runs on PostgreSQL in the CI pass (TEST_POSTGRES_URL)
def test_a_claim_in_flight_while_its_month_is_closed_is_counted_exactly_once(client, monkeypatch):
    from services.payment.adapters.repository_claims import ClaimRepository

    create_budget(client)
    claim(client, "F-1", 1_000, day="2026-03-02")
    real = ClaimRepository.closed_months
    closing: list[Aside] = []

    def close_meanwhile(self, consortium_id):
        months = real(self, consortium_id)
        if not closing:   # the claim has read "March open": close March from another thread now
            closing.append(Aside(client.runtime.engine, lambda: settle(client, "2026-03", score="90")).start())
        return months

    monkeypatch.setattr(ClaimRepository, "closed_months", close_meanwhile)
    booked = claim(client, "F-2", 2_000, day="2026-03-03")
    assert booked.status_code == 201, booked.text
    settled = closing[0].join()
    assert settled.status_code == 201, settled.text
    with client.runtime.engine.connect() as conn:
        in_march = conn.execute(text("SELECT COALESCE(SUM(amount_fen), 0) FROM claims WHERE period = '2026-03'")
                                ).scalar()
    assert settled.json()["claims_fen"] == in_march
    assert booked.json()["period"] == ("2026-03" if settled.json()["claims_fen"] == 3_000 else "2026-04")

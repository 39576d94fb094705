from __future__ import annotations

import pytest

from platform_common.auth import Role
from services.payment import bootstrap
from services.payment.settings import PaymentSettings
from tests.support.service_app import service_client
from tests.support.tokens import auth_header, demo_user_header

INSURANCE = demo_user_header("insurance.officer")
FINANCE = demo_user_header("peoples.finance")
DACHANG = demo_user_header("dachang.manager")
LUOPING = demo_user_header("luoping.manager")
CLERK = demo_user_header("peoples.referral")


@pytest.fixture
def client(tmp_path):
    with service_client(bootstrap, PaymentSettings, tmp_path, upload_spool_dir=tmp_path / "spool") as c:
        yield c


@pytest.fixture
def make_client(tmp_path):
    def _make(**overrides):
        return service_client(bootstrap, PaymentSettings, tmp_path, **{"upload_spool_dir": tmp_path / "spool"} | overrides)
    return _make


def create_budget(client, total_people=100_000, per_capita=900, reserve=10_000_000, year=2026) -> dict:
    r = client.post("/budgets", headers=INSURANCE, json={
        "consortium_id": "wushan", "fund_year": year, "enrolled_population": total_people,
        "per_capita_fen": per_capita, "out_of_area_reserve_fen": reserve, "note": "2026 协商"})
    assert r.status_code == 201, r.text
    return r.json()


def claim(client, claim_no, amount, org="dachang-thc", kind="member_outpatient", day="2026-03-10", headers=None):
    return client.post("/claims", headers=headers or FINANCE, json={
        "claim_no": claim_no, "kind": kind, "org_id": org, "amount_fen": amount, "service_date": day})


__all__ = ["INSURANCE", "FINANCE", "DACHANG", "LUOPING", "CLERK", "Role", "auth_header"]


def deliver(client, event_type: str, payload: dict, occurred_at=None, event_id=None, version=None):
    """Hand one referral event to the service's real consumer (inbox included), without a broker."""
    from tests.support import events

    return events.deliver(client, "payment-referral", events.envelope(
        event_type, payload, occurred_at=occurred_at, event_id=event_id, version=version))[0]


def upload(client, text: str, headers=None, name="claims.csv"):
    return client.post("/claims/uploads", headers=headers or FINANCE,
                       files={"file": (name, text.encode("utf-8"), "text/csv")})


def settle(client, period, score=None, reason="年度考核", consortium="wushan"):
    body = {"consortium_id": consortium, "period": period}
    if score is not None:
        body |= {"performance_score": score, "score_reason": reason}
    return client.post("/settlements", headers=INSURANCE, json=body)


def ledger_sums_to_zero(client) -> None:
    from sqlalchemy import text

    with client.runtime.engine.connect() as conn:
        assert conn.execute(text("SELECT COALESCE(SUM(amount_fen), 0) FROM postings")).scalar() == 0
        unbalanced = conn.execute(text(
            "SELECT entry_id FROM postings GROUP BY entry_id HAVING SUM(amount_fen) != 0")).all()
        assert unbalanced == []

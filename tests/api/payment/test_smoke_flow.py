from tests.api.payment.conftest import FINANCE, INSURANCE, claim, create_budget


def test_budget_claim_settle(client):
    b = create_budget(client)
    assert b["total_fen"] == 100_000 * 900 + 10_000_000
    r = claim(client, "C-1", 5_000)
    assert r.status_code == 201, r.text
    r = client.post("/settlements", headers=INSURANCE, json={
        "consortium_id": "wushan", "period": "2026-03", "performance_score": "88", "score_reason": "考核"})
    assert r.status_code == 201, r.text
    print(r.json())

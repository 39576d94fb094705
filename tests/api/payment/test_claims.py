from tests.api.payment.conftest import CLERK, DACHANG, FINANCE, INSURANCE, LUOPING, claim, ledger_sums_to_zero
from tests.support.service_app import outbox_events


def test_a_claim_is_recorded_booked_posted_and_announced(client):
    r = claim(client, "WS-2026-0001", 12_345, org="dachang-thc", day="2026-03-10")
    assert r.status_code == 201, r.text
    body = r.json()
    assert (body["period"], body["late"], body["consortium_id"], body["source"]) == ("2026-03", False, "wushan", "api")
    [event] = outbox_events(client, "ClaimRecorded")
    assert event["payload"] == {"claim_no": "WS-2026-0001", "kind": "member_outpatient", "org_id": "dachang-thc",
                                "consortium_id": "wushan", "amount_fen": 12_345, "service_date": "2026-03-10",
                                "period": "2026-03", "late": False}
    postings = client.get("/ledger/accounts/unit:dachang-thc/postings", headers=FINANCE).json()
    assert [(p["amount_fen"], p["source_type"], p["source_id"]) for p in postings["items"]] == [
        (12_345, "claim", "WS-2026-0001")]
    ledger_sums_to_zero(client)


def test_claims_are_idempotent_by_number(client):
    assert claim(client, "C-1", 500).status_code == 201
    again = claim(client, "C-1", 500)
    assert again.status_code == 200
    changed = claim(client, "C-1", 600)
    assert changed.status_code == 409 and changed.json()["error"]["field"] == "claim_no"
    assert client.get("/claims", headers=FINANCE).json()["total"] == 1
    assert len(outbox_events(client, "ClaimRecorded")) == 1


def test_out_of_area_and_out_of_county_claims_are_paid_to_outside_providers(client):
    assert claim(client, "OA-1", 7_000, kind="out_of_area").status_code == 201
    assert claim(client, "OC-1", 3_000, kind="out_of_county_referral", org="luoping-thc").status_code == 201
    balances = client.get("/ledger/balances", headers=INSURANCE, params={"consortium_id": "wushan"}).json()
    by_account = {a["account"]: a["balance_fen"] for a in balances["accounts"]}
    assert by_account == {"consortium:wushan": -10_000, "external:wushan": 10_000}


def test_bad_claims_get_a_422_naming_the_field(client):
    cases = [
        ({"amount_fen": 0}, "body.amount_fen"), ({"amount_fen": 10.5}, "body.amount_fen"),
        ({"kind": "inpatient"}, "body.kind"), ({"service_date": "2026-02-30"}, "body.service_date"),
    ]
    base = {"claim_no": "B-1", "kind": "member_outpatient", "org_id": "dachang-thc", "amount_fen": 5,
            "service_date": "2026-03-01"}
    for change, field in cases:
        r = client.post("/claims", headers=FINANCE, json=base | change)
        assert r.status_code == 422 and r.json()["error"]["fields"][0]["field"] == field, change
    for change, field in [({"org_id": "medical-insurance-office"}, "org_id"), ({"service_date": "2099-01-01"},
                          "service_date"), ({"claim_no": "has space"}, "claim_no"), ({"amount_fen": 10**9},
                          "amount_fen")]:
        r = client.post("/claims", headers=FINANCE, json=base | change)
        assert r.status_code == 422 and r.json()["error"]["field"] == field, change
    assert client.get("/claims", headers=FINANCE).json()["total"] == 0


def test_a_unit_sees_only_its_own_claims(client):
    claim(client, "D-1", 100, org="dachang-thc")
    claim(client, "L-1", 200, org="luoping-thc")
    mine = client.get("/claims", headers=DACHANG, params={"org_id": "luoping-thc"}).json()
    assert [c["claim_no"] for c in mine["items"]] == ["D-1"]
    assert client.get("/claims/L-1", headers=DACHANG).status_code == 404
    assert client.get("/claims/L-1", headers=LUOPING).status_code == 200
    assert claim(client, "X-1", 1, headers=DACHANG).status_code == 403
    assert client.get("/claims", headers=CLERK).status_code == 403


def test_listing_pages_filters_and_sorts(client):
    for i in range(5):
        claim(client, f"P-{i}", 100 * (i + 1), day=f"2026-03-0{i + 1}")
    page = client.get("/claims", headers=INSURANCE, params={"limit": 2, "sort": "-amount_fen"}).json()
    assert (page["total"], page["amount_fen"]) == (5, 1500)
    assert [c["claim_no"] for c in page["items"]] == ["P-4", "P-3"]
    assert client.get("/claims", headers=INSURANCE, params={"limit": 201}).json()["error"]["field"] == "limit"
    assert client.get("/claims", headers=INSURANCE, params={"sort": "patient"}).status_code == 422
    assert client.get("/claims", headers=INSURANCE, params={"kind": "x"}).status_code == 422


def test_the_database_refuses_to_change_or_delete_a_posting(client):
    import pytest
    from sqlalchemy import text
    from sqlalchemy.exc import DatabaseError

    claim(client, "IM-1", 100)
    # SQLite's RAISE(ABORT) arrives as IntegrityError, PostgreSQL's RAISE EXCEPTION as ProgrammingError
    for statement in ("UPDATE postings SET amount_fen = 0", "DELETE FROM postings"):
        with pytest.raises(DatabaseError, match="immutable"), client.runtime.engine.begin() as conn:
            conn.execute(text(statement))
    ledger_sums_to_zero(client)


def test_a_claim_recorded_between_the_check_and_the_insert_is_answered_as_a_repeat(client, monkeypatch):
    """A client retrying while its first request is still in flight: the second insert hits the
    primary key; the answer is the stored claim (200) or 409 for different data, never a 500."""
    from services.payment.adapters.repository_claims import ClaimRepository as Claims

    assert claim(client, "RACE-1", 5_000).status_code == 201
    real = Claims.existing
    calls = []

    def blind_once(self, claim_nos):
        calls.append(claim_nos)
        return {} if len(calls) == 1 else real(self, claim_nos)

    monkeypatch.setattr(Claims, "existing", blind_once)
    again = claim(client, "RACE-1", 5_000)
    assert again.status_code == 200 and again.json()["amount_fen"] == 5_000
    calls.clear()
    other = claim(client, "RACE-1", 6_000)
    assert other.status_code == 409 and other.json()["error"]["field"] == "claim_no"
    assert client.get("/claims", headers=FINANCE).json()["total"] == 1

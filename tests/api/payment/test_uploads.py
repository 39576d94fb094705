from tests.api.payment.conftest import FINANCE, INSURANCE, claim, ledger_sums_to_zero, settle, create_budget, upload
from tests.support.service_app import outbox_events

HEADER = "claim_no,kind,org_id,amount_fen,service_date\n"
GOOD = ("U-1,member_outpatient,dachang-thc,1000,2026-03-01\n"
        "U-2,member_outpatient,luoping-thc,2000,2026-03-02\n"
        "U-3,out_of_area,dachang-thc,3000,2026-04-01\n")


def test_good_rows_are_kept_and_each_bad_row_is_reported_with_line_and_reason(client):
    text = HEADER + GOOD + (
        "U-4,member_outpatient,dachang-thc,12.5,2026-03-01\n"
        "U-5,dentistry,dachang-thc,100,2026-03-01\n"
        "U-6,member_outpatient,health-bureau,100,2026-03-01\n"
        "U-1,member_outpatient,dachang-thc,9999,2026-03-01\n"
        "\n"
        "U-7,member_outpatient,dachang-thc,100\n")
    r = upload(client, text)
    assert r.status_code == 201, r.text
    body = r.json()
    assert (body["rows"], body["inserted"], body["rejected"], body["amount_fen"]) == (8, 3, 5, 6000)
    assert [(e["line"], e["field"]) for e in body["errors"]] == [
        (5, "amount_fen"), (6, "kind"), (7, "org_id"), (8, "claim_no"), (10, "row")]
    assert all(e["reason"] for e in body["errors"])
    claims = client.get("/claims", headers=FINANCE, params={"sort": "claim_no"}).json()
    assert [c["claim_no"] for c in claims["items"]] == ["U-1", "U-2", "U-3"]
    ledger_sums_to_zero(client)
    [event] = outbox_events(client, "ClaimsImported")
    assert event["payload"]["inserted"] == 3
    report = client.get(f"/claims/uploads/{body['upload_id']}", headers=FINANCE).json()
    assert (report["inserted"], report["rejected"], report["errors"][0]["line"]) == (3, 5, 5)
    from tests.api.payment.conftest import DACHANG
    assert client.get(f"/claims/uploads/{body['upload_id']}", headers=DACHANG).status_code == 403


def test_uploading_the_same_file_again_changes_nothing(client):
    upload(client, HEADER + GOOD)
    again = upload(client, HEADER + GOOD).json()
    assert (again["inserted"], again["duplicates"], again["rejected"]) == (0, 3, 0)
    balances = client.get("/ledger/balances", headers=FINANCE, params={"consortium_id": "wushan"}).json()
    assert {a["account"]: a["balance_fen"] for a in balances["accounts"]}["unit:dachang-thc"] == 1000


def test_an_upload_posts_one_traceable_entry_per_unit_kind_and_month(client):
    upload_id = upload(client, HEADER + GOOD).json()["upload_id"]
    postings = client.get("/ledger/accounts/consortium:wushan/postings", headers=FINANCE).json()["items"]
    assert sorted((p["period"], p["amount_fen"]) for p in postings) == [
        ("2026-03", -2000), ("2026-03", -1000), ("2026-04", -3000)]
    assert {p["source_id"] for p in postings} == {f"{upload_id}:wushan"}
    assert client.get("/claims", headers=FINANCE, params={"period": "2026-04"}).json()["items"][0][
        "upload_id"] == upload_id


def test_bad_files_are_refused_whole_with_a_clear_status(make_client):
    with make_client(upload_max_rows=2, max_upload_bytes=400) as client:
        r = upload(client, "claim_no;amount\n1;2\n")
        assert r.status_code == 422 and r.json()["error"]["field"] == "file"
        assert upload(client, "").status_code == 422
        r = upload(client, HEADER + GOOD)
        assert r.status_code == 422 and r.json()["error"]["details"]["max_rows"] == 2
        assert client.get("/claims", headers=FINANCE).json()["total"] == 0
        big = HEADER + "".join(f"Z-{i},member_outpatient,dachang-thc,1,2026-03-01\n" for i in range(2))
        r = upload(client, big + "#" * 500)
        assert r.status_code == 413
    with make_client() as client:
        not_utf8 = HEADER.encode() + "U-9,member_outpatient,dachang-thc,1,2026-03-01,大昌\n".encode("gbk")
        r = client.post("/claims/uploads", headers=FINANCE, files={"file": ("gbk.csv", not_utf8, "text/csv")})
        assert r.status_code == 422 and r.json()["error"]["field"] == "file"


def test_a_claim_for_a_settled_month_goes_to_the_next_open_month_flagged(client):
    create_budget(client)
    assert claim(client, "M-0", 1_000, day="2026-03-20").status_code == 201
    assert settle(client, "2026-03", score="90").status_code == 201
    body = upload(client, HEADER + GOOD).json()
    assert body["inserted"] == 3
    late = client.get("/claims", headers=INSURANCE, params={"late": True, "sort": "claim_no"}).json()["items"]
    assert [(c["claim_no"], c["service_date"], c["period"]) for c in late] == [
        ("U-1", "2026-03-01", "2026-04"), ("U-2", "2026-03-02", "2026-04")]


def test_the_insurance_office_may_upload_for_any_consortium_and_units_may_not(client):
    from tests.api.payment.conftest import DACHANG
    assert upload(client, HEADER + GOOD, headers=INSURANCE).status_code == 201
    assert upload(client, HEADER + GOOD, headers=DACHANG).status_code == 403


def test_numbers_recorded_by_someone_else_during_the_upload_give_409_and_store_nothing(client, monkeypatch):
    """Two overlapping files at once: the later insert hits the primary key after its duplicate
    check. The answer is 409 with nothing of the file kept (so a retry is clean), not a 500."""
    from services.payment.adapters.repository_claims import ClaimRepository as Claims

    assert upload(client, HEADER + "K-1,member_outpatient,dachang-thc,100,2026-03-01\n").json()["inserted"] == 1
    monkeypatch.setattr(Claims, "existing_raw", lambda self, claim_nos: {})
    r = upload(client, HEADER + "K-2,member_outpatient,dachang-thc,200,2026-03-01\n"
                                "K-1,member_outpatient,dachang-thc,100,2026-03-01\n")
    assert r.status_code == 409 and r.json()["error"]["field"] == "file"
    monkeypatch.undo()
    assert client.get("/claims", headers=FINANCE).json()["total"] == 1
    ledger_sums_to_zero(client)
    again = upload(client, HEADER + "K-2,member_outpatient,dachang-thc,200,2026-03-01\n"
                                    "K-1,member_outpatient,dachang-thc,100,2026-03-01\n").json()
    assert (again["inserted"], again["duplicates"]) == (1, 1)


def test_a_number_twice_in_one_file_is_said_so_with_its_first_line_whatever_the_batch(make_client):
    """Issue 13: the repeat of a number whose first line went in with an earlier batch was reported as
    'already recorded with different data'."""
    with make_client(upload_batch_rows=2) as client:
        create_budget(client)
        assert upload(client, HEADER + "OLD-1,member_outpatient,dachang-thc,100,2026-03-01\n").status_code == 201
        rows = ["A-1,member_outpatient,dachang-thc,100,2026-03-01",     # line 2
                "B-1,member_outpatient,dachang-thc,200,2026-03-01",     # line 3: the first batch ends
                "C-1,member_outpatient,dachang-thc,300,2026-03-01",     # line 4
                "A-1,member_outpatient,dachang-thc,999,2026-03-01",     # line 5: A-1 again, other amount
                "D-1,member_outpatient,dachang-thc,400,2026-03-01",     # line 6
                "D-1,member_outpatient,dachang-thc,401,2026-03-01",     # line 7: in the same batch
                "OLD-1,member_outpatient,dachang-thc,101,2026-03-01",   # line 8: an earlier upload's number
                "B-1,member_outpatient,dachang-thc,200,2026-03-01"]     # line 9: the same row again
        body = upload(client, HEADER + "\n".join(rows) + "\n").json()
        assert [(e["line"], e["claim_no"], e["reason"]) for e in body["errors"]] == [
            (5, "A-1", "appears twice in the file with different data (first on line 2)"),
            (7, "D-1", "appears twice in the file with different data (first on line 6)"),
            (8, "OLD-1", "already recorded with different data")]
        assert (body["inserted"], body["duplicates"], body["rejected"]) == (4, 1, 3)


def test_an_impossible_date_and_a_missing_unit_are_named_for_what_they_are(client):
    rows = ["X-1,member_outpatient,dachang-thc,100,2026-02-30",
            "X-2,member_outpatient,,100,2026-02-03",
            "X-3,member_outpatient,dachang-thc,100,03/02/2026"]
    body = upload(client, HEADER + "\n".join(rows) + "\n").json()
    assert [(e["field"], e["reason"]) for e in body["errors"]] == [
        ("service_date", "2026-02-30 is not a real date"), ("org_id", "missing"),
        ("service_date", "an ISO date YYYY-MM-DD")]
    r = client.post("/claims", headers=FINANCE, json={"claim_no": "X-4", "kind": "member_outpatient", "org_id": " ",
                                                      "amount_fen": 1, "service_date": "2026-02-03"})
    assert r.status_code == 422 and (r.json()["error"]["field"], r.json()["error"]["message"]) == ("org_id", "missing")

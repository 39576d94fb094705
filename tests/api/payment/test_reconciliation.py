from tests.api.payment.conftest import DACHANG, FINANCE, INSURANCE, claim, create_budget, settle


def reconcile(client, text, period="2026-03", headers=INSURANCE):
    return client.post("/reconciliations", headers=headers, data={"consortium_id": "wushan", "period": period},
                       files={"file": ("医保局.csv", text.encode(), "text/csv")})


def test_the_report_lists_matches_missing_claims_and_mismatches_with_totals(client):
    claim(client, "R-1", 1_000, day="2026-03-01")
    claim(client, "R-2", 2_000, day="2026-03-02")
    claim(client, "R-3", 3_000, day="2026-03-03")
    claim(client, "R-9", 9_000, day="2026-04-01")     # another period: not part of the comparison
    office_file = ("claim_no,amount_fen,note\n"
                   "R-1,1000,ok\n"
                   "R-2,2500,ok\n"
                   "R-4,4000,ok\n"
                   "R-4,4000,dup\n"
                   "R-5,abc,bad\n")
    r = reconcile(client, office_file)
    assert r.status_code == 201, r.text
    report = r.json()
    assert report["totals"] == {
        "matched": {"count": 1, "file_amount_fen": 1_000, "platform_amount_fen": 1_000},
        "amount_mismatch": {"count": 1, "file_amount_fen": 2_500, "platform_amount_fen": 2_000},
        "missing_on_platform": {"count": 1, "file_amount_fen": 4_000, "platform_amount_fen": 0},
        "missing_in_file": {"count": 1, "file_amount_fen": 0, "platform_amount_fen": 3_000},
    }
    assert [(e["line"], e["field"]) for e in report["errors"]] == [(5, "claim_no"), (6, "amount_fen")]
    assert [i["claim_no"] for i in report["items"]["missing_in_file"]] == ["R-3"]
    assert report["items"]["amount_mismatch"][0] | {"line": 0} == {
        "claim_no": "R-2", "file_amount_fen": 2_500, "platform_amount_fen": 2_000, "line": 0,
        "org_id": "dachang-thc", "period": "2026-03", "late": False}
    assert client.get(f"/reconciliations/{report['recon_id']}", headers=FINANCE).json() == report  # opened again
    rejected = client.get(f"/reconciliations/{report['recon_id']}/errors.csv", headers=FINANCE)
    assert rejected.headers["content-type"] == "text/csv; charset=utf-8"
    assert rejected.text.lstrip("\ufeff").splitlines()[0] == "line,claim_no,field,reason"
    assert [row.split(",")[:3] for row in rejected.text.splitlines()[1:]] == [["5", "R-4", "claim_no"],
                                                                              ["6", "R-5", "amount_fen"]]
    page = client.get(f"/reconciliations/{report['recon_id']}/items", headers=FINANCE,
                      params={"category": "missing_on_platform"}).json()
    assert (page["total"], page["items"][0]["claim_no"]) == (1, "R-4")
    assert client.get(f"/reconciliations/{report['recon_id']}/items", headers=FINANCE,
                      params={"category": "everything"}).status_code == 422


def test_only_the_insurance_office_reconciles_and_needs_the_two_columns(client):
    assert reconcile(client, "claim_no,amount_fen\n", headers=FINANCE).status_code == 403
    r = reconcile(client, "claim,amount\nR-1,1\n")
    assert r.status_code == 422 and r.json()["error"]["field"] == "file"
    assert reconcile(client, "claim_no,amount_fen\n", period="2026-14").json()["error"]["field"] == "period"
    recon = reconcile(client, "claim_no,amount_fen\n").json()
    assert client.get(f"/reconciliations/{recon['recon_id']}", headers=DACHANG).status_code == 403


def test_a_claim_booked_late_into_the_next_month_is_matched_not_missing(client):
    """The office's March file lists a March claim that arrived after March was settled: the
    platform booked it into April (late). It is found, with the month it was booked in."""
    create_budget(client)
    claim(client, "L-1", 1_000, day="2026-03-01")
    settle(client, "2026-03", score="90")
    late = claim(client, "L-2", 2_000, day="2026-03-20").json()
    assert (late["period"], late["late"]) == ("2026-04", True)
    report = reconcile(client, "claim_no,amount_fen\nL-1,1000\nL-2,2000\nL-3,500\n").json()
    assert {k: v["count"] for k, v in report["totals"].items()} == {
        "matched": 2, "amount_mismatch": 0, "missing_on_platform": 1, "missing_in_file": 0}
    assert report["booked_in_other_period"] == {"count": 1, "file_amount_fen": 2_000, "platform_amount_fen": 2_000}
    booked = {i["claim_no"]: (i["period"], i["late"]) for i in report["items"]["matched"]}
    assert booked == {"L-1": ("2026-03", False), "L-2": ("2026-04", True)}
    # April's reconciliation, without L-2 in the file, still lists it as missing there
    april = reconcile(client, "claim_no,amount_fen\n", period="2026-04").json()
    assert [i["claim_no"] for i in april["items"]["missing_in_file"]] == ["L-2"]

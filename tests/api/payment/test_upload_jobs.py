"""Uploads as jobs: answered at once with `Prefer: respond-async`, read in the background with a progress, every
rejected row kept (listed, paged and as a CSV download), XLSX read like CSV, and a claim search."""
from __future__ import annotations

import csv
import io
import time

import xlsxwriter
from sqlalchemy import text

from tests.api.payment.conftest import DACHANG, FINANCE, INSURANCE, claim
from tests.api.payment.test_uploads import GOOD, HEADER

ASYNC = {"Prefer": "respond-async"}


def wait_done(client, url: str, headers=FINANCE, timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = client.get(url, headers=headers).json()
        if body["status"] != "running":
            return body
        time.sleep(0.05)
    raise AssertionError(f"{url} still running")


def xlsx_bytes(rows: list[list], date_cells: bool = False) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    ws = book.add_worksheet("理赔")
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    from datetime import date
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if date_cells and isinstance(v, date):
                ws.write_datetime(r, c, v, day)
            elif v is not None:
                ws.write(r, c, v)
    book.close()
    return out.getvalue()


def post_file(client, data: bytes, name: str, headers=FINANCE, url="/claims/uploads", form=None):
    return client.post(url, headers=headers, data=form or {}, files={"file": (name, data, "application/octet-stream")})


def test_an_async_upload_answers_at_once_and_reports_when_done(client):
    bad = "U-9,member_outpatient,dachang-thc,12.5,2026-03-01\n"
    r = post_file(client, (HEADER + GOOD + bad).encode(), "claims.csv", headers=FINANCE | ASYNC)
    assert r.status_code == 202, r.text
    body = r.json()
    assert body["status"] == "running" and r.headers["location"] == f"/claims/uploads/{body['upload_id']}"
    assert body["progress"]["phase"] in ("queued", "reading", "importing", "done")
    done = wait_done(client, f"/claims/uploads/{body['upload_id']}")
    assert (done["status"], done["inserted"], done["rejected"], done["file_format"]) == ("done", 3, 1, "csv")
    assert done["errors"] == [{"line": 5, "claim_no": "U-9", "field": "amount_fen",
                               "reason": "a whole number of fen (no decimals, no sign)"}]
    listing = client.get("/claims/uploads", headers=FINANCE).json()
    assert listing["items"][0]["upload_id"] == body["upload_id"] and listing["items"][0]["rejected"] == 1


def test_every_rejected_row_is_kept_paged_and_downloadable(make_client):
    with make_client(upload_errors_listed=2, upload_batch_rows=3) as client:
        rows = [f"E-{i},member_outpatient,dachang-thc,abc,2026-03-01" for i in range(7)]
        body = post_file(client, (HEADER + "\n".join(rows) + "\n").encode(), "e.csv").json()
        assert (body["rejected"], len(body["errors"]), body["errors_truncated"]) == (7, 2, True)
        page = client.get(f"/claims/uploads/{body['upload_id']}/errors", headers=FINANCE,
                          params={"limit": 3, "offset": 3}).json()
        assert page["total"] == 7 and [e["line"] for e in page["items"]] == [5, 6, 7]
        r = client.get(f"/claims/uploads/{body['upload_id']}/errors.csv", headers=FINANCE)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
        assert r.content.startswith("\ufeff".encode())
        table = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
        assert table[0] == ["line", "claim_no", "field", "reason"] and len(table) == 8
        assert table[7][:3] == ["8", "E-6", "amount_fen"]
        assert client.get(f"/claims/uploads/{body['upload_id']}/errors.csv", headers=DACHANG).status_code == 403


def test_an_xlsx_workbook_is_read_like_a_csv_file_with_sheet_row_numbers(client):
    from datetime import date
    rows = [["claim_no", "kind", "org_id", "amount_fen", "service_date"],
            ["X-1", "member_outpatient", "dachang-thc", 1500, date(2026, 3, 1)],
            [None] * 5,
            ["X-2", "member_outpatient", "luoping-thc", 12.5, "2026-03-02"],
            ["X-3", "out_of_area", "dachang-thc", 700.0, "2026-03-03"]]
    r = post_file(client, xlsx_bytes(rows, date_cells=True), "理赔.xlsx", headers=FINANCE | ASYNC)
    done = wait_done(client, f"/claims/uploads/{r.json()['upload_id']}")
    assert (done["file_format"], done["rows"], done["inserted"], done["rejected"]) == ("xlsx", 3, 2, 1)
    assert [(e["line"], e["field"]) for e in done["errors"]] == [(4, "amount_fen")]
    x1 = client.get("/claims/X-1", headers=FINANCE).json()
    assert (x1["amount_fen"], x1["service_date"]) == (1500, "2026-03-01")
    again = post_file(client, xlsx_bytes(rows, date_cells=True), "理赔.xlsx").json()
    assert (again["inserted"], again["duplicates"], again["rejected"]) == (0, 2, 1)


def test_a_file_that_is_neither_csv_nor_a_workbook_fails_with_a_reason(client):
    r = post_file(client, b"PK\x03\x04 not really a zip", "x.xlsx", headers=FINANCE | ASYNC)
    done = wait_done(client, f"/claims/uploads/{r.json()['upload_id']}")
    assert done["status"] == "failed" and done["failure"]["field"] == "file"
    assert "XLSX" in done["failure"]["message"]
    sync = post_file(client, b"PK\x03\x04 not really a zip", "x.xlsx")
    assert sync.status_code == 422 and sync.json()["error"]["field"] == "file"


def test_an_upload_interrupted_by_a_restart_is_failed_at_start_up_and_stored_nothing(client):
    with client.runtime.engine.begin() as conn:
        conn.execute(text("INSERT INTO uploads (upload_id, purpose, filename, uploaded_by, uploader_org_id, "
                          "uploaded_at, rows, inserted, duplicates, rejected, amount_fen, status) VALUES "
                          "('u-1', 'claims', 'big.csv', 'peoples.finance', 'county-peoples-hospital', "
                          "'2026-03-01 00:00:00', 0, 0, 0, 0, 0, 'running')"))
    assert client.app.state.upload_jobs.recover() == 1
    body = client.get("/claims/uploads/u-1", headers=FINANCE).json()
    assert body["status"] == "failed" and body["failure"]["code"] == "interrupted"


def test_claims_are_found_by_number_unit_and_service_date(client):
    claim(client, "A-100", 100, org="dachang-thc", day="2026-03-01")
    claim(client, "A-101", 200, org="luoping-thc", day="2026-03-15")
    claim(client, "B-100", 300, org="dachang-thc", day="2026-04-02")
    claim(client, "A_1", 400, org="dachang-thc", day="2026-04-02")

    def numbers(**params) -> list[str]:
        return [c["claim_no"] for c in client.get("/claims", headers=INSURANCE,
                                                  params={"sort": "claim_no"} | params).json()["items"]]
    assert numbers(claim_no="A-10") == ["A-100", "A-101"]
    assert numbers(claim_no="A_") == ["A_1"]  # the wildcard of LIKE is taken literally
    assert numbers(org_id="dachang-thc", date_from="2026-03-01", date_to="2026-03-31") == ["A-100"]
    assert numbers(date_from="2026-04-01") == ["A_1", "B-100"]
    r = client.get("/claims", headers=INSURANCE, params={"date_from": "2026-05-01", "date_to": "2026-04-01"})
    assert r.status_code == 422 and r.json()["error"]["field"] == "date_from"


def test_a_reconciliation_from_xlsx_runs_as_a_job_and_downloads_as_csv(client):
    claim(client, "R-1", 1_000, day="2026-03-01")
    claim(client, "R-2", 2_000, day="2026-03-02")
    rows = [["claim_no", "amount_fen", "备注"], ["R-1", 1000, "ok"], ["R-3", 500, None], ["R-1", 1000, "dup"]]
    r = post_file(client, xlsx_bytes(rows), "医保局.xlsx", headers=INSURANCE | ASYNC, url="/reconciliations",
                  form={"consortium_id": "wushan", "period": "2026-03"})
    assert r.status_code == 202, r.text
    done = wait_done(client, f"/reconciliations/{r.json()['recon_id']}", headers=INSURANCE)
    assert {k: v["count"] for k, v in done["totals"].items()} == {
        "matched": 1, "amount_mismatch": 0, "missing_on_platform": 1, "missing_in_file": 1}
    assert [(e["line"], e["reason"]) for e in done["errors"]] == [(4, "appears twice in the file")]
    report = client.get(f"/reconciliations/{done['recon_id']}/report.csv", headers=FINANCE)
    table = list(csv.reader(io.StringIO(report.content.decode("utf-8-sig"))))
    assert table[0][:3] == ["category", "claim_no", "file_amount_fen"]
    assert [(row[0], row[1]) for row in table[1:]] == [
        ("matched", "R-1"), ("missing_on_platform", "R-3"), ("missing_in_file", "R-2")]
    listing = client.get("/reconciliations", headers=FINANCE, params={"consortium_id": "wushan"}).json()
    assert listing["items"][0]["recon_id"] == done["recon_id"] and listing["items"][0]["filename"] == "医保局.xlsx"
    bad_period = post_file(client, b"claim_no,amount_fen\n", "x.csv", headers=INSURANCE | ASYNC,
                           url="/reconciliations", form={"consortium_id": "wushan", "period": "2026-13"})
    assert bad_period.status_code == 422 and bad_period.json()["error"]["field"] == "period"


def test_the_migration_moves_the_listed_errors_of_earlier_uploads_into_their_table(tmp_path):
    from sqlalchemy import create_engine

    from platform_common.migrate import upgrade
    from services.payment.bootstrap import MIGRATIONS

    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(MIGRATIONS, url, "0001")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO uploads (upload_id, purpose, filename, uploaded_by, uploader_org_id, uploaded_at, "
                          "rows, inserted, duplicates, rejected, amount_fen, errors) VALUES ('old', 'claims', 'a.csv', "
                          "'x', 'county-peoples-hospital', '2026-03-01 00:00:00', 3, 1, 0, 2, 100, :errors)"),
                     {"errors": '[{"line": 3, "claim_no": "A", "field": "kind", "reason": "one of"}, '
                                '{"line": 4, "claim_no": null, "field": "row", "reason": "expected 5 columns"}]'})
    upgrade(MIGRATIONS, url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT seq, line, claim_no, field FROM upload_errors ORDER BY seq")).all() == [
            (0, 3, "A", "kind"), (1, 4, None, "row")]
        assert conn.execute(text("SELECT status FROM uploads")).scalar() == "done"
    engine.dispose()

"""A long roster file parsed in a second process: the same report as in one, and every way it can fail ends with
nothing stored and no process left behind."""
import io
import multiprocessing

from sqlalchemy import text

from platform_common.auth import OrgKind, Principal, Role
from services.payment import bootstrap
from services.payment.domain.roster import ContractRowParser
from services.payment.service_layer import roster_parsing
from services.payment.service_layer.roster_import import import_roster
from services.payment.service_layer.upload_rows import Progress
from services.payment.settings import PaymentSettings
from tests.api.payment.conftest import FINANCE
from tests.api.payment.roster_support import nid, roster_csv, upload_roster
from tests.support.service_app import service_client

SMALL_BATCHES = {"roster_batch_rows": 100}


class ExplodingParser(ContractRowParser):
    """Fails on a row of team `boom` (what a bug or a killed process looks like to the importer)."""

    def fields(self, values):
        if values[2] == "boom":
            raise RuntimeError("parser broke")
        return super().fields(values)


def _rows(n: int, team_at: dict | None = None) -> list[tuple]:
    rows = []
    for i in range(n):
        start = "2026-01-01" if i % 7 else "2026-03-01"
        rows.append((nid(i), "dachang-thc", (team_at or {}).get(i, f"team-{i % 5}"), "basic",
                     "elderly" if i % 3 else "", start, ""))
    rows[40] = ("12345", *rows[40][1:])                                 # bad ID, parsed here
    rows[260] = (nid(260), "nowhere", *rows[260][2:])                   # bad unit, parsed in the child
    rows[300] = rows[30]                                                # the same contract again, after the hand-over
    rows[310] = (nid(31), "dachang-thc", "team-9", "basic", "", "2026-06-01", "")  # overlaps line of row 31
    return rows


def _contracts(client) -> int:
    with client.runtime.engine.connect() as conn:
        return conn.execute(text("SELECT COUNT(*) FROM contracts")).scalar_one()


def _only_upload(client) -> str:
    with client.runtime.engine.connect() as conn:
        return conn.execute(text("SELECT upload_id FROM uploads WHERE purpose = 'roster'")).scalar_one()


def _report(tmp_path, name: str, body: bytes | str, after_rows: int):
    overrides = {**SMALL_BATCHES, "roster_parse_process_after_rows": after_rows, "upload_spool_dir": tmp_path / name}
    (tmp_path / name).mkdir()
    with service_client(bootstrap, PaymentSettings, tmp_path / name, **overrides) as client:
        def upload():
            data = body if isinstance(body, bytes) else body.encode()
            return client.post("/roster/uploads", headers=FINANCE, files={"file": ("roster.csv", data, "text/csv")})

        first = upload()
        again = upload() if first.status_code == 201 else None
        return first, again, _contracts(client)


def test_a_file_parsed_in_a_second_process_reports_what_one_process_reports(tmp_path):
    body = roster_csv(_rows(450))
    one, one_again, one_stored = _report(tmp_path, "one", body, after_rows=0)
    two, two_again, two_stored = _report(tmp_path, "two", body, after_rows=100)
    assert one.status_code == two.status_code == 201, two.text
    keys = ("rows", "inserted", "duplicates", "changed", "rejected", "errors")
    assert {k: two.json()[k] for k in keys} == {k: one.json()[k] for k in keys}
    assert (two.json()["inserted"], two.json()["duplicates"], two.json()["rejected"]) == (446, 1, 3)
    assert [(e["line"], e["field"]) for e in two.json()["errors"]] == [(42, "national_id"), (262, "org_id"),
                                                                       (312, "start_date")]
    assert {k: two_again.json()[k] for k in keys} == {k: one_again.json()[k] for k in keys}
    assert two_again.json()["duplicates"] == 447 and two_stored == one_stored == 446
    assert multiprocessing.active_children() == []


def test_the_parsing_process_failing_mid_file_stores_nothing_and_leaves_no_process(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(roster_parsing, "ContractRowParser", ExplodingParser)
    body = roster_csv(_rows(450, team_at={350: "boom"}))
    overrides = {**SMALL_BATCHES, "roster_parse_process_after_rows": 100, "upload_spool_dir": tmp_path / "spool"}
    with service_client(bootstrap, PaymentSettings, tmp_path, **overrides) as client:
        answer = upload_roster(client, body, FINANCE)
        assert answer.status_code == 500
        upload = client.get(f"/roster/uploads/{_only_upload(client)}", headers=FINANCE).json()
        assert _contracts(client) == 0
    assert upload["status"] == "failed" and "nothing of it was stored" in upload["failure"]["message"], upload
    logged = capsys.readouterr().out  # the service's JSON log: the child's failure, with the line it reached
    assert "ParseWorkerFailed: parsing the file stopped near line 352: RuntimeError: parser broke" in logged
    assert multiprocessing.active_children() == []


def test_bad_utf8_after_the_hand_over_is_422_naming_the_file_and_stores_nothing(tmp_path):
    body = roster_csv(_rows(450)).encode()
    cut = body.index(nid(400).encode())
    first, _, stored = _report(tmp_path, "bad", body[:cut] + b"\xff\xfe" + body[cut:], after_rows=100)
    assert first.status_code == 422 and first.json()["error"]["field"] == "file", first.text
    assert stored == 0 and multiprocessing.active_children() == []


def test_the_upload_progress_counts_the_rows_and_bytes_the_second_process_read(tmp_path):
    body = roster_csv(_rows(450)).encode()
    officer = Principal("t.insurance", "medical-insurance-office", OrgKind.INSURANCE_OFFICE, None,
                        Role.INSURANCE_OFFICER)
    overrides = {**SMALL_BATCHES, "roster_parse_process_after_rows": 100, "upload_spool_dir": tmp_path / "spool"}
    with service_client(bootstrap, PaymentSettings, tmp_path, **overrides) as client:
        progress = Progress(phase="importing", total=len(body))
        with client.runtime.uow() as uow:
            report = import_roster(uow, officer, client.runtime.settings, io.BytesIO(body), "r.csv",
                                   progress=progress)
    assert report["rows"] == progress.rows == 450 and progress.view()["fraction"] == 1.0
    assert report["inserted"] == 446 and multiprocessing.active_children() == []

"""The family-doctor contract roster through the API: uploads (idempotent, every bad row reported, never the
ID stored), single adds, ends and transfers."""
from sqlalchemy import text

from platform_common.identity import resident_key
from tests.api.payment.conftest import DACHANG, FINANCE, INSURANCE, LUOPING
from tests.api.payment.roster_support import nid, roster_csv, upload_roster


def test_a_roster_upload_stores_contracts_by_keyed_hash_and_again_changes_nothing(client):
    rows = [(nid(i), "dachang-thc", "team-1", "basic", "elderly;hypertension" if i % 2 else "", "2026-01-01", "")
            for i in range(10)]
    rows.append((nid(99), "luoping-thc", "team-7", "basic", "children", "2026-02-15", "2026-12-31"))
    first = upload_roster(client, roster_csv(rows), FINANCE)
    assert first.status_code == 201, first.text
    assert (first.json()["inserted"], first.json()["duplicates"], first.json()["rejected"]) == (11, 0, 0)
    again = upload_roster(client, roster_csv(rows), FINANCE)
    assert (again.json()["inserted"], again.json()["duplicates"]) == (0, 11)
    with client.runtime.engine.connect() as conn:
        stored = conn.execute(text("SELECT resident_key, resident_masked FROM contracts")).all()
        dump = "\n".join(conn.execute(text("SELECT * FROM contracts")).all().__repr__().split(","))
    assert len(stored) == 11 and all(nid(i) not in dump for i in range(10))
    secret = client.runtime.settings.resident_key_secret
    assert {k for k, _ in stored} >= {resident_key(secret, nid(0)), resident_key(secret, nid(99))}
    listed = client.get("/contracts", headers=FINANCE, params={"org_id": "luoping-thc"}).json()
    assert listed["total"] == 1 and listed["items"][0]["key_groups"] == ["children"]
    assert listed["items"][0]["resident_masked"] == nid(99)[:6] + "********" + nid(99)[-4:]
    report = client.get(f"/roster/uploads/{first.json()['upload_id']}", headers=FINANCE)
    assert report.status_code == 200 and report.json()["purpose"] == "roster"


def test_every_bad_row_is_reported_with_line_field_and_reason_and_the_good_rows_kept(client):
    bad_id = nid(1)[:-1] + ("0" if nid(1)[-1] != "0" else "1")
    rows = [
        (nid(1), "dachang-thc", "t1", "basic", "", "2026-01-01", ""),          # line 2: good
        (bad_id, "dachang-thc", "t1", "basic", "", "2026-01-01", ""),          # 3: check character
        (nid(2), "county-peoples-hospital", "t1", "basic", "", "2026-01-01", ""),  # 4: not a primary unit
        (nid(3), "dachang-thc", "t1", "gold", "", "2026-01-01", ""),           # 5: package
        (nid(4), "dachang-thc", "t1", "basic", "smokers", "2026-01-01", ""),   # 6: key group
        (nid(1), "dachang-thc", "t1", "basic", "", "2026-06-01", ""),          # 7: overlaps line 2
        (nid(1), "dachang-thc", "t2", "basic", "", "2026-01-01", ""),          # 8: same start, other data
        (nid(5), "dachang-thc", "t1", "basic", "", "2026-03-01", "2026-02-01"),  # 9: end before start
    ]
    r = upload_roster(client, roster_csv(rows), FINANCE).json()
    assert (r["inserted"], r["rejected"]) == (1, 7)
    got = [(e["line"], e["field"]) for e in r["errors"]]
    assert got == [(3, "national_id"), (4, "org_id"), (5, "package"), (6, "key_groups"), (7, "start_date"),
                   (8, "start_date"), (9, "end_date")]
    assert "overlaps" in r["errors"][4]["reason"] and "twice" in r["errors"][5]["reason"]
    assert all(bad_id not in (e["claim_no"] or "") for e in r["errors"])
    paged = client.get(f"/roster/uploads/{r['upload_id']}/errors", headers=FINANCE, params={"limit": 2}).json()
    assert paged["total"] == 7 and len(paged["items"]) == 2


def test_a_wrong_header_is_422_naming_the_file_and_stores_nothing(client):
    r = upload_roster(client, "national_id,org_id\n1,2\n", FINANCE)
    assert r.status_code == 422 and r.json()["error"]["field"] == "file"
    assert client.get("/contracts", headers=INSURANCE).json()["total"] == 0


def test_a_unit_manager_keeps_only_their_own_units_roster(client):
    own = upload_roster(client, roster_csv([(nid(1), "dachang-thc", "t", "basic", "", "2026-01-01", ""),
                                            (nid(2), "luoping-thc", "t", "basic", "", "2026-01-01", "")]), DACHANG)
    assert own.status_code == 201 and (own.json()["inserted"], own.json()["rejected"]) == (1, 1)
    assert own.json()["errors"][0]["field"] == "org_id"
    assert client.get("/contracts", headers=LUOPING).json()["total"] == 0
    assert client.get("/contracts", headers=DACHANG).json()["total"] == 1


def test_add_end_and_transfer_one_contract(client):
    body = {"national_id": nid(7), "org_id": "dachang-thc", "team": "t1", "package": "basic",
            "key_groups": ["diabetes"], "start_date": "2026-01-01"}
    added = client.post("/contracts", headers=FINANCE, json=body)
    assert added.status_code == 201, added.text
    assert client.post("/contracts", headers=FINANCE, json=body).status_code == 200
    clash = client.post("/contracts", headers=FINANCE, json=body | {"org_id": "luoping-thc",
                                                                    "start_date": "2026-05-01"})
    assert clash.status_code == 409 and clash.json()["error"]["field"] == "start_date"
    cid = added.json()["contract_id"]
    wrong = client.post(f"/contracts/{cid}/transfer", headers=FINANCE, json={
        "national_id": nid(8), "to_org_id": "luoping-thc", "team": "t9", "on": "2026-04-15"})
    assert wrong.status_code == 422 and wrong.json()["error"]["field"] == "national_id"
    moved = client.post(f"/contracts/{cid}/transfer", headers=FINANCE, json={
        "national_id": nid(7), "to_org_id": "luoping-thc", "team": "t9", "on": "2026-04-15"})
    assert moved.status_code == 200, moved.text
    assert moved.json()["ended"]["end_date"] == "2026-04-14"
    assert moved.json()["started"]["org_id"] == "luoping-thc" and moved.json()["started"]["key_groups"] == ["diabetes"]
    new_id = moved.json()["started"]["contract_id"]
    ended = client.post(f"/contracts/{new_id}/end", headers=FINANCE, json={"end_date": "2026-09-30",
                                                                          "reason": "迁出本县"})
    assert ended.status_code == 200 and ended.json()["end_reason"] == "迁出本县"
    early = client.post(f"/contracts/{new_id}/end", headers=FINANCE, json={"end_date": "2026-01-01",
                                                                          "reason": "录入错误"})
    assert early.status_code == 422 and early.json()["error"]["field"] == "end_date"
    assert client.get(f"/contracts/{new_id}", headers=DACHANG).status_code == 404


def test_an_xlsx_roster_read_as_a_job_with_date_cells_and_the_sheets_row_numbers(client):
    from datetime import date

    from tests.api.payment.test_upload_jobs import ASYNC, post_file, wait_done, xlsx_bytes

    rows = [["national_id", "org_id", "team", "package", "key_groups", "start_date", "end_date"],
            [nid(1), "dachang-thc", "家医一队", "basic", "elderly", date(2026, 1, 1), None],
            [nid(2), "dachang-thc", "家医一队", "basic", "pregnant;children", date(2026, 2, 1), date(2026, 12, 31)],
            [nid(3), "dachang-thc", "家医一队", "basic", "", "2026-13-01", None]]
    r = post_file(client, xlsx_bytes(rows, date_cells=True), "花名册.xlsx", headers=FINANCE | ASYNC,
                  url="/roster/uploads")
    assert r.status_code == 202, r.text
    assert r.headers["location"] == f"/roster/uploads/{r.json()['upload_id']}"
    done = wait_done(client, f"/roster/uploads/{r.json()['upload_id']}")
    assert (done["status"], done["inserted"], done["rejected"], done["file_format"]) == ("done", 2, 1, "xlsx")
    assert (done["errors"][0]["line"], done["errors"][0]["field"]) == (4, "start_date")
    second = client.get("/contracts", headers=FINANCE, params={"active_on": "2026-06-01"}).json()["items"]
    assert sorted(c["key_groups"] for c in second) == [["elderly"], ["pregnant", "children"]]


def test_coverage_uses_the_census_or_else_the_registry_and_never_guesses(client):
    rows = [(nid(i), "dachang-thc", "t", "basic", "elderly" if i < 30 else "", "2026-01-01", "") for i in range(50)]
    upload_roster(client, roster_csv(rows), FINANCE)
    r = client.put("/census/dachang-thc", headers=FINANCE, json={"as_of": "2026-01-01",
                                                                 "populations": {"elderly": 40}})
    assert r.status_code == 200
    bad = client.put("/census/dachang-thc", headers=FINANCE, json={"as_of": "2026-01-01",
                                                                   "populations": {"smokers": 4}})
    assert bad.status_code == 422
    assert client.put("/census/county-peoples-hospital", headers=FINANCE, json={
        "as_of": "2026-01-01", "populations": {"elderly": 4}}).status_code == 403
    cover = client.get("/roster/coverage", headers=FINANCE, params={"consortium_id": "wushan", "on": "2026-02-01"})
    lines = {(c["org_id"], c["group"]): c for c in cover.json()["lines"]}
    elderly = lines[("dachang-thc", "elderly")]
    assert (elderly["contracted"], elderly["population"], elderly["coverage_bp"], elderly["meets_target"],
            elderly["shortfall"]) == (30, 40, 7500, True, 0)
    everyone = lines[("dachang-thc", "all_residents")]
    assert (everyone["population_source"], everyone["population"], everyone["coverage_bp"]) == ("registry", 38_000, 13)
    assert lines[("dachang-thc", "diabetes")]["coverage_bp"] is None  # no census figure: unknown, not 0
    assert cover.json()["target_bp"] == 7300


def test_a_units_manager_follows_their_own_roster_upload_and_no_one_elses(client):
    from tests.api.payment.test_upload_jobs import ASYNC, wait_done

    text = roster_csv([(nid(1), "dachang-thc", "t", "basic", "", "2026-01-01", "")])
    r = client.post("/roster/uploads", headers=DACHANG | ASYNC, files={"file": ("r.csv", text.encode(), "text/csv")})
    assert r.status_code == 202, r.text
    url = f"/roster/uploads/{r.json()['upload_id']}"
    assert wait_done(client, url, headers=DACHANG)["inserted"] == 1
    assert client.get(url, headers=LUOPING).status_code == 404
    assert client.get(url + "/errors", headers=LUOPING).status_code == 404


def test_a_contract_id_beyond_the_database_integer_is_422_not_500(client):
    """Found by the fuzz through the gateway: 60458845109923117793280 overflowed SQLite's INTEGER (500)."""
    for method, path in (("get", ""), ("post", "/end"), ("post", "/transfer")):
        r = getattr(client, method)(f"/contracts/60458845109923117793280{path}", headers=FINANCE,
                                    **({} if method == "get" else {"json": {}}))
        assert r.status_code == 422 and "path.contract_id" in [f["field"] for f in r.json()["error"]["fields"]], r.text


def test_contracts_are_listed_by_team_and_key_group(client):
    rows = [(nid(i), "dachang-thc", "家医一队" if i < 4 else "家医二队", "basic",
             "elderly;diabetes" if i % 2 else "children", "2026-01-01", "") for i in range(6)]
    upload_roster(client, roster_csv(rows), FINANCE)
    listed = client.get("/contracts", headers=FINANCE, params={"team": "家医一队", "key_group": "diabetes"}).json()
    assert listed["total"] == 2 and all(c["team"] == "家医一队" and "diabetes" in c["key_groups"]
                                        for c in listed["items"])
    assert client.get("/contracts", headers=FINANCE, params={"key_group": "children"}).json()["total"] == 3
    bad = client.get("/contracts", headers=FINANCE, params={"key_group": "smokers"})
    assert bad.status_code == 422 and bad.json()["error"]["fields"][0]["field"].endswith("key_group")


def test_a_units_manager_reads_coverage_and_appraisal_for_their_own_unit_only(client):
    rows = [(nid(i), org, "t", "basic", "elderly", "2026-01-01", "") for i, org in
            enumerate(["dachang-thc"] * 3 + ["luoping-thc"] * 2)]
    upload_roster(client, roster_csv(rows), FINANCE)
    scope = {"consortium_id": "wushan"}
    cover = client.get("/roster/coverage", headers=DACHANG, params=scope | {"on": "2026-02-01"})
    assert cover.status_code == 200 and {c["org_id"] for c in cover.json()["lines"]} == {"dachang-thc"}
    assert len(client.get("/roster/coverage", headers=FINANCE, params=scope | {"on": "2026-02-01"}).json()[
        "lines"]) > len(cover.json()["lines"])
    mine = client.get("/appraisal", headers=DACHANG, params=scope | {"period": "2026"})
    assert mine.status_code == 200 and [u["org_id"] for u in mine.json()["units"]] == ["dachang-thc"]
    everyone = client.get("/appraisal", headers=FINANCE, params=scope | {"period": "2026"}).json()
    assert mine.json()["units"][0] == next(u for u in everyone["units"] if u["org_id"] == "dachang-thc")
    assert mine.json()["consortium"] == everyone["consortium"]
    for path, extra in (("/roster/coverage", {"on": "2026-02-01"}), ("/appraisal", {"period": "2026"})):
        assert client.get(path, headers=DACHANG, params={"consortium_id": "elsewhere"} | extra).status_code == 403
    assert client.get("/primary-share", headers=DACHANG, params=scope | {"period": "2026"}).status_code == 403

"""Issue 20's desks through the console (the real gateway and services): the contract roster uploaded with its
per-row error report, listed with its filters and pages, a contract added, ended and transferred with the errors
beside their fields; capitation run over the roster; coverage against the target with the gap shown; a unit's
appraisal with each indicator's value, target and points. The months are in 2019 and every contract ends in it, so
no other test's month or day sees these contracts."""
from __future__ import annotations

import random
import re
import uuid
from datetime import date, timedelta

import pytest

from .conftest import national_id, wait_for
from .test_forms import error_beside
from .test_payment_desks import upload

pytestmark = pytest.mark.integration
HEADER = "national_id,org_id,team,package,key_groups,start_date,end_date\n"
_rng = random.Random()


def nid() -> str:
    return national_id(date(1940, 1, 1) + timedelta(days=_rng.randrange(25_000)), f"{_rng.randrange(1000):03d}")


def rows_of(page: str) -> int:
    return len(re.findall(r'class="btn btn-small" href="/contracts/\d+"', page))


def roster_csv(rows: list[tuple[str, ...]]) -> bytes:
    return (HEADER + "\n".join(",".join(r) for r in rows) + "\n").encode()


def test_a_township_uploads_its_roster_and_sees_each_bad_row_with_its_line_column_and_reason(desk):
    manager, team = desk("dachang.manager"), f"家医{uuid.uuid4().hex[:6]}"
    template = manager.get("/static/roster-template.csv")
    assert template.status_code == 200 and template.text.splitlines()[0] == HEADER.strip()
    form = manager.get("/roster/upload").text
    assert 'href="/static/roster-template.csv"' in form and "elderly 65岁及以上老年人" in form
    rows = [(nid(), "dachang-thc", team, "basic", "elderly;hypertension", "2019-01-01", "2019-12-31"),
            (nid(), "dachang-thc", team, "basic", "children", "2019-02-01", "2019-12-31"),
            (nid(), "luoping-thc", team, "basic", "", "2019-01-01", "2019-12-31"),   # line 4: not its unit
            (nid(), "dachang-thc", team, "basic", "smokers", "2019-01-01", "2019-12-31")]  # 5: no such group
    r = upload(manager, "/roster/upload", roster_csv(rows), "大昌签约名册.csv")
    assert r.status_code == 303 and r.headers["location"].startswith("/roster/uploads/"), r.text[:2000]
    page = wait_for(manager, r.headers["location"])
    assert "有误的行（共 2 行）" in page and "新增登记" in page and "身份证号（脱敏）" in page
    assert re.search(r'<td class="num">4</td><td>[^<]+</td><td>单位编码</td><td class="wrap">不是您可维护签约名册的', page)
    assert re.search(r'<td class="num">5</td><td>[^<]+</td><td>重点人群</td><td class="wrap">.*smokers.* 不是重点人群类别', page)
    assert rows[0][0] not in page  # never the whole ID
    again = wait_for(manager, upload(manager, "/roster/upload", roster_csv(rows), "大昌签约名册.csv").headers["location"])
    assert "没有任何变化" in again and "本文件的 2 份签约此前都已登记" in again
    listed = manager.get("/contracts", params={"team": team}).text
    assert "共 <strong>2</strong> 份签约" in listed and "高血压患者" in listed


def test_the_roster_list_filters_by_unit_team_key_group_and_day_and_pages(console, desk):
    team = f"家医{uuid.uuid4().hex[:6]}"
    rows = [(nid(), "dachang-thc" if i < 55 else "luoping-thc", team, "basic",
             "diabetes" if i % 5 == 0 else "", "2019-03-01" if i % 2 else "2019-05-01", "2019-12-31") for i in range(60)]
    with console.client("peoples.finance") as api:
        assert api.post("/payment/roster/uploads", files={"file": ("r.csv", roster_csv(rows), "text/csv")}).json()[
            "inserted"] == 60
    finance = desk("peoples.finance")
    first = finance.get("/contracts", params={"team": team, "org_id": "dachang-thc"}).text
    assert "共 <strong>55</strong> 份签约" in first and "第 1 / 2 页" in first and rows_of(first) == 50
    second = finance.get("/contracts", params={"team": team, "org_id": "dachang-thc", "page": "2"}).text
    assert rows_of(second) == 5 and "上一页" in second
    assert "共 <strong>12</strong> 份签约" in finance.get("/contracts", params={"team": team, "key_group": "diabetes"}).text
    assert "共 <strong>30</strong> 份签约" in finance.get("/contracts", params={"team": team, "active_on": "2019-04-01"}).text
    bad_day = finance.get("/contracts", params={"active_on": "2019-02-30"})
    assert error_beside(bad_day.text, "active_on") == "在约日期应为日期，如 2026-11-20"
    township = desk("dachang.manager").get("/contracts", params={"team": team}).text
    assert "共 <strong>55</strong> 份签约" in township and "骡坪" not in township.split("<table")[-1]


def test_a_contract_is_added_ended_and_transferred_with_errors_beside_their_fields(desk):
    finance, resident = desk("peoples.finance"), nid()
    fields = {"national_id": resident[:-1] + ("0" if resident[-1] != "0" else "1"), "org_id": "dachang-thc",
              "team": "家医一队", "package": "basic", "key_groups": ["elderly", "disabled"],
              "start_date": "2019-01-01", "end_date": "2019-12-31"}
    bad = finance.submit("/contracts/new", fields)
    assert bad.status_code == 422 and error_beside(bad.text, "national_id") == "身份证号校验码不符，请逐位核对"
    assert 'value="disabled" checked' in bad.text  # what was ticked stays ticked
    made = finance.submit("/contracts/new", fields | {"national_id": resident})
    assert made.status_code == 303, made.text[:2000]
    page = made.headers["location"]
    shown = finance.get(page).text
    assert "签约已登记" in shown and "65岁及以上老年人、残疾人" in shown and resident not in shown
    early = finance.submit(f"{page}/end", {"end_date": "2018-12-01", "reason": "迁出"}, page)
    assert early.status_code == 422 and error_beside(early.text, "end-end_date") == "解约日期早于签约开始日期"
    wrong = finance.submit(f"{page}/transfer", {"national_id": nid(), "to_org_id": "luoping-thc", "team": "家医二队",
                                                "on": "2019-07-01"}, page)
    assert error_beside(wrong.text, "transfer-national_id") == "身份证号与该签约居民不符"
    moved = finance.submit(f"{page}/transfer", {"national_id": resident, "to_org_id": "luoping-thc", "team": "家医二队",
                                                "on": "2019-07-01"}, page)
    assert moved.status_code == 303 and moved.headers["location"] != page
    new = finance.get(moved.headers["location"]).text
    assert "已转签到骡坪镇中心卫生院" in new and "2019-07-01 至 2019-12-31" in new
    old = finance.get(page).text
    assert "2019-01-01 至 2019-06-30" in old and "转签到骡坪镇中心卫生院" in old and "h-end" not in old
    ended = finance.submit(f"{moved.headers['location']}/end", {"end_date": "2019-09-30", "reason": "本人申请"},
                           moved.headers["location"])
    assert ended.status_code == 303 and "2019-07-01 至 2019-09-30" in finance.get(moved.headers["location"]).text
    assert desk("dachang.manager").get(moved.headers["location"]).status_code == 404  # another unit's contract


def test_a_capitation_run_shows_what_it_paid_and_the_months_fee_split(console, desk):
    from console.render import yuan

    io_desk = desk("insurance.officer")
    rows = [(nid(), "wuxia-thc", "家医一队", "basic", "elderly" if i < 3 else "", "2019-08-01", "2019-12-31")
            for i in range(5)]
    with console.client("peoples.finance") as api:
        api.post("/payment/roster/uploads", files={"file": ("r.csv", roster_csv(rows), "text/csv")})
        due = api.get("/payment/contracts", params={"active_on": "2019-09-01", "limit": 1}).json()["total"]
    ran = io_desk.submit("/capitation", {"consortium_id": "wushan", "period": "2019-09"}, "/capitation?period=2019-09")
    assert ran.status_code == 303 and ran.headers["location"].startswith("/capitation/runs/"), ran.text[:2000]
    page = io_desk.get(ran.headers["location"]).text
    with console.client("insurance.officer") as api:
        run = api.get(f"/payment{ran.headers['location']}/contracts", params={"limit": 1}).json()
    assert run["contracts"] == due and "2019-09 按人头付费已拨付：本次" in page
    assert f'data-key="contracts">{due:,}<' in page and f'data-key="amount_fen">{yuan(run["amount_fen"])}<' in page
    assert 'data-org="wuxia-thc"' in page and "65岁及以上老年人" in page
    listed = io_desk.get("/capitation/runs", params={"period": "2019-09"}).text
    assert f'<tr data-run="{run["run_id"]}"><th scope="row">2019-09</th><td class="num">{due:,}</td>' in listed
    assert error_beside(io_desk.get("/capitation/runs", params={"period": "九月"}).text, "period") == "请填写月份，如 2026-03"
    again = io_desk.submit("/capitation", {"consortium_id": "wushan", "period": "2019-09"}, "/capitation?period=2019-09")
    assert again.status_code == 303 and "/capitation?period=2019-09" == again.headers["location"]
    split = io_desk.get("/roster/fee-split", params={"period": "2019-09"}).text
    with console.client("insurance.officer") as api:
        expected = api.get("/payment/roster/fee-split", params={"consortium_id": "wushan", "period": "2019-09"}).json()
    assert expected["fund_fen"] > 0
    for key in ("fee_fen", "fund_fen", "public_health_fen", "resident_fen", "booked_fund_fen"):
        assert f'data-key="{key}">{yuan(expected[key])}<' in split
    assert error_beside(io_desk.get("/roster/fee-split", params={"period": "2019"}).text, "period").startswith("签约服务费分担按月")
    assert desk("dachang.manager").get(ran.headers["location"]).status_code == 403
    assert desk("bureau.hr").get(ran.headers["location"]).status_code == 403


def test_coverage_marks_the_groups_below_target_and_the_appraisal_shows_why_a_unit_scored_so(console, desk):
    rows = [(nid(), "guandu-thc", "家医一队", "basic", "elderly" if i < 10 else "children", "2019-06-01", "2019-12-31")
            for i in range(11)]
    with console.client("peoples.finance") as api:
        api.post("/payment/roster/uploads", files={"file": ("r.csv", roster_csv(rows), "text/csv")})
        r = api.put("/payment/census/guandu-thc", json={"as_of": "2019-01-01", "populations": {
            "elderly": 100, "children": 1, "any_key_group": 110}})
        assert r.status_code == 200, r.text
    page = desk("peoples.finance").get("/roster/coverage", params={"on": "2019-06-15"}).text
    elderly = re.search(r'<tr data-org="guandu-thc" data-group="elderly" class="row-below">(.*?)</tr>', page, re.S).group(1)
    assert "10.0%" in elderly and "73.0%" in elderly and "未达标" in elderly and "还需签约 <strong class=\"below-target\">63</strong> 人" in elderly
    children = re.search(r'<tr data-org="guandu-thc" data-group="children">(.*?)</tr>', page, re.S).group(1)
    assert "100.0%" in children and "已达标" in children and "本单位人口底数" in children
    assert "目标 <strong>73.0%</strong>" in page
    assert error_beside(desk("insurance.officer").get("/roster/coverage", params={"on": "2019-13-01"}).text, "on")

    io_desk = desk("insurance.officer")
    overview = io_desk.get("/appraisal", params={"period": "2019"}).text
    assert 'data-org="consortium"' in overview and 'data-org="guandu-thc"' in overview and "基层医保基金占比" in overview
    detail = io_desk.get("/appraisal", params={"period": "2019", "org_id": "guandu-thc"}).text
    with console.client("insurance.officer") as api:
        report = api.get("/payment/appraisal", params={"consortium_id": "wushan", "period": "2019"}).json()
    unit = next(u for u in report["units"] if u["org_id"] == "guandu-thc")
    coverage = next(i for i in unit["indicators"] if i["code"] == "key_group_coverage")
    assert coverage["value"] == 1000  # 11 of 110 on the year's last day
    row = re.search(r'<tr data-indicator="key_group_coverage">(.*?)</tr>', detail, re.S).group(1)
    assert "重点人群签约覆盖率" in row and 'below-target">10.0%' in row and "73.0%" in row
    assert f'<td class="num">{coverage["points"]}</td>' in row
    assert f'data-key="score">{unit["score"] or "—"}<' in detail and "骡坪" not in detail.split('id="detail"')[1][:200]
    bad = io_desk.get("/appraisal", params={"period": "2019-13"})
    assert error_beside(bad.text, "period").startswith("考核期间应为月份")


def test_the_roster_record_pages_render_for_their_desks_and_are_403_for_the_others(console, desk):
    from console.pages.payment import capitation_runs, contracts, roster

    from .test_pages import ACCOUNTS, _user

    rows = [(nid(), "dachang-thc", "家医一队", "basic", "", "2019-10-01", "2019-12-31")]
    with console.client("dachang.manager") as api:
        up = api.post("/payment/roster/uploads", files={"file": ("r.csv", roster_csv(rows), "text/csv")}).json()
        contract_id = api.get("/payment/contracts", params={"active_on": "2019-10-01", "limit": 1}).json()["items"][0][
            "contract_id"]
    with console.client("insurance.officer") as api:
        run = api.post("/payment/capitation/runs", json={"consortium_id": "wushan", "period": "2019-10"}).json()
    paths = {roster.RESULT: f"/roster/uploads/{up['upload_id']}", contracts.CONTRACT: f"/contracts/{contract_id}",
             capitation_runs.RUN: f"/capitation/runs/{run['run_id']}"}
    for username in ACCOUNTS:
        client, user = desk(username), _user(username)
        for page, path in paths.items():
            r = client.get(path)
            if page.allows(user):
                assert r.status_code == 200 and "Traceback" not in r.text, (username, path, r.status_code)
            else:
                assert r.status_code == 403 and "无权访问" in r.text, (username, path, r.status_code)


def test_a_township_sees_its_own_coverage_and_appraisal_and_no_other_units(desk):
    manager = desk("dachang.manager")
    coverage = manager.get("/roster/coverage", params={"on": "2019-06-15"})
    assert coverage.status_code == 200 and 'data-org="guandu-thc"' not in coverage.text
    appraisal = manager.get("/appraisal", params={"period": "2019"})
    assert appraisal.status_code == 200 and 'data-org="dachang-thc" aria-current="true"' in appraisal.text
    assert 'data-org="guandu-thc"' not in appraisal.text and 'data-org="consortium"' in appraisal.text
    assert 'data-indicator="key_group_coverage"' in appraisal.text and "基层医保基金占比：" not in appraisal.text
    assert manager.get("/roster/fee-split").status_code == 403


def test_a_township_gives_its_population_by_group_with_bad_numbers_beside_their_fields(desk):
    manager = desk("dachang.manager")
    nothing = manager.submit("/roster/census", {"org_id": "dachang-thc", "as_of": "2017-01-01"})
    assert nothing.status_code == 422 and error_beside(nothing.text, "populations") == "请至少填写一个人群的人数"
    bad = manager.submit("/roster/census", {"org_id": "dachang-thc", "as_of": "2017-01-01", "pop-disabled": "五"})
    assert error_beside(bad.text, "pop-disabled") == "人数应为整数"
    elsewhere = manager.submit("/roster/census", {"org_id": "luoping-thc", "as_of": "2017-01-01", "pop-disabled": "5"})
    assert elsewhere.status_code == 422 and "不是您维护签约名册的基层单位" in elsewhere.text
    saved = manager.submit("/roster/census", {"org_id": "dachang-thc", "as_of": "2017-01-01", "pop-disabled": "1,205"})
    assert saved.status_code == 303 and saved.headers["location"].startswith("/roster/coverage")
    assert "大昌镇中心卫生院的人口底数已保存（1 个人群）" in manager.get(saved.headers["location"]).text
    assert 'id="f-pop-disabled-hint">已填报 1,205 人' in manager.get("/roster/census").text

"""Issue 20's journey in real Chromium: a township's manager gives its population by group, uploads the contract
roster with a bad row and reads the error report; the insurance office runs a month's capitation over the roster, sees what it paid, the key
groups' coverage below the 73% target and a township's appraisal, indicator by indicator; the township sees its
own. Every contract lies in 2018, a year no other console test uses."""
from __future__ import annotations

import re

import pytest

from ..test_roster_desks import nid
from .conftest import shot

pytestmark = pytest.mark.integration


def menu(page, name: str) -> None:
    page.get_by_role("navigation", name="业务菜单").get_by_role("link", name=name, exact=True).click()


def test_a_township_uploads_its_roster_and_the_insurance_office_pays_and_appraises_it(open_desk, tmp_path):
    rows = [(nid(), "dachang-thc", "家医一队", "basic", "elderly;hypertension" if i < 6 else "children",
             "2018-01-01", "2018-12-31") for i in range(8)]
    rows.append((nid(), "dachang-thc", "家医一队", "gold", "", "2018-01-01", "2018-12-31"))  # line 10: no such package
    roster = tmp_path / "大昌镇签约名册.csv"
    roster.write_text("national_id,org_id,team,package,key_groups,start_date,end_date\n"
                      + "\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    township = open_desk("dachang.manager")
    menu(township, "人口底数")  # the township's own population by group: the coverage denominators
    township.get_by_label("统计日期").fill("2018-01-01")
    for group, people in (("65岁及以上老年人", "10"), ("0–6岁儿童", "2"), ("重点人群（合计）", "12")):
        township.get_by_label(group, exact=True).fill(people)
    township.get_by_role("button", name="保存人口底数").click()
    assert "人口底数已保存（3 个人群）" in township.locator(".flash").inner_text()
    menu(township, "上传签约名册")
    shot(township, "60-roster-upload")
    township.get_by_label("文件").set_input_files(str(roster))
    township.get_by_role("button", name="上传").click()
    township.wait_for_url(re.compile(r"/roster/uploads/[0-9a-f-]{36}$"))
    township.wait_for_selector("#h-sum")
    assert township.locator('[id="h-err"]').inner_text() == "有误的行（共 1 行）"
    assert re.match(r"^10\s+\S+\s+服务包\s+不是本年度政策中的签约服务包", township.locator("#errors tbody tr").first.inner_text())
    shot(township, "61-roster-upload-result")
    menu(township, "签约名册")
    township.get_by_label("在约日期").fill("2018-06-15")
    township.get_by_label("重点人群").select_option("elderly")
    township.get_by_role("button", name="查询").click()
    assert "共 6 份签约" in township.locator(".summary-line").inner_text()
    shot(township, "62-roster-list")

    office = open_desk("insurance.officer")
    menu(office, "按人头付费")
    office.get_by_label("拨付月份").fill("2018-06")
    office.once("dialog", lambda d: d.accept())
    office.get_by_role("button", name="拨付该月按人头付费").click()
    office.wait_for_url(re.compile(r"/capitation/runs/[0-9a-f-]{36}$"))
    assert "2018-06 按人头付费已拨付" in office.locator(".flash").inner_text()
    assert office.locator('#run-totals [data-key="contracts"]').inner_text() == "8"
    assert office.locator('#units tr[data-org="dachang-thc"]').count() == 1
    shot(office, "63-capitation-run")

    menu(office, "重点人群签约覆盖率")
    office.get_by_label("统计日期").fill("2018-06-15")
    office.get_by_role("button", name="查看").click()
    elderly = office.locator('#coverage tr[data-org="dachang-thc"][data-group="elderly"]')
    assert "60.0%" in elderly.inner_text() and "未达标" in elderly.inner_text() and "还需签约 2 人" in elderly.inner_text()
    children = office.locator('#coverage tr[data-org="dachang-thc"][data-group="children"]')
    assert "100.0%" in children.inner_text() and "已达标" in children.inner_text()
    shot(office, "64-roster-coverage")

    menu(office, "成员单位绩效考核")
    office.get_by_label("考核期间").fill("2018")
    office.get_by_role("button", name="查看").click()
    office.locator('#scores tr[data-org="dachang-thc"]').get_by_role("link").click()
    row = office.locator('tr[data-indicator="key_group_coverage"]')
    assert "重点人群签约覆盖率" in row.inner_text() and "66.7%" in row.inner_text() and "73.0%" in row.inner_text()
    shot(office, "65-appraisal-unit")

    menu(township, "成员单位绩效考核")
    township.get_by_label("考核期间").fill("2018")
    township.get_by_role("button", name="查看").click()
    assert township.locator('#scores tr[data-org="dachang-thc"]').count() == 1
    assert township.locator("#scores tbody tr").count() == 2  # the consortium and itself
    assert "66.7%" in township.locator('tr[data-indicator="key_group_coverage"]').inner_text()
    shot(township, "66-appraisal-own-unit")

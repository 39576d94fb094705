"""The issue's scenarios of part 2 in real Chromium: the insurance officer's claim file, its second upload and the
closing of a period down to the XLSX statement opened with openpyxl; the bureau's HR office refused an 8th senior
at 大昌 (38,000 people), overriding it with a reason; a township's secondment request approved and dispatched."""
from __future__ import annotations

import io
import re
import uuid
from datetime import timedelta
from decimal import Decimal

import openpyxl
import pytest

from ..conftest import last_year
from ..test_staffing_desks import county_today, person
from .conftest import shot

pytestmark = pytest.mark.integration


def yuan(text: str) -> Decimal:
    return Decimal(text.replace("¥", "").replace(",", "").strip())


def test_the_insurance_officer_uploads_a_claim_file_twice_and_closes_a_period(open_desk, fund_year, tmp_path):
    io_page = open_desk("insurance.officer")
    year, prefix = fund_year, f"BR{uuid.uuid4().hex[:6]}"
    rows = [f"{prefix}-{n},member_outpatient,{org},{fen},{year}-08-{n:02d}"
            for n, (org, fen) in enumerate([("county-peoples-hospital", 4_600_000), ("dachang-thc", 1_916_667),
                                            ("luoping-thc", 1_150_000)], 1)]
    rows += [f"{prefix}-4,member_outpatient,dachang-thc,12.5,{year}-08-04", f"{prefix}-5,dentistry,dachang-thc,1,{year}-08-05"]
    claims = tmp_path / "八月理赔.csv"
    claims.write_text("claim_no,kind,org_id,amount_fen,service_date\n" + "\n".join(rows) + "\n", encoding="utf-8")

    io_page.get_by_role("navigation", name="业务菜单").get_by_role("link", name="上传理赔文件").click()
    shot(io_page, "20-claims-upload")
    io_page.get_by_label("文件").set_input_files(str(claims))
    io_page.get_by_role("button", name="上传").click()
    io_page.wait_for_url(re.compile(r"/claims/uploads/[0-9a-f-]{36}$"))
    io_page.wait_for_selector("#h-sum")  # the service has read the file (the page reloads itself when done)
    table = io_page.locator("#errors table tbody tr")
    assert table.count() == 2
    assert re.match(r"^5\s+\S+-4\s+金额（分）\s+金额应为整数", table.nth(0).inner_text())
    assert re.match(r"^6\s+\S+-5\s+理赔类别\s+理赔类别应为", table.nth(1).inner_text())
    shot(io_page, "21-claims-upload-result")
    with io_page.expect_download() as download:
        io_page.get_by_role("link", name="下载全部有误行（CSV）").click()
    assert download.value.path().read_text(encoding="utf-8-sig").splitlines()[0] == "行号,理赔编号,字段,原因"

    io_page.get_by_role("navigation", name="业务菜单").get_by_role("link", name="上传理赔文件").click()
    io_page.get_by_label("文件").set_input_files(str(claims))
    io_page.get_by_role("button", name="上传").click()
    io_page.wait_for_url(re.compile(r"/claims/uploads/[0-9a-f-]{36}$"))
    io_page.wait_for_selector("#h-sum")
    assert "没有任何变化" in io_page.locator(".notice").inner_text()
    assert "3 条理赔此前都已登记" in io_page.locator(".notice").inner_text()

    io_page.get_by_role("navigation", name="业务菜单").get_by_role("link", name="期间结算").click()
    io_page.get_by_role("textbox", name="结算期间").fill(f"{year}-08")
    io_page.get_by_role("button", name="测算").click()
    shot(io_page, "22-settlement-preview")
    io_page.get_by_label("考核认定的绩效得分（可选）").fill("88")
    io_page.get_by_label("得分依据").fill("年度绩效考核")
    dialogs = []
    io_page.once("dialog", lambda d: (dialogs.append(d.message), d.accept()))
    io_page.get_by_role("button", name="结算", exact=True).click()
    io_page.wait_for_url(re.compile(r"/settlements/[0-9a-f-]{36}$"))
    assert dialogs and "结算后不能更改" in dialogs[0]
    assert "已结算" in io_page.locator(".flash").inner_text()
    shot(io_page, "23-settlement-statement")
    figures = {key: yuan(io_page.locator(f'#statement-figures [data-key="{key}"]').inner_text())
               for key in ("budget_fen", "actual_fen", "balance_fen", "retained_fen")}
    distributed = yuan(io_page.locator('#distribution [data-key="distributed_total"]').inner_text())
    with io_page.expect_download() as download:
        io_page.get_by_role("link", name="下载 Excel（XLSX）").click()
    book = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
    spending = {row[1].value: row[2] for row in book["预算与支出"].iter_rows(min_row=2)}
    outcome = {row[1].value: row[2] for row in book["结余留用"].iter_rows(min_row=2)}
    for key in ("budget_fen", "actual_fen", "balance_fen"):
        assert Decimal(str(spending[key].value)).quantize(Decimal("0.01")) == figures[key], key
        assert spending[key].number_format == "#,##0.00"
    assert Decimal(str(outcome["retained_fen"].value)).quantize(Decimal("0.01")) == figures["retained_fen"]
    paid = sum(Decimal(str(row[5].value)) for row in book["成员单位分配"].iter_rows(min_row=2))
    assert paid.quantize(Decimal("0.01")) == distributed == figures["retained_fen"]


def test_an_eighth_senior_at_dachang_is_refused_then_the_bureau_overrides_it(open_desk, console):
    with console.client("bureau.hr") as api:  # 大昌: quota 38, senior cap 7; the demo has fewer, the test fills it
        cap = api.get("/staffing/units/dachang-thc/quota").json()["senior"]
        assert cap["limit"] == 7
        for _ in range(max(0, cap["limit"] - cap["count"])):
            assert api.post("/staffing/staff", json=person("dachang-thc")).status_code == 201
    hr = open_desk("bureau.hr")
    hr.get_by_role("navigation", name="业务菜单").get_by_role("link", name="人员登记").click()
    hr.get_by_label("姓名").fill("孙立新")
    hr.get_by_label("身份证号").fill(person("dachang-thc")["id_number"])
    hr.get_by_label("在编单位").select_option("dachang-thc")
    hr.get_by_label("专业").select_option("general_practice")
    hr.get_by_label("职称").select_option("senior")
    hr.get_by_role("button", name="登记").click()
    refusal = hr.locator(".refusal")
    assert "违反「高级职称比例上限」" in refusal.inner_text() and "= 7 人" in refusal.inner_text()
    shot(hr, "30-posting-refused")
    hr.get_by_label("突破编制规则的理由（卫健委批准）").fill("引进急需的全科学科带头人，经局务会研究同意")
    hr.get_by_role("button", name="批准突破并登记").click()
    hr.wait_for_url(re.compile(r"/staff/[0-9a-f-]{36}$"))
    assert "已批准突破编制规则" in hr.locator(".flash").inner_text()
    hr.get_by_role("link", name="大昌镇中心卫生院").first.click()
    hr.wait_for_url(re.compile(r"/quota/dachang-thc$"))
    override = hr.locator("#overrides tr.row-override", has_text="孙立新")
    assert override.count() == 1 and "引进急需的全科学科带头人" in override.inner_text()
    assert "高级职称比例上限" in hr.locator(".refusal").inner_text()  # the broken rule is highlighted
    shot(hr, "31-quota-with-override")


def test_a_township_request_is_approved_and_dispatched_from_the_queue(open_desk, console):
    with console.client("bureau.hr") as api:
        for _ in range(2):
            api.post("/staffing/staff", json=person("county-peoples-hospital", title="intermediate", specialty="respiratory"))
    township = open_desk("dachang.manager")
    township.get_by_role("navigation", name="业务菜单").get_by_role("link", name="申请人员支援").click()
    start = county_today() + timedelta(days=14)
    township.get_by_label("需要的专业").select_option("respiratory")
    township.get_by_label("最低职称").select_option("intermediate")
    township.get_by_label("开始日期").fill(start.isoformat())
    township.get_by_label("结束日期").fill((start + timedelta(days=60)).isoformat())
    township.get_by_label("申请理由").fill("冬季呼吸道疾病高发，缺呼吸内科医生")
    shot(township, "40-secondment-request")
    township.get_by_role("button", name="提交申请").click()
    township.wait_for_url(re.compile(r"/secondments/[0-9a-f-]{36}$"))
    request_url = township.url

    hr = open_desk("bureau.hr")
    hr.get_by_role("navigation", name="业务菜单").get_by_role("link", name="支援申请").click()
    row = hr.locator("table.data tbody tr", has_text="呼吸内科").filter(has_text="大昌镇中心卫生院").first
    shot(hr, "41-secondment-queue")
    row.get_by_role("link", name=re.compile("处理")).click()
    assert hr.url == request_url
    first = hr.locator("#candidates tbody tr").first
    assert "职称与要求完全相符" in first.inner_text() and first.locator("input[type=checkbox]").is_checked()
    shot(hr, "42-secondment-candidates")
    hr.get_by_role("button", name="批准并派出所选人员").click()
    assert "申请已批准" in hr.locator(".flash").inner_text()
    assert "已派齐" in hr.locator(".status-line").inner_text()
    township.reload()
    assert "已派齐" in township.locator(".status-line").inner_text() and "已派出人员" in township.content()


@pytest.mark.parametrize("username, paths", [
    ("insurance.officer", ["/budgets", "/policies", "/reconciliations"]),
    ("peoples.finance", ["/ledger", "/capitation"]),
    ("bureau.hr", ["/quota", "/staff", "/tidal", "/rotations", "/allowances"]),
    ("dachang.manager", ["/quota", "/visit-volumes"]),
])
def test_screenshots_of_the_desks_main_pages(open_desk, fund_year, username, paths):
    page = open_desk(username)
    base = page.url.rstrip("/")
    for path in paths:
        r = page.goto(base + path)
        assert r.status == 200, path
        shot(page, f"5x-{username.split('.')[0]}{path.replace('/', '-').replace(':', '-')}")


__all__ = ["last_year"]

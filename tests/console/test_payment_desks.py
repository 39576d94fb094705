"""The insurance and finance desks through the console: every form round-trips, bad input is shown beside its
field, a form without its CSRF token changes nothing, uploads are streamed on and their result pages list every
rejected row, settlement asks for confirmation, the downloads carry the page's figures."""
from __future__ import annotations

import csv
import io
import re
import uuid

import openpyxl
import pytest

from .conftest import csrf_of, wait_for
from .test_forms import error_beside

pytestmark = pytest.mark.integration
HEADER = "claim_no,kind,org_id,amount_fen,service_date\n"


def claims_csv(year: int, prefix: str, bad: bool = True) -> str:
    rows = [f"{prefix}-1,member_outpatient,county-peoples-hospital,600000,{year}-04-10",
            f"{prefix}-2,member_outpatient,dachang-thc,250000,{year}-04-11",
            f"{prefix}-3,member_outpatient,luoping-thc,150000,{year}-04-12"]
    if bad:
        rows += [f"{prefix}-4,member_outpatient,dachang-thc,12.50,{year}-04-13",
                 f"{prefix}-5,dentistry,dachang-thc,100,{year}-04-14"]
    return HEADER + "\n".join(rows) + "\n"


def upload(desk, page: str, content: bytes, name: str, fields: dict | None = None, csrf: bool = True):
    token = desk.form_token(page)
    data = ({"_csrf": token} if csrf else {}) | (fields or {})
    return desk.post(page, data=data, files={"file": (name, content, "application/octet-stream")})


def test_a_claim_file_is_passed_on_and_its_result_lists_every_bad_row(desk, fund_year):
    io_desk = desk("insurance.officer")
    prefix = f"CF{uuid.uuid4().hex[:8]}"
    r = upload(io_desk, "/claims/upload", claims_csv(fund_year, prefix).encode(), "四月理赔.csv")
    assert r.status_code == 303 and r.headers["location"].startswith("/claims/uploads/")
    page = wait_for(io_desk, r.headers["location"])
    assert "有误的行（共 2 行）" in page and "新增入账" in page
    # each bad row with its line and the reason in Chinese
    assert re.search(r'<td class="num">5</td><td>[^<]+-4</td><td>金额（分）</td><td class="wrap">金额应为整数', page)
    assert re.search(r'<td class="num">6</td><td>[^<]+-5</td><td>理赔类别</td>', page)
    download = io_desk.get(r.headers["location"] + "/errors.csv")
    table = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert table[0] == ["行号", "理赔编号", "字段", "原因"] and [row[0] for row in table[1:]] == ["5", "6"]
    assert table[1][3].startswith("金额应为整数")
    again = upload(io_desk, "/claims/upload", claims_csv(fund_year, prefix).encode(), "四月理赔.csv")
    second = wait_for(io_desk, again.headers["location"])
    assert "没有任何变化" in second and "本文件的 3 条理赔此前都已登记" in second
    assert prefix in io_desk.get("/claims/uploads").text or "四月理赔.csv" in io_desk.get("/claims/uploads").text


def test_an_xlsx_claim_file_is_read_with_its_sheet_row_numbers(desk, fund_year):
    prefix = f"XF{uuid.uuid4().hex[:8]}"
    book = openpyxl.Workbook()
    ws = book.active
    for row in csv.reader(io.StringIO(claims_csv(fund_year, prefix))):
        ws.append([int(v) if v.isdigit() else v for v in row])
    out = io.BytesIO()
    book.save(out)
    finance = desk("peoples.finance")
    r = upload(finance, "/claims/upload", out.getvalue(), "理赔.xlsx")
    page = wait_for(finance, r.headers["location"])
    assert "XLSX" in page and "有误的行（共 2 行）" in page
    search = finance.get("/claims", params={"claim_no": prefix, "org_id": "dachang-thc"}).text
    assert f"{prefix}-2" in search and f"{prefix}-1" not in search and "共 <strong>1</strong> 笔" in search


def test_an_upload_without_its_csrf_token_or_its_file_changes_nothing(desk, fund_year):
    io_desk = desk("insurance.officer")
    before = io_desk.get("/claims/uploads").text.count('href="/claims/uploads/')
    refused = upload(io_desk, "/claims/upload", claims_csv(fund_year, "NOCSRF").encode(), "x.csv", csrf=False)
    assert refused.status_code == 403 and "表单已失效" in refused.text
    no_file = upload(io_desk, "/claims/upload", b"", "")
    assert no_file.status_code == 422 and error_beside(no_file.text, "file") == "请选择要上传的文件（CSV 或 XLSX）"
    bad = upload(io_desk, "/claims/upload", b"claim;amount\n1;2\n", "bad.csv")
    failed = wait_for(io_desk, bad.headers["location"])
    assert "文件未能导入，未保存任何内容" in failed and "第一行（表头）应为" in failed
    assert io_desk.get("/claims/uploads").text.count('href="/claims/uploads/') == before + 1  # only the failed one
    assert "NOCSRF-1" not in io_desk.get("/claims", params={"claim_no": "NOCSRF"}).text


def test_claim_search_reports_a_bad_date_range_beside_its_field(desk):
    r = desk("insurance.officer").get("/claims", params={"date_from": "2026-05-01", "date_to": "2026-04-01"})
    assert error_beside(r.text, "date_from") == "开始日期不能晚于结束日期"


def test_budgets_are_created_and_adjusted_with_a_reason_and_bad_amounts_stay_beside_their_fields(desk):
    io_desk = desk("insurance.officer")
    year = 2031 + uuid.uuid4().int % 60
    bad = io_desk.submit("/budgets", {"consortium_id": "wushan", "fund_year": str(year), "enrolled_population": "",
                                      "per_capita_yuan": "九元"})
    assert bad.status_code == 422
    assert error_beside(bad.text, "per_capita_yuan") == "请填写金额（元），如 1234.50"
    made = io_desk.submit("/budgets", {"consortium_id": "wushan", "fund_year": str(year), "enrolled_population": "100,000",
                                       "per_capita_yuan": "9.00", "out_of_area_reserve_yuan": "100000"})
    assert made.status_code == 303, made.text[:3000]
    page = made.headers["location"]
    shown = io_desk.get(page).text
    assert "¥1,000,000.00" in shown and "月度预拨计划" in shown
    no_reason = io_desk.submit(f"{page}/adjust", {"direction": "increase", "delta_yuan": "5000", "expected_version": "1"},
                               page)
    assert error_beside(no_reason.text, "adjust-reason") == "请填写原因"
    ok = io_desk.submit(f"{page}/adjust", {"direction": "decrease", "delta_yuan": "5000", "reason": "年中协商下调",
                                           "expected_version": "1"}, page)
    assert ok.status_code == 303
    shown = io_desk.get(page).text
    assert "减少 ¥5,000.00" in shown and "年中协商下调" in shown and "¥995,000.00" in shown
    twice = io_desk.submit("/budgets", {"consortium_id": "wushan", "fund_year": str(year),
                                        "enrolled_population": "1", "per_capita_yuan": "1"})
    assert twice.status_code == 422 and "该医共体本基金年度已有预算" in twice.text
    assert desk("peoples.finance").post(f"{page}/adjust", data={"_csrf": csrf_of(desk("peoples.finance").get(page).text),
                                                                 "delta_yuan": "1", "reason": "x"}).status_code == 403


def test_settling_asks_for_confirmation_then_the_statement_and_its_xlsx_agree(console, desk, fund_year):
    io_desk = desk("insurance.officer")
    month = f"{fund_year}-06"
    prefix = f"ST{uuid.uuid4().hex[:8]}"
    upload(io_desk, "/claims/upload", claims_csv(fund_year, prefix, bad=False).replace("-04-", "-06-").encode(), "六月.csv")
    form = {"consortium_id": "wushan", "period": month, "performance_score": "88", "score_reason": "年度考核"}
    step = io_desk.submit("/settlements/close", form, f"/settlements?period={month}")
    assert step.status_code == 200 and "请确认：结算" in step.text and "确认结算" in step.text
    assert 'name="confirmed" value="yes"' in step.text
    with console.client("insurance.officer") as api:  # the confirmation page closed nothing
        assert month not in [s["period"] for s in api.get("/payment/settlements", params={"consortium_id": "wushan"}).json()]
    done = io_desk.post("/settlements/close", data=form | {"confirmed": "yes", "_csrf": csrf_of(step.text)})
    assert done.status_code == 303, done.text[:2000]
    statement = io_desk.get(done.headers["location"]).text
    assert "<svg" in statement and "结余留用的用途" in statement and "分配到各成员单位" in statement
    retained = re.search(r'data-key="retained_fen"><strong>([^<]+)<', statement).group(1)
    xlsx = io_desk.get(done.headers["location"] + "/statement.xlsx")
    assert xlsx.headers["content-type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    outcome = {row[1].value: row[2].value for row in book["结余留用"].iter_rows(min_row=2)}
    assert f"¥{outcome['retained_fen']:,.2f}" == retained
    assert io_desk.get(done.headers["location"] + "/statement.csv").text.startswith("item,value,yuan")
    finance = desk("peoples.finance").get(done.headers["location"])
    assert finance.status_code == 200 and retained in finance.text
    current = io_desk.submit("/settlements/close", form | {"period": "2099-01", "confirmed": "yes"}, "/settlements")
    assert current.status_code == 422 and error_beside(current.text, "period").startswith("2099-01 要到 2099-02-05")


def test_a_reconciliation_is_uploaded_and_its_report_downloaded_in_chinese(desk, fund_year):
    io_desk = desk("insurance.officer")
    prefix = f"RC{uuid.uuid4().hex[:8]}"
    upload(io_desk, "/claims/upload", claims_csv(fund_year, prefix, bad=False).replace("-04-", "-07-").encode(), "七月.csv")
    office = f"claim_no,amount_fen\n{prefix}-1,600000\n{prefix}-2,250001\n{prefix}-9,100\n"
    missing = upload(io_desk, "/reconciliations", office.encode(), "医保局.csv", {"consortium_id": "wushan"})
    assert missing.status_code == 422 and error_beside(missing.text, "period") == "请填写统计期间"
    r = upload(io_desk, "/reconciliations", office.encode(), "医保局.csv",
               {"consortium_id": "wushan", "period": f"{fund_year}-07"})
    assert r.status_code == 303, r.text[:2000]
    report = wait_for(io_desk, r.headers["location"])
    assert "金额不一致（1）" in report and "平台缺少（1）" in report
    table = list(csv.reader(io.StringIO(io_desk.get(r.headers["location"] + "/report.csv").content.decode("utf-8-sig"))))
    assert table[0][0] == "类别" and ("金额不一致", f"{prefix}-2") in {(row[0], row[1]) for row in table[1:]}


def test_the_ledger_balances_to_zero_and_each_posting_links_to_its_source(desk):
    finance = desk("peoples.finance")
    page = finance.get("/ledger").text
    assert "合计（应为 0）" in page and "<strong>¥0.00</strong>" in page
    account = re.search(r'href="(/ledger/accounts/consortium:wushan)"', page).group(1)
    postings = finance.get(account).text
    assert re.search(r'href="/(claims/uploads/|budgets/|settlements/)[^"]+">', postings)
    assert "批量理赔支付（按单位、类别、月份汇总）" in postings and "claims paid" not in postings  # Chinese, not the API's
    assert error_beside(finance.get("/ledger", params={"as_of": "2026-13-40"}).text, "as_of") == "截至日期应为日期，如 2026-11-20"


def test_a_statement_with_nothing_retained_has_no_split_to_draw(console, desk, fund_year):
    """Found walking through make run: a period whose score fell below every band retains nothing."""
    with console.client("insurance.officer") as api:
        closed = api.post("/payment/settlements", json={"consortium_id": "wushan", "period": f"{fund_year}-11",
                                                       "performance_score": "10", "score_reason": "考核不合格"})
        assert closed.status_code in (200, 201), closed.text
    page = desk("peoples.finance").get(f"/settlements/{closed.json()['settlement_id']}")
    assert page.status_code == 200 and "结余留用的用途" not in page.text and "返还医保基金" in page.text

"""The settlement statement as an XLSX download, opened with openpyxl as a spreadsheet program would."""
import io
from decimal import Decimal

import openpyxl

from services.payment.adapters.spreadsheets import Cell, Column, Sheet, workbook
from tests.api.payment.conftest import DACHANG, FINANCE, INSURANCE, claim, create_budget, settle


def open_book(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def by_key(ws) -> dict:  # noqa: ANN001
    """{key column: (yuan cell, fen cell)} of an amounts sheet."""
    return {row[1].value: (row[2], row[3]) for row in ws.iter_rows(min_row=2)}


def test_statement_xlsx_has_a_sheet_per_section_with_real_number_formats(client):
    create_budget(client, total_people=120_000, per_capita=1000, reserve=0)
    claim(client, "X-1", 3_000_000, org="dachang-thc", day="2026-03-05")
    claim(client, "X-2", 1_000_000, org="luoping-thc", day="2026-03-06")
    s = settle(client, "2026-03", score="88").json()
    r = client.get(f"/settlements/{s['settlement_id']}/statement.xlsx", headers=FINANCE)
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert r.headers["content-disposition"] == 'attachment; filename="settlement-wushan-2026-03.xlsx"'
    book = open_book(r.content)
    assert book.sheetnames == ["概要", "预算与支出", "结余留用", "结余用途", "成员单位分配"]
    for ws in book.worksheets:
        assert ws.freeze_panes == "A2" and ws["A1"].font.b  # the header row stays in view, in bold
        assert ws.column_dimensions["A"].width >= 12
    summary = {row[0].value: row[1] for row in book["概要"].iter_rows(min_row=1)}
    assert summary["绩效得分"].value == 88 and summary["绩效得分"].number_format == "0.00"
    spending = by_key(book["预算与支出"])
    # 10,000,000 budget, 4,000,000 spent: 6,000,000 surplus, 80% retained at score 88
    assert spending["budget_fen"][0].value == 100_000 and spending["budget_fen"][0].number_format == "#,##0.00"
    assert spending["budget_fen"][1].value == 10_000_000 and spending["actual_fen"][1].value == 4_000_000
    assert spending["claims_fen.member_outpatient"][1].value == 4_000_000
    outcome = by_key(book["结余留用"])
    assert outcome["retention_ratio_bp"][0].value == 0.8 and outcome["retention_ratio_bp"][0].number_format == "0.00%"
    assert outcome["retained_fen"][0].value == 48_000 and outcome["retained_fen"][1].value == 4_800_000
    split = by_key(book["结余用途"])
    assert split["performance_pay"][0].value == 28_800 and split["performance_pay"][1].value == 2_880_000
    header, *rows = [[c.value for c in row] for row in book["成员单位分配"].iter_rows()]
    assert header == ["单位编码", "单位名称", "用途", "分配依据", "权重", "金额（元）", "金额（分）"]
    assert sum(row[6] for row in rows) == s["retained_fen"] == 4_800_000
    assert ["dachang-thc", "大昌镇中心卫生院", "绩效奖励", "按成员单位门诊理赔额", 3_000_000, 21_600, 2_160_000] in rows
    assert book["成员单位分配"]["F2"].number_format == "#,##0.00"
    assert client.get(f"/settlements/{s['settlement_id']}/statement.xlsx", headers=DACHANG).status_code == 403
    assert client.get("/settlements/nope/statement.xlsx", headers=INSURANCE).status_code == 404


def test_an_overspent_period_has_its_sharing_sheet(client):
    create_budget(client, total_people=12_000, per_capita=1000, reserve=0)
    claim(client, "O-1", 1_050_000, org="dachang-thc", day="2026-03-05")
    s = settle(client, "2026-03", score="88").json()
    book = open_book(client.get(f"/settlements/{s['settlement_id']}/statement.xlsx", headers=INSURANCE).content)
    assert "超支分担" in book.sheetnames
    sharing = by_key(book["超支分担"])
    assert sharing["fund_share_fen"][1].value + sharing["consortium_share_fen"][1].value == 50_000


def test_cells_are_cleaned_and_huge_amounts_kept_exact():
    data = workbook([Sheet("a/b", (Column("x"), Column("n", "int"), Column("y", "yuan")),
                           [["<&>\x01", 10**15, Decimal("-0.05")], [], [None, Cell(2500, "percent"), None]])])
    ws = open_book(data)["a_b"]
    # a forbidden sheet-name character is replaced, control characters dropped; 16-digit fen become text
    # (a spreadsheet keeps 15 significant digits)
    assert [[c.value for c in row] for row in ws.iter_rows(min_row=2)] == [
        ["<&>", "1000000000000000", -0.05], [None, None, None], [None, 0.25, None]]
    assert ws["B4"].number_format == "0.00%"

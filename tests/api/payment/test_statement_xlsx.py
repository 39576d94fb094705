"""The settlement statement as an XLSX download, read back with the standard library only."""
import io
import re
import zipfile
from decimal import Decimal
from xml.etree import ElementTree

from services.payment.adapters.xlsx import column_letters, workbook
from tests.api.payment.conftest import DACHANG, FINANCE, INSURANCE, claim, create_budget, settle

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}


def read_xlsx(data: bytes) -> dict[str, list[list]]:
    """Sheet name -> rows of cell values (int for numeric cells, str for text)."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert "[Content_Types].xml" in archive.namelist()
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels}
    sheets = {}
    for sheet in book.find("m:sheets", NS):
        xml = ElementTree.fromstring(archive.read("xl/" + targets[sheet.get(f"{{{NS['r']}}}id")]))
        rows: list[list] = []
        for row in xml.iter(f"{{{NS['m']}}}row"):
            rows += [[] for _ in range(int(row.get("r")) - len(rows))]   # rows left out are empty
            values = rows[-1]
            for cell in row:
                ref = re.fullmatch(r"([A-Z]+)(\d+)", cell.get("r"))
                assert ref.group(2) == row.get("r")
                while column_letters(len(values)) != ref.group(1):   # cells left out are empty
                    values.append(None)
                number = cell.findtext("m:v", namespaces=NS)
                values.append(cell.findtext("m:is/m:t", namespaces=NS) if cell.get("t") == "inlineStr"
                              else Decimal(number) if cell.get("s") == "1" else int(number))
        sheets[sheet.get("name")] = rows
    return sheets


def test_statement_xlsx_download_holds_the_same_figures_as_the_json(client):
    create_budget(client, total_people=120_000, per_capita=1000, reserve=0)
    claim(client, "X-1", 3_000_000, org="dachang-thc", day="2026-03-05")
    claim(client, "X-2", 1_000_000, org="luoping-thc", day="2026-03-06")
    s = settle(client, "2026-03", score="88").json()
    r = client.get(f"/settlements/{s['settlement_id']}/statement.xlsx", headers=FINANCE)
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert r.headers["content-disposition"] == 'attachment; filename="settlement-wushan-2026-03.xlsx"'
    sheets = read_xlsx(r.content)
    assert list(sheets) == ["Statement", "Distributions"]
    assert sheets["Statement"][0] == ["item", "value", "yuan"]
    items = {row[0]: row[1] for row in sheets["Statement"][1:]}
    yuan = {row[0]: row[2] for row in sheets["Statement"][1:] if len(row) > 2}
    assert yuan["retained_fen"] == Decimal("48000.00") and yuan["retained_fen.performance_pay"] == Decimal("28800.00")
    # 10,000,000 budget, 4,000,000 spent: 6,000,000 surplus, 80% retained at score 88
    assert (items["budget_fen"], items["actual_fen"], items["retained_fen"]) == (10_000_000, 4_000_000, 4_800_000)
    assert items["performance_score"] == "88" and items["retained_fen.performance_pay"] == 2_880_000
    header, *rows = sheets["Distributions"]
    assert header == ["org_id", "org_name", "purpose", "basis", "weight", "amount_fen", "amount_yuan"]
    assert sum(row[5] for row in rows) == s["retained_fen"] == 4_800_000
    assert ["dachang-thc", "大昌镇中心卫生院", "performance_pay", "claims_amount", 3_000_000, 2_160_000,
            Decimal("21600.00")] in rows
    assert 'numFmtId="4"' in zipfile.ZipFile(io.BytesIO(r.content)).read("xl/styles.xml").decode()
    assert client.get(f"/settlements/{s['settlement_id']}/statement.xlsx", headers=DACHANG).status_code == 403
    assert client.get("/settlements/nope/statement.xlsx", headers=INSURANCE).status_code == 404


def test_workbook_cells_are_escaped_and_huge_amounts_kept_exact():
    sheets = read_xlsx(workbook([("a/b", [["<&>\x01", 10**15, -5], [], [None, "x"]])]))
    # a forbidden sheet-name character is replaced, control characters dropped, markup escaped;
    # 16-digit fen become text (a spreadsheet keeps 15 significant digits)
    assert sheets == {"a_b": [["<&>", "1000000000000000", -5], [], [None, "x"]]}
    assert [column_letters(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]

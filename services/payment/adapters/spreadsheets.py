"""XLSX in and out, with the well-kept libraries for each direction.

- Writing (statements): xlsxwriter. Real number formats per column (yuan `#,##0.00`, percentages `0.00%`,
  counts `#,##0`), a bold header row frozen in place, column widths set for Chinese labels, one sheet per
  section. Whole numbers of 16 digits or more are written as text: a spreadsheet keeps 15 significant digits.
- Reading (uploads): openpyxl in read-only mode, which parses the sheet's XML as a stream and hands over one
  row at a time; the rows are rewritten as CSV lines (one line per sheet row, so a row number is the line
  number the upload reports) and imported exactly like a CSV file. python-calamine was measured too: faster,
  but it loads the whole sheet into memory before the first row (a million rows: hundreds of MB).
  What openpyxl does keep whole is the workbook's shared-strings table (one entry per distinct text:
  bench/README.md has the figure); the sheet itself never is.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import BinaryIO, Callable, Iterable, Sequence

import xlsxwriter

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP_MAGIC = b"PK\x03\x04"
_EXACT_DIGITS = 10**15
_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # not allowed in XML 1.0
FORMATS = {"text": None, "int": "#,##0", "yuan": "#,##0.00", "percent": "0.00%", "score": "0.00"}


@dataclass(frozen=True)
class Column:
    title: str
    kind: str = "text"  # text | int | yuan (a Decimal of yuan) | percent (basis points) | score (a Decimal)
    width: int = 14


@dataclass(frozen=True)
class Cell:
    """A value written with another format than its column's (a percentage in a column of amounts)."""

    value: object
    kind: str


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[object]]


def workbook(sheets: Sequence[Sheet]) -> bytes:
    """The bytes of an .xlsx file with one worksheet per section, in order."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
                                     "strings_to_urls": False})
    header = book.add_format({"bold": True, "bg_color": "#F2F2F2", "bottom": 1, "text_wrap": True,
                              "valign": "vcenter"})
    formats = {kind: book.add_format({"num_format": f}) if f else None for kind, f in FORMATS.items()}
    for sheet in sheets:
        ws = book.add_worksheet(_SHEET_NAME.sub("_", sheet.name)[:31])
        for c, column in enumerate(sheet.columns):
            ws.set_column(c, c, column.width, formats[column.kind])
            ws.write_string(0, c, column.title, header)
        ws.freeze_panes(1, 0)
        for r, row in enumerate(sheet.rows, start=1):
            for c, value in enumerate(row):
                kind = sheet.columns[c].kind if c < len(sheet.columns) else "text"
                if isinstance(value, Cell):
                    value, kind = value.value, value.kind
                _write(ws, r, c, value, kind, formats)
    book.close()
    return out.getvalue()


def _write(ws, r: int, c: int, value: object, kind: str, formats: dict) -> None:  # noqa: ANN001
    if value is None or value == "":
        return
    if isinstance(value, bool):
        ws.write_boolean(r, c, value)
    elif kind == "percent" and isinstance(value, int):
        ws.write_number(r, c, value / 10_000, formats["percent"])
    elif isinstance(value, int) and abs(value) < _EXACT_DIGITS:
        ws.write_number(r, c, value, formats["int"] if kind in ("int", "text") else formats[kind])
    elif isinstance(value, Decimal) and abs(value) * 100 < _EXACT_DIGITS:
        ws.write_number(r, c, float(value), formats["score" if kind == "score" else "yuan"])
    else:
        ws.write_string(r, c, _ILLEGAL.sub("", str(value)))


# -- reading uploads ------------------------------------------------------------------------------------------

class UnreadableWorkbook(ValueError):
    """Not an XLSX workbook openpyxl can read (a renamed file, a damaged or encrypted one)."""


def is_xlsx(head: bytes) -> bool:
    """An XLSX file is a zip archive; CSV text never starts with its signature."""
    return head.startswith(ZIP_MAGIC)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).replace("\r", " ").replace("\n", " ")


def xlsx_to_csv(source: BinaryIO, target: BinaryIO, max_rows: int, max_columns: int = 64,
                on_row: Callable[[int, int | None], None] | None = None) -> int:
    """Rewrites the first worksheet as UTF-8 CSV, one line per sheet row (empty rows as empty lines, rows padded
    with empty cells to the width of the first, the header), and
    returns the number of rows written; stops after `max_rows` + 1 (the caller reports the limit).
    `on_row(rows written, rows in the sheet's dimension or None)` is called every 5,000 rows."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(source, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as e:
        raise UnreadableWorkbook(str(e)) from None
    try:
        if not book.worksheets:
            raise UnreadableWorkbook("the workbook has no worksheet")
        sheet = book.worksheets[0]
        total = sheet.max_row if isinstance(sheet.max_row, int) else None
        text = io.TextIOWrapper(target, encoding="utf-8", newline="", write_through=False)
        writer = csv.writer(text, lineterminator="\n")
        written, width = 0, 0
        try:
            for row in sheet.iter_rows(max_col=max_columns, values_only=True):
                values = [_text(v) for v in row]
                while values and values[-1] == "":
                    values.pop()
                # a sheet leaves trailing empty cells out (an empty note column): as wide as the header again
                width = width or len(values)
                if values and len(values) < width:
                    values += [""] * (width - len(values))
                writer.writerow(values)
                written += 1
                if written > max_rows:
                    break
                if on_row and written % 5000 == 0:
                    on_row(written, total)
        except (zipfile.BadZipFile, KeyError, ValueError) as e:
            raise UnreadableWorkbook(str(e)) from None
        text.flush()
        text.detach()
        return written
    finally:
        book.close()

"""Spreadsheet reading (fastexcel/calamine) and writing (xlsxwriter) with cell-level
error reporting. Pure helpers: no models."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any, Iterable, Sequence

import fastexcel
import xlsxwriter
from xlsxwriter.utility import xl_col_to_name


@dataclass(frozen=True)
class CellError:
    sheet: str
    row: int  # Excel row number, header = 1
    column: str  # column heading
    letter: str  # column letter, e.g. "C"
    message: str

    def __str__(self) -> str:
        where = f"“{self.sheet}”表第{self.row}行" if self.row else f"“{self.sheet}”表"
        col = f"“{self.column}”列（{self.letter}列）" if self.column else ""
        return f"{where}{col}：{self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "letter": self.letter,
                "message": self.message, "text": str(self)}


class SheetFormatError(ValueError):
    """The file cannot be read as the expected workbook at all."""


@dataclass
class Sheet:
    name: str
    headers: list[str]
    rows: list[dict[str, str | None]] = field(default_factory=list)

    def letter(self, column: str) -> str:
        try:
            return xl_col_to_name(self.headers.index(column))
        except ValueError:
            return ""

    def error(self, row_index: int, column: str, message: str) -> CellError:
        """row_index is 0-based over data rows; Excel row = index + 2."""
        return CellError(self.name, row_index + 2, column, self.letter(column), message)


def open_workbook(source: bytes | str | IO[bytes]) -> fastexcel.ExcelReader:
    if hasattr(source, "read"):
        source = source.read()
    try:
        return fastexcel.read_excel(source)
    except Exception as exc:  # calamine raises several error types for non-workbooks
        raise SheetFormatError("无法读取该文件，请上传 Excel（.xlsx）文件") from exc


def read_sheet(reader: fastexcel.ExcelReader, name: str, required: Sequence[str]) -> tuple[Sheet | None, list[CellError]]:
    """Read one sheet as text cells. Returns (None, []) when the sheet is absent;
    missing required headings are errors."""
    if name not in reader.sheet_names:
        return None, []
    frame = reader.load_sheet(name, dtypes="string").to_polars()
    headers = [str(h).strip() for h in frame.columns]
    frame.columns = headers
    missing = [col for col in required if col not in headers]
    errors = [CellError(name, 1, col, "", "缺少必填列") for col in missing]
    rows = []
    for raw in frame.iter_rows(named=True):
        row = {k: (v.strip() if isinstance(v, str) else v) or None for k, v in raw.items()}
        rows.append(row)
    # Trailing empty rows are common in hand-edited files.
    while rows and not any(rows[-1].values()):
        rows.pop()
    return Sheet(name, headers, rows), errors


# --- cell parsers: return (value, error message or None) ---------------------------

_DATE_PATTERNS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


def parse_date(text: str | None) -> tuple[dt.date | None, str | None]:
    if not text:
        return None, None
    text = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2} 00:00:00", text):
        text = text[:10]
    for pattern in _DATE_PATTERNS:
        try:
            return dt.datetime.strptime(text, pattern).date(), None
        except ValueError:
            continue
    return None, f"“{text}”不是有效日期（格式如 2024-03-01）"


def parse_decimal(text: str | None, *, positive: bool = False, places: int = 2) -> tuple[Decimal | None, str | None]:
    if not text:
        return None, None
    cleaned = text.replace(",", "").replace("，", "").strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None, f"“{text}”不是数字"
    if not value.is_finite():
        return None, f"“{text}”不是数字"
    if positive and value <= 0:
        return None, "应大于0"
    if value < 0:
        return None, "不能为负数"
    return value.quantize(Decimal(1).scaleb(-places)), None


def parse_choice(text: str | None, choices: dict[str, str]) -> tuple[str | None, str | None]:
    """choices maps accepted labels and codes to stored values."""
    if not text:
        return None, None
    value = choices.get(text.strip())
    if value is None:
        labels = "、".join(dict.fromkeys(k for k in choices if not k.isascii()))
        return None, f"“{text}”无效，应为：{labels}"
    return value, None


def parse_bool(text: str | None) -> tuple[bool, str | None]:
    if not text:
        return False, None
    value = {"是": True, "否": False, "1": True, "0": False, "TRUE": True, "FALSE": False, "Y": True, "N": False}.get(
        text.strip().upper()
    )
    if value is None:
        return False, f"“{text}”无效，应为“是”或“否”"
    return value, None


# --- writing -----------------------------------------------------------------------

def write_workbook(target: str | IO[bytes], sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]) -> int:
    """Write sheets of (name, headings, rows) in constant memory; returns rows written."""
    workbook = xlsxwriter.Workbook(target, {"constant_memory": True, "in_memory": False})
    header_fmt = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    date_fmt = workbook.add_format({"num_format": "yyyy-mm-dd"})
    text_fmt = workbook.add_format({"num_format": "@"})
    written = 0
    for name, headings, rows in sheets:
        ws = workbook.add_worksheet(name)
        for col, heading in enumerate(headings):
            ws.set_column(col, col, max(12, len(heading) * 2 + 2), text_fmt if "代码" in heading or "编号" in heading else None)
        ws.write_row(0, 0, headings, header_fmt)
        ws.freeze_panes(1, 0)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                if value is None or value == "":
                    continue
                if isinstance(value, dt.date):
                    ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date_fmt)
                elif isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
                    ws.write_number(r, c, float(value))
                else:
                    ws.write_string(r, c, str(value))
            written += 1
    workbook.close()
    return written

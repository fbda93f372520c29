"""core.excel writes data rows itself, as the XML xlsxwriter writes for them: the workbook is the same byte for
byte as xlsxwriter's cell by cell (every kind of value, text columns, formula-like text, control characters,
surrounding spaces, rows xlsxwriter must write itself mixed in), and reads back the same."""

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest

from gaoxin.core import excel
from gaoxin.core.excel import Table, write_workbook

ROWS = [
    [1, "91430300MA4L0000X1", "湘潭某某制造有限公司", Decimal("12.5000"), 3.141592653589793, True, None, ""],
    [2, "=SUM(A1:A2)", " leading space", "trailing ", "a & b < c > d \"q\"", False, dt.date(2025, 1, 2),
     dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.UTC)],
    [None, None, None],
    [3, "-1", "+86 731", "@home", "\tTab", "ctrl \x01 char _x0001_", ["甲", "乙"], ("丙",)],
    [4, "<r>rich</r>", 10**20, -0.0, 1e-300, Decimal("1E+3"), 0, "0732000001"],
    [5, float("nan"), float("inf"), "x" * 20000, "ok", None, None, "户号"],
    [6, "after the unusual row", 2.5],
]
HEADINGS = ["序号", "统一社会信用代码", "企业名称", "金额", "比例", "是否", "日期", "电力户号"]


def _book(rows, monkeypatch, fast: bool, title="标题") -> dict[str, bytes]:
    if not fast:
        monkeypatch.setattr(excel._FastRows, "usable", staticmethod(lambda ws: False))
    buffer = io.BytesIO()
    write_workbook(buffer, [Table("表一", HEADINGS, rows, title=title, widths={"企业名称": 30}, freeze=2),
                            Table("表二", HEADINGS[:3], [[1, "a", "b"]] * 3),
                            Table("空表", HEADINGS[:2], [])])
    monkeypatch.undo()
    with zipfile.ZipFile(buffer) as z:
        return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}


@pytest.mark.parametrize("rows", [ROWS, ROWS[:2], ROWS[2:], [[None]], []])
def test_fast_rows_write_what_xlsxwriter_writes(rows, monkeypatch):
    assert _book(rows, monkeypatch, fast=True) == _book(rows, monkeypatch, fast=False)


def test_fast_rows_without_a_title(monkeypatch):
    assert _book(ROWS, monkeypatch, fast=True, title="") == _book(ROWS, monkeypatch, fast=False, title="")

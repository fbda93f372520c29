"""The declared spreadsheet kernel: typed rows or every bad cell named (sheet, Excel row, column), and
one writer that never turns a text cell into a formula. Pure: no database."""

import datetime as dt
import io
import zipfile
from decimal import Decimal

import fastexcel
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gaoxin.core.excel import (
    OMIT,
    CellError,
    Check,
    Column,
    RawSheet,
    Sheet,
    SheetError,
    SheetFormatError,
    Table,
    boolean,
    choice,
    code,
    date,
    decimal,
    id_number,
    integer,
    load_table,
    lookup,
    many,
    number,
    open_workbook,
    read_workbook,
    uscc,
    write_workbook,
)

FIRMS = Sheet("企业", [
    Column("统一社会信用代码", "uscc", uscc, required=True, max_length=30),
    Column("企业名称", "name", required=True, max_length=10),
    Column("规模", "size", choice({"规模以上": "ABOVE", "规模以下": "BELOW", "规上": "ABOVE"}, ["规模以上", "规模以下"]),
           required=True),
    Column("成立日期", "founded", date),
    Column("注册资本（万元）", "capital", decimal(places=2)),
    Column("员工数", "staff", integer(), default=0),
    Column("高新", "hnte", boolean, default=False),
    Column("电力户号", "power", absent=OMIT),
], unique=("uscc",), empty="没有企业数据")

CONTACTS = Sheet("联系人", [
    Column("统一社会信用代码", "uscc", code, required=True, refers="企业"),
    Column("姓名", "name", required=True),
    Column("起", "start", date),
    Column("止", "end", date),
], required=False, checks=[Check("end", lambda r: "不能早于起" if r["end"] and r["end"] < r["start"] else None)])


def xlsx(*tables) -> bytes:
    out = io.BytesIO()
    write_workbook(out, tables)
    return out.getvalue()


def errors_of(content: bytes, *sheets) -> list[str]:
    with pytest.raises(SheetError) as caught:
        read_workbook(content, sheets)
    return [str(e) for e in caught.value.errors]


def test_valid_rows_come_back_typed():
    content = xlsx(("企业", FIRMS.headings[:7], [
        ["91110000600037341l ", "甲", "规上", "2024/03/01", "1,234.5", "3", "是"],
        ["", "", "", "", "", "", ""],  # a blank line in the middle carries nothing
        ["9143 0300 MA4L 0000 20", "乙", "规模以下", dt.date(2020, 1, 2), 10, None, None],
    ]))
    rows = read_workbook(content, [FIRMS])["企业"]
    assert rows.numbers == [2, 4]
    assert list(rows) == [
        {"uscc": "91110000600037341L", "name": "甲", "size": "ABOVE", "founded": dt.date(2024, 3, 1),
         "capital": Decimal("1234.50"), "staff": 3, "hnte": True},
        {"uscc": "91430300MA4L000020", "name": "乙", "size": "BELOW", "founded": dt.date(2020, 1, 2),
         "capital": Decimal("10.00"), "staff": 0, "hnte": False},
    ]
    assert "power" not in rows  # absent column: the field is left out, so stored values are kept


def test_every_bad_cell_is_named_with_sheet_row_and_column():
    content = xlsx(("企业", FIRMS.headings, [
        ["91110000600037341A", "很长很长很长很长很长的名字", "中型", "2024-13-01", "很多", "-1", "也许", "0732"],
        ["91110000600037341L", "", "规上", "", "", "", "", ""],
        ["91110000600037341l", "丙", "规上", "", "", "", "", ""],
    ]), ("联系人", CONTACTS.headings, [
        ["91430300MA4L000020", "王", "", ""], ["91110000600037341L", "李", "2024-02-01", "2024-01-01"],
    ]))
    assert errors_of(content, FIRMS, CONTACTS) == [
        "“企业”表第2行“统一社会信用代码”列（A列）：“91110000600037341A”校验码错误：代码中有字符输入有误，请逐位核对",
        "“企业”表第2行“企业名称”列（B列）：不能超过10个字",
        "“企业”表第2行“规模”列（C列）：“中型”无效，应为：规模以上、规模以下",
        "“企业”表第2行“成立日期”列（D列）：“2024-13-01”不是有效日期（格式如 2024-03-01）",
        "“企业”表第2行“注册资本（万元）”列（E列）：“很多”不是数字",
        "“企业”表第2行“员工数”列（F列）：“-1”应为非负整数",
        "“企业”表第2行“高新”列（G列）：“也许”无效，应为“是”或“否”",
        "“企业”表第3行“企业名称”列（B列）：必填",
        "“企业”表第4行“统一社会信用代码”列（A列）：与第3行重复",
        "“联系人”表第2行“统一社会信用代码”列（A列）：“91430300MA4L000020”不在“企业”表中",
        "“联系人”表第3行“止”列（D列）：不能早于起",
    ]


def test_missing_sheet_column_and_data():
    assert errors_of(xlsx(("别的", ["x"], [])), FIRMS) == ["“企业”表：缺少工作表“企业”"]
    assert errors_of(xlsx(("企业", ["统一社会信用代码", "企业名称"], [["91110000600037341L", "甲"]])), FIRMS) == [
        "“企业”表的表头“规模”：缺少此列"]
    assert errors_of(xlsx(("企业", FIRMS.headings, [])), FIRMS) == ["“企业”表第2行：没有企业数据"]
    # An optional sheet may be absent; its rows are None.
    assert read_workbook(xlsx(("企业", FIRMS.headings[:3], [["91110000600037341L", "甲", "规上"]])),
                         [FIRMS, CONTACTS])["联系人"] is None


def test_a_reference_to_a_bad_parent_cell_is_not_reported_twice():
    content = xlsx(("企业", FIRMS.headings[:3], [["91110000600037341a", "甲", "规上"]]),
                   ("联系人", CONTACTS.headings[:2], [["9111 0000 6000 3734 1A", "王"], ["91430300MA4L000020", "李"]]))
    assert errors_of(content, FIRMS, CONTACTS) == [
        "“企业”表第2行“统一社会信用代码”列（A列）：“91110000600037341a”校验码错误：代码中有字符输入有误，请逐位核对",
        "“联系人”表第3行“统一社会信用代码”列（A列）：“91430300MA4L000020”不在“企业”表中",
    ]


def test_job_report_and_the_error_as_a_dict():
    error = CellError("企业", 0, "规模", "", "缺少此列")
    assert error.as_dict() == {"sheet": "企业", "row": "表头", "column": "规模", "letter": "", "message": "缺少此列",
                               "text": "“企业”表的表头“规模”：缺少此列"}
    report = SheetError([error, CellError("企业", 3, "规模", "C", "必填")]).job_report(limit=1)
    assert report["message"] == "发现2处错误，未导入任何数据" and report["result"] == {"error_count": 2}
    assert [e["text"] for e in report["errors"]] == ["“企业”表的表头“规模”：缺少此列"]
    assert str(CellError("", 3, "规模", "C", "必填")) == "第3行“规模”列（C列）：必填"  # a CSV has no sheet name
    assert SheetFormatError("无法读取").job_report()["message"] == "无法读取"


def test_a_file_that_is_not_a_workbook():
    with pytest.raises(SheetFormatError, match="无法读取该文件"):
        open_workbook(b"not a zip")


@pytest.mark.parametrize("typed", ["91110000600037341L", "91110000600037341l", " 9111 0000 6000 3734 1L ",
                                   "91110000600037341\u3000L"])
def test_a_code_is_read_the_same_however_it_is_typed(typed):
    assert uscc(typed) == code(typed) == "91110000600037341L"
    assert lookup({"91110000600037341L": 7}, "“{}”不在名单中", normalize=code)(typed) == 7


def test_id_numbers_and_lists():
    assert id_number("11010519491231002x") == "11010519491231002X"
    with pytest.raises(ValueError, match="校验码错误"):
        id_number("110105194912310021")
    parse = many(choice({"窗口": "window", "网上": "web"}), empty="至少一种渠道")
    assert parse("窗口，网上、窗口") == ["window", "web"]
    with pytest.raises(ValueError, match="^“电话”、“传真”无效，应为：窗口、网上$"):
        parse("窗口,电话,传真")
    with pytest.raises(ValueError, match="至少一种渠道"):
        parse("，")
    assert integer(0, 100)("3.0") == 3
    with pytest.raises(ValueError, match="应为0至100的整数"):
        integer(0, 100)("101")


def test_number_columns_are_checked_at_once():
    values, problems = number(non_negative=True).column(pl.Series(["1,200.5", None, "abc", "-3", "nan"]))
    assert values.to_list() == [1200.5, None, None, -3.0, None]
    assert problems == {2: "“abc”不是数字", 3: "不能为负数", 4: "“nan”不是数字"}


def test_headings_by_alias_and_a_bound_parser():
    sheet = Sheet("", [Column("企业名称", "name"), Column("实缴税收（万元）", "tax", None, aliases=("tax",))])
    with pytest.raises(KeyError):
        sheet.bind(nope=number())
    rows = sheet.bind(tax=number()).read(RawSheet("", pl.DataFrame({"企业名称": ["甲", "乙"], "tax": ["1", None]})))
    assert rows.series("tax", pl.Float64).to_list() == [1.0, None]
    with pytest.raises(TypeError, match="bind it"):
        sheet.read(RawSheet("", pl.DataFrame({"企业名称": ["甲"], "tax": ["1"]})))


def test_csv_in_excels_encodings_and_parquet(tmp_path):
    headings = "统一社会信用代码,企业名称\n91110000600037341L,甲\n"
    sheet = Sheet("", [Column("统一社会信用代码", "uscc", uscc), Column("企业名称", "name")])
    for name, data in (("utf8.csv", "\ufeff" + headings), ("gbk.csv", headings)):
        path = tmp_path / name
        path.write_bytes(data.encode("utf-8" if name == "utf8.csv" else "gb18030"))
        assert list(sheet.read(load_table(path))) == [{"uscc": "91110000600037341L", "name": "甲"}]
    path = tmp_path / "t.parquet"
    pl.DataFrame({"统一社会信用代码": ["91110000600037341L"], "企业名称": ["甲"]}).write_parquet(path)
    assert len(sheet.read(load_table(path))) == 1
    (tmp_path / "t.txt").write_text("x")
    with pytest.raises(SheetFormatError, match="不支持的文件类型 .txt"):
        load_table(tmp_path / "t.txt")
    with pytest.raises(SheetFormatError, match="文件不存在"):
        load_table(tmp_path / "none.csv")


FORMULAS = ['=HYPERLINK("http://x","点我")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def test_formula_like_text_is_written_as_text_never_as_a_formula():
    content = xlsx(Table("名单", ["企业名称", "电话"], [[value, value] for value in FORMULAS]))
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        sheet_xml = z.read("xl/worksheets/sheet1.xml").decode()
        styles = z.read("xl/styles.xml").decode()
    assert "<f>" not in sheet_xml and 'quotePrefix="1"' in styles
    frame = fastexcel.read_excel(content).load_sheet(0, dtypes="string").to_polars()
    assert frame["企业名称"].to_list() == FORMULAS


def test_the_writer_types_cells_and_writes_a_title_and_checks():
    row = [dt.date(2024, 3, 1), Decimal("12.50"), True, ["甲", "乙"], None]
    headings = ["日期", "金额", "是否", "名单", "空"]
    content = xlsx(Table("结果", headings, [row], title="2024年度结果",
                         validations={"金额": {"validate": "decimal", "criteria": ">=", "value": 0}}))
    reader = fastexcel.read_excel(content)
    assert reader.load_sheet(0, header_row=None, dtypes="string").to_polars().row(0)[0] == "2024年度结果"
    frame = reader.load_sheet(0, header_row=1, dtypes="string").to_polars()
    assert frame.row(0) == ("2024-03-01 00:00:00", "12.5", "是", "甲、乙", None)
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        assert "<dataValidation" in z.read("xl/worksheets/sheet1.xml").decode()
    # What the writer writes, the reader reads back.
    sheet = Sheet("结果", [Column("日期", "on", date), Column("金额", "amount", decimal(places=2)),
                         Column("是否", "flag", boolean), Column("名单", "names", many())])
    rows = read_workbook(xlsx(Table("结果", headings, [row])), [sheet])["结果"]
    assert list(rows) == [{"on": dt.date(2024, 3, 1), "amount": Decimal("12.50"), "flag": True, "names": ["甲", "乙"]}]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=30), min_size=1,
                max_size=5))
def test_any_text_round_trips_through_the_writer_and_the_reader(values):
    content = xlsx(Table("表", ["文本"], [[v] for v in values]))
    sheet = Sheet("表", [Column("文本", "text")])
    rows = read_workbook(content, [sheet])["表"]
    expected = [v.strip() for v in values if v.strip()]
    assert rows["text"] == expected


@pytest.mark.parametrize("typed", ["1e999999", "-1e999999", "100000000000000", "1E+20"])
def test_numbers_beyond_the_column_are_refused(typed):
    """`1e999999` is a finite Decimal: stored, it became infinity and broke the next scoring run."""
    from gaoxin.core.excel import Invalid, decimal

    with pytest.raises(Invalid, match="超出允许的数值范围"):
        decimal(minimum=None, places=4, max_digits=18)(typed)


def test_the_largest_number_the_column_holds_passes():
    from decimal import Decimal

    from gaoxin.core.excel import decimal

    assert decimal(places=4, max_digits=18)("99999999999999.9999") == Decimal("99999999999999.9999")


@pytest.mark.parametrize("typed", ["1_000", "１２３", "١٢٣", "12 34", "0x1F", "1e5e5"])
def test_only_plain_numbers_are_numbers(typed):
    """Red-team walk of issue 15: Decimal takes 1_000 and full-width digits; a figure is typed in ASCII."""
    from gaoxin.core.excel import Invalid, decimal

    with pytest.raises(Invalid, match="不是数字"):
        decimal(minimum=None, places=4)(typed)
    assert decimal(places=4)("1,234.5") == Decimal("1234.5000")

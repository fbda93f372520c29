"""Spreadsheets in and out, declared once. Pure: no Django, no models.

Reading. A sheet is declared as a `Sheet` of `Column`s: the Chinese heading, the field name, a parser
(`text`, `integer`, `decimal`, `number`, `date`, `boolean`, `choice`, `lookup`, `uscc`, `id_number`,
`many`...), whether the cell must be filled, its maximum length; plus the fields that must be unique
together and cross-field `Check`s. `Workbook.read(sheet)` (or `Sheet.read(load_table(path))` for a
single table from .xlsx, .csv or .parquet) checks every cell and gives typed `Rows`; every problem is a
`CellError` naming sheet, row (Excel numbering), column heading and letter, in Chinese. A file with any
problem raises one `SheetError` listing them all, so callers write nothing.

Writing. `write_workbook(target, [Table(...), ...])` writes declared headings and typed cells; a text cell
that starts like a formula (=, +, -, @, tab, CR) is stored as text with Excel's quote prefix, never as a
formula (CSV/Excel injection).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

import fastexcel
import polars as pl
import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from .validators import id_number_problem, normalize_code, uscc_problem

# --- errors ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CellError:
    """One problem in an input file. row is the Excel row number (header = 1); 0 means the header
    (with a column: that column is missing) or the whole sheet."""

    sheet: str
    row: int
    column: str  # the column's heading
    letter: str  # its letter in the file, e.g. "C"
    message: str

    def __str__(self) -> str:
        sheet = f"“{self.sheet}”表" if self.sheet else ""
        if self.row:
            column = f"“{self.column}”列" + (f"（{self.letter}列）" if self.letter else "") if self.column else ""
            return f"{sheet}第{self.row}行{column}：{self.message}"
        if self.column:
            return f"{sheet}{'的' if sheet else ''}表头“{self.column}”：{self.message}"
        return f"{sheet}：{self.message}" if sheet else self.message

    def as_dict(self) -> dict[str, Any]:
        """For a job's error table (core/partials/job_status.html)."""
        return {"sheet": self.sheet, "row": self.row or ("表头" if self.column else ""), "column": self.column,
                "letter": self.letter, "message": self.message, "text": str(self)}


class SheetError(ValueError):
    """An input file with problems; nothing may be written. `errors` lists every bad cell."""

    headline = "文件有误{source}，未写入任何数据"
    shown = 200

    def __init__(self, errors: Iterable[CellError], source: str = ""):
        self.errors = list(errors)
        self.source = source
        lines = "\n".join(f"  {e}" for e in self.errors[:self.shown])
        more = f"\n  ……共{len(self.errors)}处问题" if len(self.errors) > self.shown else ""
        head = self.headline.format(source=f"（{source}）" if source else "")
        super().__init__(f"{head}：\n{lines}{more}" if lines else head)

    def job_report(self, limit: int = 500) -> dict[str, Any]:
        """Keyword arguments for `core.services.job_finish(job, ok=False, **report)`."""
        if len(self.errors) == 1 and not self.errors[0].row and not self.errors[0].column:
            message = str(self.errors[0])  # the file as a whole: say why
        else:
            message = f"发现{len(self.errors)}处错误，未导入任何数据"
        return {"message": message, "errors": [e.as_dict() for e in self.errors[:limit]],
                "result": {"error_count": len(self.errors)}}


class SheetFormatError(SheetError):
    """The file cannot be read as a table at all."""

    def __init__(self, message: str, source: str = ""):
        super().__init__([CellError("", 0, "", "", message)], source)

    def __str__(self) -> str:
        return self.errors[0].message


# --- parsers: text (stripped, never empty) -> value, or Invalid -----------------------------------------


class Invalid(ValueError):
    """A cell's text cannot be used; the message (Chinese) is shown to the user."""


Parse = Callable[[str], Any]


class Parser:
    """A parser object; `column` checks a whole column at once (override it where Polars can)."""

    def __call__(self, text: str) -> Any:
        raise NotImplementedError

    def column(self, texts: pl.Series) -> tuple[list | pl.Series, dict[int, str]]:
        return parse_each(self, texts)


def parse_each(parse: Parse, texts: pl.Series) -> tuple[list, dict[int, str]]:
    """Apply a scalar parser to every filled cell: (values, {row index: problem})."""
    if parse is text:
        return texts.to_list(), {}
    values: list = []
    problems: dict[int, str] = {}
    for i, cell in enumerate(texts.to_list()):
        if cell is None:
            values.append(None)
            continue
        try:
            values.append(parse(cell))
        except Invalid as exc:
            values.append(None)
            problems[i] = str(exc)
    return values, problems


def text(value: str) -> str:
    return value


def code(value: str) -> str:
    """A code typed by a person: spaces dropped, upper case (the one rule, `validators.normalize_code`)."""
    return normalize_code(value)


def uscc(value: str) -> str:
    """统一社会信用代码 with its check character (GB 32100-2015)."""
    normalized = normalize_code(value)
    if problem := uscc_problem(normalized):
        raise Invalid(f"“{value}”{problem}")
    return normalized


def id_number(value: str) -> str:
    """Resident identity number with its check character (GB 11643-1999)."""
    normalized = normalize_code(value)
    if problem := id_number_problem(normalized):
        raise Invalid(f"“{value}”{problem}")
    return normalized


_DATE_PATTERNS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


def date(value: str) -> dt.date:
    # A date cell arrives from calamine as "2024-03-01 00:00:00".
    value = re.sub(r"^(\d{4}-\d{2}-\d{2}) 00:00:00$", r"\1", value)
    for pattern in _DATE_PATTERNS:
        try:
            return dt.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise Invalid(f"“{value}”不是有效日期（格式如 2024-03-01）")


_BOOLEAN = {"是": True, "否": False, "1": True, "0": False, "TRUE": True, "FALSE": False, "Y": True, "N": False}


def boolean(value: str) -> bool:
    answer = _BOOLEAN.get(value.upper())
    if answer is None:
        raise Invalid(f"“{value}”无效，应为“是”或“否”")
    return answer


def integer(minimum: int = 0, maximum: int | None = None) -> Parse:
    expected = "非负整数" if minimum == 0 and maximum is None else (
        f"{minimum}至{maximum}的整数" if maximum is not None else f"不小于{minimum}的整数")

    def parse(value: str) -> int:
        cleaned = value.removesuffix(".0")
        number = int(cleaned) if re.fullmatch(r"[+-]?\d+", cleaned) else None
        if number is None or number < minimum or (maximum is not None and number > maximum):
            raise Invalid(f"“{value}”应为{expected}")
        return number
    return parse


_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,7})?", re.ASCII)


def _number_text(value: str) -> str:
    """The number as written, thousands separators dropped; anything but ASCII digits, a point, a sign and an
    exponent (a spreadsheet's 1.5e-05) is not a number: Decimal itself would take 1_000 and full-width １２３."""
    text = value.replace(",", "").replace("，", "").strip()
    return text if _PLAIN_NUMBER.fullmatch(text) else "not a number"


def decimal(*, places: int | None = None, minimum: int | None = 0, positive: bool = False,
            max_digits: int = 18) -> Parse:
    """A Decimal (thousands separators allowed), quantized to `places` when given; negative values
    refused unless minimum is None; no larger than the column holds (`max_digits` digits, `places` of them
    after the point) — `1e999999` is a finite Decimal that would be stored as infinity."""
    step = None if places is None else Decimal(1).scaleb(-places)
    bound = Decimal(10) ** (max_digits - (places or 0))

    def parse(value: str) -> Decimal:
        try:
            number = Decimal(_number_text(value))
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            raise Invalid(f"“{value}”不是数字")
        if abs(number) >= bound:
            raise Invalid(f"“{value}”超出允许的数值范围")
        if positive and number <= 0:
            raise Invalid("应大于0")
        if minimum is not None and number < minimum:
            raise Invalid("不能为负数" if minimum == 0 else f"不能小于{minimum}")
        return number if step is None else number.quantize(step)
    return parse


class number(Parser):
    """A float, checked for a whole column at once with Polars (large evaluation inputs)."""

    def __init__(self, *, non_negative: bool = False):
        self.non_negative = non_negative

    def __call__(self, value: str) -> float:
        values, problems = self.column(pl.Series([value], dtype=pl.String))
        if problems:
            raise Invalid(problems[0])
        return values[0]

    def column(self, texts: pl.Series) -> tuple[pl.Series, dict[int, str]]:
        texts = texts.cast(pl.String)
        values = texts.str.replace_all("[,，]", "").cast(pl.Float64, strict=False)
        bad = texts.is_not_null() & (values.is_null() | ~values.is_finite())
        problems = {i: f"“{texts[i]}”不是数字" for i in bad.arg_true().to_list()}
        if self.non_negative:
            negative = (values < 0).fill_null(False) & ~bad
            problems |= dict.fromkeys(negative.arg_true().to_list(), "不能为负数")
        return values.set(bad, None), problems


class lookup(Parser):
    """A value that must be one of a set: `known` maps what may be typed (after `normalize`) to the value
    to store, or is a function that resolves a whole column's distinct keys at once (one query)."""

    def __init__(self, known: Mapping[str, Any] | Callable[[set[str]], Mapping[str, Any]], message: str,
                 *, normalize: Callable[[str], str] | None = None):
        self.known, self.message, self.normalize = known, message, normalize

    def _key(self, value: str) -> str:
        return self.normalize(value) if self.normalize else value

    def __call__(self, value: str, known: Mapping[str, Any] | None = None) -> Any:
        found = (self.known if known is None else known).get(self._key(value))
        if found is None:
            raise Invalid(self.message.format(value))
        return found

    def column(self, texts: pl.Series) -> tuple[list, dict[int, str]]:
        known = self.known
        if callable(known):
            known = known({self._key(t) for t in texts.drop_nulls().to_list()})
        return parse_each(lambda value: self(value, known), texts)


def choice(mapping: Mapping[str, Any], expected: Iterable[str] | None = None, message: str | None = None) -> lookup:
    """One of the labels or codes in `mapping` (label -> stored value); the message lists `expected`
    (default: the Chinese keys)."""
    labels = "、".join(dict.fromkeys(expected if expected is not None else (k for k in mapping if not k.isascii())))
    return lookup(mapping, message or "“{}”无效，应为：" + labels.replace("{", "{{").replace("}", "}}"))


SEPARATORS = re.compile(r"[、,，;；/]")


def split_list(value: str | None) -> list[str]:
    """“甲、乙，丙” -> ["甲", "乙", "丙"]: the separators people type in one cell."""
    return [part.strip() for part in SEPARATORS.split(value or "") if part.strip()]


def many(parse: Parse = text, *, empty: str = "至少填写一项") -> Parse:
    """Several values in one cell, separated by 、 , ; or /; repeats dropped; every bad part named."""
    def parse_many(value: str) -> list:
        values, bad, problems = [], [], []
        for part in split_list(value):
            try:
                values.append(parse(part))
            except Invalid as exc:
                bad.append(part)
                problems.append(str(exc))
        if bad and isinstance(parse, lookup):  # one sentence: “甲”、“乙”无效，应为：…
            raise Invalid(parse.message.format("”、“".join(bad)))
        if problems:
            raise Invalid("；".join(dict.fromkeys(problems)))
        if not values:
            raise Invalid(empty)
        return list(dict.fromkeys(values))
    return parse_many


# --- declarations --------------------------------------------------------------------------------------

_UNSET: Any = object()
OMIT: Any = object()  # Column(absent=OMIT): a column missing from the file leaves the field out of the rows


@dataclass(frozen=True)
class Column:
    """One column of a sheet. An empty cell is `default` (for `text`: ""); a column missing from the file is
    an error when `needed` (default: when `required`), else every row gets `absent` (default: `default`)."""

    heading: str
    field: str
    parse: Parse | None = text  # None: bound per call with `Sheet.bind`
    required: bool = False
    max_length: int | None = None
    default: Any = _UNSET
    needed: bool | None = None
    absent: Any = _UNSET
    aliases: tuple[str, ...] = ()  # other headings accepted (the evaluation's schema names)
    refers: str = ""  # an earlier sheet of the workbook whose same field must hold the value
    missing: str = "缺少此列"

    @property
    def empty_value(self) -> Any:
        if self.default is not _UNSET:
            return self.default
        return "" if self.parse is text else None

    @property
    def absent_value(self) -> Any:
        return self.empty_value if self.absent is _UNSET else self.absent

    @property
    def is_needed(self) -> bool:
        return self.required if self.needed is None else self.needed


@dataclass(frozen=True)
class Check:
    """A cross-field rule: `test(row)` returns the problem (reported on `field`'s column) or None.
    Checks run on rows whose cells are all valid."""

    field: str
    test: Callable[[dict[str, Any]], str | None]


@dataclass(frozen=True)
class RawSheet:
    """A table as read: every cell as stripped text, empty cells null. name is "" for CSV and Parquet."""

    name: str
    frame: pl.DataFrame


@dataclass
class Rows:
    """Typed rows of a valid (or partly valid) sheet, column by column."""

    sheet: str
    numbers: list[int]  # Excel row number of each row
    values: dict[str, list | pl.Series]
    failed: dict[str, list[str]] = field(default_factory=dict)  # texts of the cells that could not be read

    def __len__(self) -> int:
        return len(self.numbers)

    def __getitem__(self, field_name: str) -> list:
        values = self.values[field_name]
        return values.to_list() if isinstance(values, pl.Series) else values

    def __contains__(self, field_name: str) -> bool:
        return field_name in self.values

    def __iter__(self) -> Iterator[dict[str, Any]]:
        columns = {name: self[name] for name in self.values}
        for i in range(len(self.numbers)):
            yield {name: values[i] for name, values in columns.items()}

    def series(self, field_name: str, dtype: pl.DataType) -> pl.Series:
        values = self.values[field_name]
        if isinstance(values, pl.Series):
            return values.alias(field_name).cast(dtype)
        return pl.Series(field_name, values, dtype=dtype)


@dataclass(frozen=True)
class Sheet:
    """A declared sheet: its columns, the fields that must be unique together, cross-field checks."""

    name: str
    columns: Sequence[Column]
    unique: tuple[str, ...] = ()
    duplicate: str = "与第{row}行重复"
    checks: Sequence[Check] = ()
    required: bool = True  # the workbook must have it
    empty: str = ""  # the problem when it has no data rows ("": allowed)

    @property
    def headings(self) -> list[str]:
        return [c.heading for c in self.columns]

    @property
    def needed(self) -> list[str]:
        """The headings a file must have (the import page lists them)."""
        return [c.heading for c in self.columns if c.is_needed]

    def bind(self, **parsers: Parse) -> Sheet:
        """The same sheet with some fields' parsers given (those that depend on the database or a method)."""
        unknown = set(parsers) - {c.field for c in self.columns}
        if unknown:
            raise KeyError(f"no such fields: {sorted(unknown)}")
        return replace(self, columns=[replace(c, parse=parsers.get(c.field, c.parse)) for c in self.columns])

    def read(self, raw: RawSheet, source: str = "") -> Rows:
        """Typed rows, or SheetError naming every problem."""
        rows, errors = self.check(raw)
        if errors:
            raise SheetError(errors, source)
        return rows

    def check(self, raw: RawSheet, refs: Mapping[str, Rows] | None = None,
              on_progress: Callable[[int, int], None] | None = None) -> tuple[Rows | None, list[CellError]]:
        """(rows, problems); rows is None when a needed column is missing."""
        return _SheetCheck(self, raw, refs or {}).run(on_progress)


class _SheetCheck:
    """One validation of one sheet (kept apart so `Sheet` stays a plain declaration)."""

    def __init__(self, sheet: Sheet, raw: RawSheet, refs: Mapping[str, Rows]):
        self.sheet, self.raw, self.refs = sheet, raw, refs
        self.errors: list[CellError] = []
        self.bad: set[int] = set()  # rows with a bad cell: cross-field checks skip them
        self.failed: dict[str, list[str]] = {}
        headers = list(raw.frame.columns)
        self.found = {}
        for col in sheet.columns:
            name = next((h for h in (col.heading, *col.aliases) if h in headers), None)
            if name is not None:
                self.found[col.field] = (name, xl_col_to_name(headers.index(name)))
            elif col.is_needed:
                self.errors.append(CellError(raw.name, 0, col.heading, "", col.missing))

    def fail(self, i: int, col: Column, message: str) -> None:
        self.errors.append(CellError(self.raw.name, self.numbers[i], col.heading, self.found[col.field][1], message))
        self.bad.add(i)

    def run(self, on_progress) -> tuple[Rows | None, list[CellError]]:
        if self.errors:
            return None, self.errors
        frame = self.raw.frame
        if frame.width:
            filled = frame.select(pl.any_horizontal(pl.all().is_not_null())).to_series()
        else:
            filled = pl.Series([], dtype=pl.Boolean)
        frame = frame.filter(filled)  # blank lines carry nothing
        self.numbers = [i + 2 for i in filled.arg_true().to_list()]
        if self.sheet.empty and not self.numbers:
            self.errors.append(CellError(self.raw.name, 2, "", "", self.sheet.empty))
        values: dict[str, list | pl.Series] = {}
        for done, col in enumerate(self.sheet.columns, start=1):
            if col.field in self.found:
                values[col.field] = self._column(col, frame[self.found[col.field][0]])
            elif col.absent is not OMIT:
                values[col.field] = [col.absent_value] * len(self.numbers)
            if on_progress:
                on_progress(done, len(self.sheet.columns))
        rows = Rows(self.raw.name, self.numbers, values, self.failed)
        self._unique(rows)
        self._checks(rows)
        order = {c.heading: i for i, c in enumerate(self.sheet.columns)}
        self.errors.sort(key=lambda e: (e.row, order.get(e.column, -1)))
        return rows, self.errors

    def _column(self, col: Column, texts: pl.Series) -> list | pl.Series:
        if col.parse is None:
            raise TypeError(f"column {col.field!r} has no parser: bind it with Sheet.bind")
        usable, too_long = self._filled_and_short(col, texts)
        parse_column = getattr(col.parse, "column", None)
        parsed, problems = parse_column(usable) if parse_column else parse_each(col.parse, usable)
        for i, message in problems.items():
            self.fail(i, col, message)
        # Kept so that a later sheet's reference to a bad cell is not reported a second time.
        self.failed[col.field] = [texts[i] for i in sorted(set(problems) | set(too_long))]
        self._refers(col, parsed)
        empty = col.empty_value
        if empty is None:
            return parsed
        if isinstance(parsed, pl.Series):
            return parsed.fill_null(empty)
        return [empty if t is None else v for t, v in zip(usable.to_list(), parsed, strict=True)]

    def _filled_and_short(self, col: Column, texts: pl.Series) -> tuple[pl.Series, list[int]]:
        """Required and maximum-length problems: (the texts to parse, the rows too long to parse)."""
        if col.required:
            for i in texts.is_null().arg_true().to_list():
                self.fail(i, col, "必填")
        if col.max_length is None:
            return texts, []
        too_long = (texts.str.len_chars() > col.max_length).fill_null(False)
        rows = too_long.arg_true().to_list()
        for i in rows:
            self.fail(i, col, f"不能超过{col.max_length}个字")
        return texts.set(too_long, None), rows

    def _refers(self, col: Column, parsed: list | pl.Series) -> None:
        ref = self.refs.get(col.refers) if col.refers else None
        if ref is None or col.field not in ref:
            return
        known = set(ref[col.field])
        for text in ref.failed.get(col.field, ()):  # the referred sheet's bad cells, read as this column reads
            try:
                known.add(col.parse(text))
            except Invalid:
                pass
        for i, value in enumerate(parsed):
            if value is not None and value not in known:
                self.fail(i, col, f"“{value}”不在“{col.refers}”表中")

    def _unique(self, rows: Rows) -> None:
        key_fields = self.sheet.unique
        if not key_fields or any(f not in rows for f in key_fields):
            return
        col = next(c for c in self.sheet.columns if c.field == key_fields[0])
        columns = [rows[f] for f in key_fields]
        # Polars finds the repeated keys; only those rows are looked at one by one.
        repeated = pl.DataFrame({str(j): c for j, c in enumerate(columns)}, strict=False).is_duplicated()
        first: dict[tuple, int] = {}
        for i in repeated.arg_true().to_list():
            key = tuple(c[i] for c in columns)
            if None in key or key == ("",) * len(key):
                continue
            seen = first.setdefault(key, i)
            if seen != i:
                self.fail(i, col, self.sheet.duplicate.format(row=self.numbers[seen]))

    def _checks(self, rows: Rows) -> None:
        if not self.sheet.checks:
            return
        columns = {c.field: c for c in self.sheet.columns}
        bad = set(self.bad)
        for i, row in enumerate(rows):
            if i in bad:
                continue
            for check in self.sheet.checks:
                if check.field in self.found and (message := check.test(row)):
                    self.fail(i, columns[check.field], message)


# --- loading -------------------------------------------------------------------------------------------


def _cleaned(frame: pl.DataFrame) -> pl.DataFrame:
    frame = frame.rename({c: str(c).strip() for c in frame.columns})
    if not frame.width:
        return frame
    return frame.with_columns(pl.all().cast(pl.String).str.strip_chars().replace("", None))


class Workbook:
    """An .xlsx file opened once; `read` validates declared sheets in order (a column's `refers` looks at
    the sheets read before), collecting every problem; `done` raises them together."""

    def __init__(self, reader: fastexcel.ExcelReader, source: str = ""):
        self.reader, self.source = reader, source
        self.errors: list[CellError] = []
        self.rows: dict[str, Rows] = {}

    @property
    def sheet_names(self) -> list[str]:
        return list(self.reader.sheet_names)

    def raw(self, name: str | int = 0) -> RawSheet | None:
        """A sheet by name or position, as text; None when there is no such sheet."""
        if isinstance(name, int):
            if name >= len(self.sheet_names):
                return None
            name = self.sheet_names[name]
        if name not in self.sheet_names:
            return None
        try:
            frame = self.reader.load_sheet(name, dtypes="string").to_polars()
        except Exception:  # calamine refuses a sheet with nothing in it
            frame = pl.DataFrame()
        return RawSheet(name, _cleaned(frame))

    def read(self, sheet: Sheet, on_progress: Callable[[int, int], None] | None = None) -> Rows | None:
        """The sheet's typed rows (None when the sheet is absent or a needed column is missing)."""
        raw = self.raw(sheet.name)
        if raw is None:
            if sheet.required:
                self.errors.append(CellError(sheet.name, 0, "", "", f"缺少工作表“{sheet.name}”"))
            return None
        rows, errors = sheet.check(raw, self.rows, on_progress)
        self.errors += errors
        if rows is not None:
            self.rows[sheet.name] = rows
        return rows

    def done(self) -> None:
        if self.errors:
            raise SheetError(self.errors, self.source)


def open_workbook(source: bytes | str | Path | IO[bytes], name: str = "") -> Workbook:
    if hasattr(source, "read"):
        source = source.read()
    try:
        return Workbook(fastexcel.read_excel(str(source) if isinstance(source, Path) else source), name)
    except Exception as exc:  # calamine raises several error types for non-workbooks
        raise SheetFormatError("无法读取该文件，请上传 Excel（.xlsx）文件", name) from exc


def read_workbook(source, sheets: Sequence[Sheet], on_progress: Callable[[int, int], None] | None = None,
                  ) -> dict[str, Rows | None]:
    """Every declared sheet's rows (None for an absent optional sheet), or SheetError listing all problems."""
    book = open_workbook(source)
    out = {sheet.name: book.read(sheet, on_progress) for sheet in sheets}
    book.done()
    return out


def _decode(data: bytes) -> str:
    # Excel saves "CSV UTF-8" with a byte-order mark and plain "CSV" in the legacy code page (GB18030).
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


def load_table(path: str | Path) -> RawSheet:
    """The first sheet of an .xlsx file, or a .csv or .parquet file, as text."""
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.exists():
        raise SheetFormatError(f"文件不存在：{path}", path.name)
    if suffix in (".xlsx", ".xlsm", ".xls"):
        raw = open_workbook(path, path.name).raw(0)
        return raw or RawSheet("", pl.DataFrame())
    try:
        if suffix == ".csv":
            text_data = _decode(path.read_bytes())
            return RawSheet("", _cleaned(pl.read_csv(io.StringIO(text_data), infer_schema=False)))
        if suffix == ".parquet":
            return RawSheet("", _cleaned(pl.read_parquet(path)))
    except Exception as exc:  # Polars raises several error types for files it cannot parse
        raise SheetFormatError(f"无法读取该文件（文件已损坏或不是 {suffix} 格式），请检查后重新上传", path.name) from exc
    raise SheetFormatError(f"不支持的文件类型 {suffix}（支持 .xlsx、.csv、.parquet）", path.name)


# --- writing -------------------------------------------------------------------------------------------

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Identifier columns hold text even when a user types into an empty cell (leading zeros stay).
TEXT_HEADINGS = ("代码", "编号", "户号", "证号", "文号", "电话", "号码")


@dataclass(frozen=True)
class Table:
    """One sheet to write: headings (or the read declaration's columns) and rows in that order."""

    name: str
    columns: Sequence[str | Column]
    rows: Iterable[Sequence[Any]]
    title: str = ""  # a line above the headings
    widths: Mapping[str, int] = field(default_factory=dict)
    freeze: int = 0  # columns kept in view when scrolling right
    validations: Mapping[str, dict] = field(default_factory=dict)  # heading -> xlsxwriter data_validation
    text: Collection[str] = ()  # further headings whose cells are text

    @property
    def headings(self) -> list[str]:
        return [c.heading if isinstance(c, Column) else c for c in self.columns]


class _Writer:
    def __init__(self, target: str | IO[bytes]):
        self.book = xlsxwriter.Workbook(target, {
            "constant_memory": True, "in_memory": False, "nan_inf_to_errors": True,
            "strings_to_formulas": False, "strings_to_urls": False,
        })
        add = self.book.add_format
        self.header = add({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
        self.title = add({"bold": True, "font_size": 13})
        self.date = add({"num_format": "yyyy-mm-dd"})
        self.datetime = add({"num_format": "yyyy-mm-dd hh:mm"})
        self.text = add({"num_format": "@"})
        self.quoted = add({"num_format": "@", "quote_prefix": True})

    def table(self, table: Table) -> int:
        ws = self.book.add_worksheet(table.name[:31])
        headings = table.headings
        top = 1 if table.title else 0
        if table.title:
            ws.write_string(0, 0, table.title, self.title)
        for c, heading in enumerate(headings):
            is_text = heading in table.text or any(word in heading for word in TEXT_HEADINGS)
            width = table.widths.get(heading, min(max(12, len(heading) * 2 + 2), 40))
            ws.set_column(c, c, width, self.text if is_text else None)
        ws.write_row(top, 0, headings, self.header)
        ws.freeze_panes(top + 1, table.freeze)
        written = 0
        fast = _FastRows(self, ws) if _FastRows.usable(ws) else None
        for r, row in enumerate(table.rows, start=top + 1):
            if fast is None or not fast.row(r, row):
                if fast is not None:
                    fast.pending = True
                for c, value in enumerate(row):
                    self.cell(ws, r, c, value)
            written += 1
        for heading, rule in table.validations.items():
            c = headings.index(heading)
            ws.data_validation(top + 1, c, top + max(written, 1), c, rule)
        return written

    def cell(self, ws, r: int, c: int, value: Any) -> None:
        if value is None or value == "":
            return
        if isinstance(value, bool):
            ws.write_string(r, c, "是" if value else "否")
        elif isinstance(value, dt.datetime):
            ws.write_datetime(r, c, value.replace(tzinfo=None), self.datetime)
        elif isinstance(value, dt.date):
            ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), self.date)
        elif isinstance(value, (int, float, Decimal)):
            ws.write_number(r, c, float(value))
        else:
            value = "、".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)
            # Never a formula: Excel keeps a quote-prefixed cell as text, even after editing it.
            ws.write_string(r, c, value, self.quoted if value.startswith(FORMULA_START) else None)


_XLSX_ESCAPED = re.compile("_x[0-9a-fA-F]{4}_|[\x00-\x08\x0b-\x1f\ufffe\uffff]")


class _FastRows:
    """Data rows written straight into the worksheet's row file as the XML xlsxwriter itself writes for them (the
    same cells, styles and escaping, byte for byte: core/tests/test_excel_fast_rows.py), without its per-cell calls
    — about four times faster (the released list of 100,000 firms: 1.4 million cells). A row with anything
    unusual (a number that is not finite, a very long text, a cell beyond the sheet) goes through xlsxwriter."""

    PLAIN = (str, int, float, Decimal, dt.date, list, tuple)

    def __init__(self, writer: _Writer, ws):
        from xlsxwriter.worksheet import _preserve_whitespace

        self.writer, self.ws, self.preserve = writer, ws, _preserve_whitespace
        self.pending = True  # the headings row (or a row written by xlsxwriter) is still in its table
        self.letters: list[str] = []
        self.column_xf: dict[int, int | None] = {}
        self.long = ws.xls_strmax // 2

    @staticmethod
    def usable(ws) -> bool:
        return bool(ws.constant_memory) and getattr(ws, "excel_version", 2007) != 2010 and hasattr(ws, "fh")

    def _column_xf(self, c: int) -> int | None:
        if c not in self.column_xf:
            info = self.ws.col_info.get(c)
            fmt = info.column_format if info is not None else None
            self.column_xf[c] = None if fmt is None else fmt._get_xf_index()
        return self.column_xf[c]

    def row(self, r: int, values: Sequence[Any]) -> bool:
        ws, w = self.ws, self.writer
        if r >= ws.xls_rowmax or len(values) > ws.xls_colmax or r in ws.row_info:
            return False
        if self.pending:  # xlsxwriter writes out the row it holds, as before any later row (styles numbered alike)
            ws._write_single_row(r)
            self.pending = False
        cells = []
        first = last = None
        for c, value in enumerate(values):
            if value is None or value == "":
                continue
            if not isinstance(value, self.PLAIN) and not isinstance(value, bool):
                return False
            fmt = None
            if isinstance(value, bool):
                text, number = ("是" if value else "否"), None
            elif isinstance(value, dt.datetime):
                text, number, fmt = None, ws._convert_date_time(value.replace(tzinfo=None)), w.datetime
            elif isinstance(value, dt.date):
                text, number, fmt = None, ws._convert_date_time(dt.datetime.combine(value, dt.time())), w.date
            elif isinstance(value, (int, float, Decimal)):
                text, number = None, float(value)
                if number != number or number in (float("inf"), float("-inf")):
                    return False
            else:
                text = "、".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)
                if len(text) > self.long:
                    return False
                number = None
                if text.startswith(FORMULA_START):
                    fmt = w.quoted
            while len(self.letters) <= c:
                self.letters.append(xl_col_to_name(len(self.letters)))
            xf = fmt._get_xf_index() if fmt is not None else self._column_xf(c)
            attr = f' r="{self.letters[c]}{r + 1}"' if xf is None else f' r="{self.letters[c]}{r + 1}" s="{xf}"'
            if text is None:
                cells.append(f"<c{attr}><v>{number:.16G}</v></c>")
            else:
                if _XLSX_ESCAPED.search(text):  # as xlsxwriter's two substitutions, only where they change it
                    text = ws._escape_control_characters(text)
                if text.startswith("<r>") and text.endswith("</r>"):
                    cells.append(f'<c{attr} t="inlineStr"><is>{text}</is></c>')
                else:
                    space = ' xml:space="preserve"' if (text[0].isspace() or text[-1].isspace()) and self.preserve(text) \
                        else ""
                    cells.append(f'<c{attr} t="inlineStr"><is><t{space}>{ws._escape_data(text)}</t></is></c>')
            first = c if first is None else first
            last = c
        if cells:
            ws._check_dimensions(r, first)
            ws._check_dimensions(r, last)
            ws.fh.write(f'<row r="{r + 1}">{"".join(cells)}</row>')
        ws.previous_row = r
        return True


def write_workbook(target: str | IO[bytes], tables: Iterable[Table | tuple[str, Sequence, Iterable[Sequence]]]) -> int:
    """Write the tables (or (name, headings, rows) tuples) in constant memory; returns data rows written."""
    writer = _Writer(target)
    written = 0
    for table in tables:
        written += writer.table(table if isinstance(table, Table) else Table(*table))
    writer.book.close()
    return written

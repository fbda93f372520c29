"""What every room checks of an uploaded file before keeping it, page and API alike (issue 15 §3):

- its extension is one the field accepts (`RULES`: case materials, objection evidence, spreadsheets …);
- its content is what the extension says (`KINDS`: the first bytes — PDF `%PDF-`, PNG, JPEG, the OLE2 header of
  .doc/.xls —, for the ZIP-based formats the part that makes them one: the main content type of a Word document or
  an Excel workbook in `[Content_Types].xml`, `OFD.xml` of an OFD file; a CSV is text in UTF-8 or GB18030 without NUL
  bytes). An HTML page or an SVG drawing is never accepted, whatever its name: no kind allows markup;
- its size is within the field's limit (settings `GAOXIN_UPLOAD_*`), and it is not empty.

The message is Chinese and names the field. Forms call `check_upload` in `clean` and the services again before
they store, so the API (which uses the pages' forms) refuses exactly what the pages refuse.

A small declarative table rather than a library: the question is never "what is this file" (puremagic and
filetype answer that, as a guess) but "is this a real X", which for the Office and OFD formats means looking
inside the ZIP — see docs/decisions/0005-upload-content-checks.md."""

from __future__ import annotations

import codecs
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the compound file of Word 97-2003 and Excel 97-2003
HEAD = 4096
# [Content_Types].xml of a real document is a few kilobytes; a larger one is not read (a ZIP bomb stays packed).
CONTENT_TYPES_MAX = 256 * 1024
WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
EXCEL = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def _starts(signature: bytes) -> Callable:
    return lambda f, head: head.startswith(signature)


def _zip(test: Callable[[zipfile.ZipFile], bool]) -> Callable:
    def check(f, head: bytes) -> bool:
        if not head.startswith(b"PK\x03\x04"):
            return False
        try:
            with zipfile.ZipFile(f) as archive:
                return test(archive)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, OSError, EOFError, ValueError, RuntimeError,
                NotImplementedError):
            return False
        finally:
            f.seek(0)
    return check


def _office(main_type: str) -> Callable:
    """An OOXML package whose content types name this main part (a macro-enabled or template file does not)."""
    def test(archive: zipfile.ZipFile) -> bool:
        info = archive.getinfo("[Content_Types].xml")
        if info.file_size > CONTENT_TYPES_MAX:
            return False
        return f'ContentType="{main_type}"' in archive.read(info).decode("utf-8", errors="replace")
    return _zip(test)


def _ofd(archive: zipfile.ZipFile) -> bool:
    return "OFD.xml" in archive.namelist()


def _markup(head: bytes) -> bool:
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


def _text(f, head: bytes) -> bool:
    """Text in UTF-8 (with or without BOM) or GB18030 — what the table reader decodes —, without NUL bytes, and
    not a page or a drawing (a table never starts with "<")."""
    if _markup(head):
        return False
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        f.seek(0)
        try:
            while chunk := f.read(64 * 1024):
                if b"\x00" in chunk:
                    return False
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
            return True
        except UnicodeDecodeError:
            continue
        finally:
            f.seek(0)
    return False


@dataclass(frozen=True)
class Kind:
    """A kind of file as users call it, and the test its content must pass (the file and its first bytes)."""

    name: str
    test: Callable


KINDS: dict[str, Kind] = {
    "pdf": Kind("PDF 文件", _starts(b"%PDF-")),
    "png": Kind("PNG 图片", _starts(b"\x89PNG\r\n\x1a\n")),
    "jpg": Kind("JPEG 图片", _starts(b"\xff\xd8\xff")),
    "jpeg": Kind("JPEG 图片", _starts(b"\xff\xd8\xff")),
    "doc": Kind("Word 97-2003 文档", _starts(OLE2)),
    "xls": Kind("Excel 97-2003 表格", _starts(OLE2)),
    "docx": Kind("Word 文档", _office(WORD)),
    "xlsx": Kind("Excel 表格", _office(EXCEL)),
    "ofd": Kind("OFD 版式文件", _zip(_ofd)),
    "csv": Kind("CSV 表格", _text),
}
MB = 1024 * 1024


@dataclass(frozen=True)
class Rule:
    """What one kind of upload field accepts: extensions and the largest size, read from settings when used
    (a test or a zone may change them)."""

    extensions: Callable[[], list[str]]
    max_bytes: Callable[[], int]


RULES: dict[str, Rule] = {
    # Case materials, decisions' result files, 帮代办 commissions, visit attachments and filings, the catalogue's
    # blank and sample forms.
    "material": Rule(lambda: settings.GAOXIN_UPLOAD_EXTENSIONS, lambda: settings.GAOXIN_UPLOAD_MAX_BYTES),
    # Evidence of an evaluation objection (a stamped scan, a statement).
    "evidence": Rule(lambda: settings.GAOXIN_UPLOAD_EVIDENCE_EXTENSIONS,
                     lambda: settings.GAOXIN_UPLOAD_EVIDENCE_MAX_BYTES),
    # A table the evaluation reads (department data, bonus/penalty lists, earlier tiers).
    "table": Rule(lambda: ["xlsx", "csv"], lambda: settings.GAOXIN_UPLOAD_TABLE_MAX_BYTES),
    # A workbook of several sheets (registry, catalogue).
    "workbook": Rule(lambda: ["xlsx"], lambda: settings.GAOXIN_UPLOAD_TABLE_MAX_BYTES),
}


def accepted(kind: str = "material") -> list[str]:
    """The extensions a kind of field accepts: those configured that `KINDS` can recognise (an extension
    configured without a content test, e.g. html or svg, is never accepted)."""
    return [ext.lower().lstrip(".") for ext in RULES[kind].extensions() if ext.lower().lstrip(".") in KINDS]


def check_upload(f, *, kind: str = "material", label: str = "") -> None:
    """Raise a ValidationError in Chinese, naming the field (`label`), when the file's extension, content or size
    is not accepted for this kind of field (`RULES`)."""
    where = f"{label}：" if label else ""
    extensions = accepted(kind)
    ext = f.name.rsplit(".", 1)[-1].lower() if "." in (f.name or "") else ""
    if ext not in extensions:
        raise ValidationError(f"{where}文件类型 .{ext or '?'} 不支持，请上传 {'、'.join(extensions)} 文件")
    limit = RULES[kind].max_bytes()
    if f.size > limit:
        raise ValidationError(f"{where}文件不能超过 {_size(limit)}（此文件 {_size(f.size)}）")
    if not f.size:
        raise ValidationError(f"{where}文件是空的")
    f.seek(0)
    head = f.read(HEAD)
    f.seek(0)
    if KINDS[ext].test(f, head):
        return
    name = KINDS[ext].name
    if _markup(head):
        raise ValidationError(f"{where}文件内容是网页或 SVG 等标记代码，不是 {name}，不能上传")
    raise ValidationError(f"{where}文件内容不是有效的 {name}（与扩展名 .{ext} 不符或文件已损坏），请上传原始文件")


def _size(n: int) -> str:
    if n >= MB:
        return f"{n / MB:g} MB" if n * 10 % MB == 0 else f"{n / MB:.1f} MB"
    return f"{n // 1024} KB" if n >= 1024 else f"{n} 字节"


def upload_help(kind: str = "material") -> str:
    """The accepted types and size, for a file field's help text."""
    return f"{'、'.join(accepted(kind))}，不超过{_size(RULES[kind].max_bytes())}"

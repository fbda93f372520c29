"""One upload check for every room (issue 15 §3): the extension, the content behind it (a page named .pdf, a drawing
with a script named .png, a program named .docx are refused), the size; the message names the field."""

import codecs
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile

from gaoxin.core.uploads import accepted, check_upload, upload_help

from .samples import DOC, EXE, HTML, JPEG, PDF, PNG, SVG, docx_bytes, ofd_bytes, xlsx_bytes


def refused(name: str, content: bytes, kind: str = "material", label: str = "营业执照") -> str:
    with pytest.raises(ValidationError) as caught:
        check_upload(SimpleUploadedFile(name, content), kind=kind, label=label)
    return caught.value.messages[0]


@pytest.mark.parametrize("name,content", [
    ("执照.pdf", PDF), ("照片.png", PNG), ("照片.jpg", JPEG), ("照片.JPEG", JPEG), ("申请表.doc", DOC),
    ("清单.xls", DOC), ("申请表.docx", docx_bytes()), ("清单.xlsx", xlsx_bytes()), ("电子证照.ofd", ofd_bytes()),
])
def test_real_files_of_every_accepted_kind_pass_and_are_read_from_the_start(name, content):
    f = SimpleUploadedFile(name, content)
    f.read(3)
    check_upload(f)
    assert f.read() == content  # the check leaves the file at its start for the storage


@pytest.mark.parametrize("name,content,message", [
    ("执照.pdf", HTML, "营业执照：文件内容是网页或 SVG 等标记代码，不是 PDF 文件，不能上传"),
    ("执照.pdf", b"\xef\xbb\xbf  \n<html><script>x</script>", "网页或 SVG"),
    ("照片.png", SVG, "营业执照：文件内容是网页或 SVG 等标记代码，不是 PNG 图片，不能上传"),
    ("照片.jpg", PNG, "营业执照：文件内容不是有效的 JPEG 图片（与扩展名 .jpg 不符或文件已损坏），请上传原始文件"),
    ("申请表.docx", EXE, "不是有效的 Word 文档"),
    ("申请表.docx", xlsx_bytes(), "不是有效的 Word 文档"),  # a ZIP, but a workbook
    ("清单.xlsx", docx_bytes(), "不是有效的 Excel 表格"),
    ("清单.xlsx", b"PK\x03\x04 not really a zip", "不是有效的 Excel 表格"),
    ("电子证照.ofd", docx_bytes(), "不是有效的 OFD 版式文件"),
    ("申请表.doc", PDF, "不是有效的 Word 97-2003 文档"),
    ("执照.pdf", b" %PDF-1.4 the signature must open the file", "不是有效的 PDF 文件"),
])
def test_content_that_is_not_what_the_extension_says_is_refused_naming_the_field(name, content, message):
    assert message in refused(name, content)


def test_a_macro_workbook_renamed_xlsx_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", '<Types><Override PartName="/xl/workbook.xml" '
                   'ContentType="application/vnd.ms-excel.sheet.macroEnabled.main+xml"/></Types>')
    assert "不是有效的 Excel 表格" in refused("清单.xlsx", out.getvalue())


@pytest.mark.parametrize("extension", ["html", "htm", "svg", "exe", "js", "xml", ""])
def test_pages_drawings_and_programs_are_never_accepted_even_when_configured(settings, extension):
    settings.GAOXIN_UPLOAD_EXTENSIONS = [*settings.GAOXIN_UPLOAD_EXTENSIONS, "html", "htm", "svg", "exe", "js"]
    name = f"委托书.{extension}" if extension else "委托书"
    message = refused(name, HTML, label="委托书")
    assert message.startswith(f"委托书：文件类型 .{extension or '?'} 不支持，请上传 pdf、jpg、jpeg、png、ofd、doc、docx、xls、")
    assert "html" not in accepted() and "svg" not in upload_help()


def test_size_limits_per_kind_of_field(settings):
    settings.GAOXIN_UPLOAD_MAX_BYTES = 1024
    assert refused("执照.pdf", PDF + b"x" * 1024) == "营业执照：文件不能超过 1 KB（此文件 1 KB）"
    settings.GAOXIN_UPLOAD_EVIDENCE_MAX_BYTES = 20 * 1024 * 1024
    check_upload(SimpleUploadedFile("证明.pdf", PDF + b"x" * 2048), kind="evidence")
    assert refused("执照.pdf", b"", label="执照") == "执照：文件是空的"


def test_department_tables_over_twenty_megabytes_are_refused():
    big = SimpleUploadedFile("税务局数据.csv", b"x" * (20 * 1024 * 1024 + 1))
    with pytest.raises(ValidationError, match=r"税务局数据文件：文件不能超过 20 MB（此文件 20\.0 MB）"):
        check_upload(big, kind="table", label="税务局数据文件")


@pytest.mark.parametrize("content", [
    "统一社会信用代码,税收\n91430300MA4L000020,12.5\n".encode(),
    codecs.BOM_UTF8 + "统一社会信用代码,税收\n".encode(),
    "统一社会信用代码,税收\n91430300MA4L000020,12.5\n".encode("gb18030"),  # Excel's plain "CSV" on Chinese Windows
])
def test_a_csv_table_is_text_in_utf8_or_gb18030(content):
    check_upload(SimpleUploadedFile("数据.csv", content), kind="table")


@pytest.mark.parametrize("content,message", [
    (b"a,b\n1,\x002\n", "不是有效的 CSV 表格"),
    (b"a,b\n\xff\xfe\xfa\x80", "不是有效的 CSV 表格"),
    (HTML, "网页或 SVG"),
    (xlsx_bytes(), "不是有效的 CSV 表格"),
])
def test_a_csv_that_is_not_text_is_refused(content, message):
    assert message in refused("数据.csv", content, kind="table")


def test_tables_and_workbooks_accept_only_what_their_readers_read():
    assert accepted("table") == ["xlsx", "csv"] and accepted("workbook") == ["xlsx"]
    assert "文件类型 .csv 不支持，请上传 xlsx 文件" in refused("名录.csv", b"a,b\n", kind="workbook")
    assert "文件类型 .pdf 不支持" in refused("数据.pdf", PDF, kind="table")
    assert upload_help("table") == "xlsx、csv，不超过20 MB"


def test_a_large_upload_kept_on_disk_is_checked_the_same_way():
    f = TemporaryUploadedFile("扫描件.pdf", "application/pdf", 0, None)
    f.write(HTML + b" " * (3 * 1024 * 1024))
    f.size = f.tell()
    with pytest.raises(ValidationError, match="网页或 SVG"):
        check_upload(f, kind="evidence")
    f.close()

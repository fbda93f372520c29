"""Small real files of every kind an upload field accepts (core.uploads), and the impostors issue 15 sent: an
HTML page named .pdf, an SVG drawing with a script named .png, a program named .docx."""

from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from gaoxin.core.excel import write_workbook

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 17
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 16
DOC = OLE2 + b"\x00" * 56
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'
EXE = b"MZ\x90\x00" + b"\x00" * 60


def _package(main_part: str, content_type: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/'
                   '2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
                   f'<Override PartName="/{main_part}" ContentType="{content_type}"/></Types>')
        z.writestr(main_part, "<document/>")
    return out.getvalue()


def docx_bytes() -> bytes:
    return _package("word/document.xml", WORD)


def xlsx_bytes(rows=(("名称",), ("样例",))) -> bytes:
    out = io.BytesIO()
    write_workbook(out, [("Sheet1", list(rows[0]), [list(r) for r in rows[1:]])])
    return out.getvalue()


def ofd_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("OFD.xml", '<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" Version="1.0"/>')
        z.writestr("Doc_0/Document.xml", "<ofd:Document/>")
    return out.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def pdf(name: str = "材料.pdf", size: int = 0) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF + b"x" * size, content_type="application/pdf")


def docx(name: str = "申请表.docx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, docx_bytes())

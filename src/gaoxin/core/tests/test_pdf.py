"""Notices and posters as PDFs with embedded Chinese fonts; HTML where WeasyPrint is missing."""

import re
import shutil
import subprocess
import zlib

import pytest

from gaoxin.cases import services
from gaoxin.catalog.tests.factories import make_item
from gaoxin.core.testing import running_in_ci

try:
    import weasyprint  # noqa: F401

    HAVE_PDF = True
except (ImportError, OSError):
    HAVE_PDF = False

def pdf_text(data: bytes) -> bytes:
    """The PDF with its compressed streams inflated, to look for the embedded font names."""
    out = [data]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            out.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"".join(out)


def cjk_font_installed() -> bool:
    """Whether fontconfig, which WeasyPrint's Pango asks for fonts, knows Noto Sans CJK: every
    printable template names it (the notices prefer Noto Serif CJK and fall back to it)."""
    fc_list = shutil.which("fc-list")
    if not fc_list:
        return False
    listed = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True, check=False).stdout
    return "Noto Sans CJK" in listed


# Outside CI a missing library or font skips; in CI (which installs both) the tests run and fail loudly.
needs_pdf = pytest.mark.skipif(not HAVE_PDF and not running_in_ci(),
                               reason="WeasyPrint needs Pango (Debian libpango-1.0-0); CI installs it")
needs_font = pytest.mark.skipif(not cjk_font_installed() and not running_in_ci(),
                                reason="Noto Sans CJK not known to fontconfig (Debian fonts-noto-cjk); CI installs it")


@needs_pdf
@needs_font
def test_acceptance_notice_pdf_embeds_a_chinese_font(clerk_client, clerk_user, admin_user, own_enterprise):
    item = make_item(admin_user, situations=())
    required = set(item.current_version.materials.filter(necessity="required").values_list("pk", flat=True))
    case = services.case_submit(item=item, channel="window", actor=clerk_user, originals_seen=required,
                                applicant=services.Applicant(type="enterprise", name=own_enterprise.name,
                                                             enterprise=own_enterprise))
    services.case_transition(case=case, name="ACCEPT", actor=clerk_user)
    response = clerk_client.get(f"/cases/{case.number}/notice/acceptance/pdf/")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and b"CJK" in pdf_text(response.content)


@needs_pdf
def test_poster_pdf_is_public(client, admin_user):
    item = make_item(admin_user)
    response = client.get(f"/guide/{item.implementation_code}/poster.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_falls_back_to_print_html_without_weasyprint(client, admin_user, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_weasyprint(name, *args, **kwargs):
        if name.startswith("weasyprint"):
            raise ImportError("no weasyprint")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_weasyprint)
    item = make_item(admin_user)
    response = client.get(f"/guide/{item.implementation_code}/poster.pdf")
    assert response.status_code == 200 and "码上查" in response.content.decode()


def test_font_check_asks_fontconfig(monkeypatch, tmp_path):
    """The skip condition is about the font, not the tool: a fontconfig that lists no Noto Sans
    CJK means no font, and no fontconfig at all means no font either."""
    fake = tmp_path / "fc-list"
    fake.write_text("#!/bin/sh\necho 'DejaVu Sans'\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert cjk_font_installed() is False
    fake.write_text("#!/bin/sh\necho 'Noto Sans CJK SC,Noto Sans CJK SC Regular'\n")
    assert cjk_font_installed() is True
    fake.unlink()
    assert cjk_font_installed() is False

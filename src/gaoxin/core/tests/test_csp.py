"""The Content-Security-Policy allows scripts only from our own static files (script-src 'self', no 'unsafe-inline'):
so no template may hold an inline script, an inline event handler (onclick=…) or a javascript: link — the browser
would refuse to run it and the page would silently lose its button. The pages that had them still work through
gaoxin.js (data-gx-print, data-gx-autosubmit, data-gx-fields); the browser journeys run them in Chromium."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

TEMPLATES = sorted((Path(__file__).resolve().parents[2]).rglob("templates/**/*.html"))
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I)
JSON_DATA = re.compile(r"<script\b[^>]*type=[\"']application/(ld\+)?json[\"']", re.I)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.I)


def inline_scripts(html: str) -> list[str]:
    return [m.group(0) for m in INLINE_SCRIPT.finditer(html) if not JSON_DATA.match(m.group(0))]


def test_the_templates_were_found():
    assert len(TEMPLATES) > 100


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p).split("src/gaoxin/")[-1])
def test_no_template_has_inline_script_or_handlers(path):
    text = path.read_text(encoding="utf-8")
    assert not inline_scripts(text), "move the script into a static file (gaoxin.js)"
    assert not HANDLER.findall(text), "use a data attribute and a listener in gaoxin.js"
    assert not JS_URL.findall(text)


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/accounts/login/?as=visitor", "/guide/", "/django-admin/", "/django-admin/core/job/",
                                 "/django-admin/accounts/user/add/", "/api/docs/", "/enterprises/", "/calendar/"])
def test_rendered_pages_have_no_inline_script(admin_client, client, url):
    response = (client if "as=visitor" in url else admin_client).get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    assert not inline_scripts(html), url
    assert not HANDLER.findall(re.sub(r"<script.*?</script>", "", html, flags=re.S)), url
    assert "script-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_the_api_documentation_loads_its_start_up_script_as_a_file(admin_client):
    html = admin_client.get("/api/docs/").content.decode()
    script = re.search(r'<script src="([^"]*\?script[^"]*)"', html)
    assert script, html
    response = admin_client.get(script.group(1).replace("&amp;", "&"))
    assert response.status_code == 200 and "SwaggerUIBundle" in response.content.decode()

"""QR codes for guides ("码上查"): a stable URL keyed by the implementation code, with the
printed version so the landing page can say the guide changed since printing."""

from __future__ import annotations

import io

import segno
from django.conf import settings
from django.urls import reverse


def guide_url(request, code: str, printed_version: int | None = None) -> str:
    path = reverse("guide_detail", args=[code])
    if printed_version:
        path += f"?printed={printed_version}"
    base = settings.GAOXIN_PUBLIC_BASE_URL.rstrip("/")
    return f"{base}{path}" if base else request.build_absolute_uri(path)


def qr_svg(url: str, *, scale: int = 4, scalable: bool = False, title: str = "扫码查看办事指南") -> str:
    """A standalone SVG (with its namespace, so an <img> draws it); scalable: no width/height, only a viewBox, so CSS
    sizes it (posters, sheets)."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=scale, border=2, xmldecl=False, svgns=True,
                                      title=title, omitsize=scalable)
    return buffer.getvalue().decode()


def qr_png(url: str, *, scale: int = 8) -> bytes:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()

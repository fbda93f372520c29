"""PDF versions of printable pages (notices, posters) with WeasyPrint and the Noto CJK fonts.
Every printable document is also a print-ready HTML page, so where WeasyPrint or the fonts
are missing the PDF link falls back to that page instead of failing."""

from __future__ import annotations

import logging

from django.http import HttpResponse
from django.template.loader import render_to_string

log = logging.getLogger(__name__)


def pdf_response(request, template: str, context: dict, filename: str) -> HttpResponse:
    html = render_to_string(template, context, request=request)
    try:
        from weasyprint import HTML

        pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    except (ImportError, OSError):  # no WeasyPrint or no Pango on this machine: print the HTML instead
        log.warning("PDF rendering unavailable; serving the print-ready HTML of %s", template)
        return HttpResponse(html)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{filename}"
    return response

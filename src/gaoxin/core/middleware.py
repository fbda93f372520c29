"""Request id for the audit log, and default-deny log-in for every page."""

from __future__ import annotations

import re
import uuid
from urllib.parse import unquote_to_bytes

from django.contrib.auth.middleware import LoginRequiredMiddleware as _DjangoLoginRequired
from django.utils.cache import patch_vary_headers

from .context import request_context

# A request id a proxy or client sends is kept only when it looks like one (it lands in the audit log).
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class RequestIdMiddleware:
    """Every request gets an id for the audit log and the error log (server-generated unless the
    proxy's X-Request-ID is a plausible id), returned in the X-Request-ID response header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        request.request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
        token = request_context.set({"request_id": request.request_id, "ip": request.META.get("REMOTE_ADDR")})
        try:
            response = self.get_response(request)
        finally:
            request_context.reset(token)
        response["X-Request-ID"] = request.request_id
        return response


class LoginRequiredMiddleware(_DjangoLoginRequired):
    """Every page needs a log-in unless its view says `@login_not_required`.
    The JSON API is left to DRF, which answers 401 instead of redirecting."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class LanguageMiddleware:
    """Simplified Chinese unless the user chose English with the language switch. The
    browser's Accept-Language is deliberately ignored: hall computers and phones often
    ship with English settings, and the service language is Chinese."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


class ControlCharacterMiddleware:
    """A path or query string with NUL or other control characters is refused with 400 before any view
    or database sees it (PostgreSQL rejects NUL in text and the request would end in a server error)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raw_path = request.META.get("PATH_INFO", "").encode("utf-8", "surrogateescape")
        raw_query = request.META.get("QUERY_STRING", "").encode("latin-1", "replace")
        if _CONTROL.search(raw_path) or _CONTROL.search(unquote_to_bytes(raw_query)) or \
                _CONTROL.search(unquote_to_bytes(raw_path)):
            return self._refuse(request)
        return self.get_response(request)

    @staticmethod
    def _refuse(request):
        from django.http import JsonResponse

        from .errors import bad_request

        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": "请求中含有不允许的控制字符"}, status=400)
        from django.core.exceptions import BadRequest

        return bad_request(request, BadRequest("请求地址中含有不允许的控制字符，请检查后重试。"))


class HtmxVaryMiddleware:
    """Pages answer htmx with a fragment and browsers with the whole page at the same address: every
    response varies on HX-Request, so the Back button never shows a cached fragment as the page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        patch_vary_headers(response, ("HX-Request",))
        return response


class PrivatePagesMiddleware:
    """A page for a logged-in user holds what only that user may see (names, phones, ID numbers, bank accounts,
    figures): no browser or proxy keeps it, so the next person at a shared hall computer cannot bring it back
    with the Back button or the cache (issue 15 §2). A page or file that sets its own Cache-Control keeps it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            response["Cache-Control"] = "private, no-store"
        return response


class SecurityHeadersMiddleware:
    """Headers Django's SecurityMiddleware does not send: Permissions-Policy (GAOXIN_PERMISSIONS_POLICY switches off
    browser features no page uses — camera, microphone, geolocation, payment …)."""

    def __init__(self, get_response):
        from django.conf import settings

        self.get_response = get_response
        self.permissions_policy = settings.GAOXIN_PERMISSIONS_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        if self.permissions_policy:
            response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        return response

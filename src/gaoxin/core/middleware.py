"""Request id for the audit log, and default-deny log-in for every page."""

from __future__ import annotations

import contextvars
import uuid

from django.contrib.auth.middleware import LoginRequiredMiddleware as _DjangoLoginRequired

request_context: contextvars.ContextVar[dict | None] = contextvars.ContextVar("gaoxin_request", default=None)


def current_request_info() -> dict:
    return request_context.get() or {}


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex
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

"""Error pages in Chinese, in the site layout, each saying what to do next (400, 403, 404, 500, CSRF); under
/api/ the same errors as JSON (`{"detail": …}`), as the API's own errors are.

The handlers render with the request so the navigation and the user's name show; if rendering
with the request fails (for a 500 the database may be what failed), a plain page without the
navigation is returned instead, so an error page never raises an error itself."""

from __future__ import annotations

import logging
import re

from django.http import HttpResponse, JsonResponse
from django.template import loader

logger = logging.getLogger("gaoxin.errors")
_CJK = re.compile(r"[\u4e00-\u9fff]")

TITLES = {
    400: "请求无法处理",
    403: "没有权限",
    404: "页面不存在",
    500: "系统暂时出现问题",
    "csrf": "页面已过期，提交未成功",
}


# A room whose pages live in their own layout (the kiosk's full screen) shows its errors there too:
# {path prefix: (template, extra context from the request)}, registered by the room's AppConfig.ready.
ROOM_TEMPLATES: dict[str, tuple[str, object]] = {}


def register_error_template(prefix: str, template: str, context=None) -> None:
    ROOM_TEMPLATES[prefix] = (template, context)


def _message(exception) -> str:
    """Our own messages are Chinese and meant for the user (e.g. "办件不存在或无权查看"); Django's
    and libraries' English messages are not shown."""
    text = str(exception).strip() if exception is not None else ""
    return text if _CJK.search(text) else ""


def _render(request, status: int, kind, message: str = "") -> HttpResponse:
    if request.path.startswith("/api/"):  # an API client gets the API's JSON error, never an HTML page
        return JsonResponse({"detail": message or TITLES[kind], "request_id": getattr(request, "request_id", "")},
                            status=status, json_dumps_params={"ensure_ascii": False})
    context = {"status": status, "kind": kind, "title": TITLES[kind], "message": message,
               "request_id": getattr(request, "request_id", "")}
    template = "errors/error.html"
    for prefix, (room_template, extra) in ROOM_TEMPLATES.items():
        if request.path.startswith(prefix):
            template = room_template
            context.update(extra(request) if extra else {})
            break
    try:
        body = loader.render_to_string(template, context, request=request)
    except Exception:  # noqa: BLE001 - the page must render even when the database is down
        logger.exception("error page rendered without the site navigation")
        body = loader.render_to_string("errors/plain.html", context)
    return HttpResponse(body, status=status)


def bad_request(request, exception=None):
    return _render(request, 400, 400, _message(exception))


def permission_denied(request, exception=None):
    return _render(request, 403, 403, _message(exception))


def page_not_found(request, exception=None):
    return _render(request, 404, 404, _message(exception))


def server_error(request):
    return _render(request, 500, 500)


def csrf_failure(request, reason=""):
    return _render(request, 403, "csrf")

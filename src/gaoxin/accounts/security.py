"""Account security around log-in (issue 15): log-ins, log-outs and failures in the audit log; a cap on
failures per address across user names (password spraying); an idle timeout; and a forced password
change after logging in with the published demo password outside the demo."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.db.models import Sum
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from gaoxin.core.masking import mask_phone
from gaoxin.core.services import audit_record

from .permissions import user_facts

MUST_CHANGE = "gx_must_change_password"
ACTIVE_COOKIE = "gx_active"
ACTIVE_SALT = "gaoxin.accounts.idle"


def _client_ip(request) -> str:
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or ""


def _attempted_name(username: str) -> str:
    """A failed log-in's user name as written to the audit log: phones masked (they are personal data)."""
    username = (username or "")[:150]
    return mask_phone(username) if username.isdigit() and len(username) == 11 else username


def on_logged_in(sender, request, user, **kwargs):
    audit_record(event_type="account.login", actor=user, subject=user)


def on_logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(event_type="account.logout", actor=user, subject=user)


def on_login_failed(sender, credentials, request=None, **kwargs):
    name = _attempted_name(credentials.get("username", ""))
    audit_record(event_type="account.login_failed", actor=None, subject_type="accounts.user", subject_id=name,
                 subject_repr=name, after={"username": name})


def address_failures_exceeded(request) -> bool:
    """Failures from this address across every user name within the cool-off period."""
    from axes.models import AccessAttempt

    ip = _client_ip(request)
    if not ip:
        return False
    since = timezone.now() - timedelta(hours=settings.AXES_COOLOFF_TIME)
    failures = (AccessAttempt.objects.filter(ip_address=ip, attempt_time__gte=since)
                .aggregate(n=Sum("failures_since_start"))["n"] or 0)
    return failures >= settings.GAOXIN_LOGIN_IP_FAILURE_LIMIT


class SessionGuardMiddleware:
    """After authentication: log out a session idle longer than GAOXIN_IDLE_TIMEOUT_MINUTES, and keep a user
    who logged in with the published demo password on the password-change page until they change it."""

    ALLOWED_WHILE_FORCED = ("password_change", "logout", "set_language")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response = self._idle(request) or self._forced_change(request)
            if response is not None:
                return response
            if not request.path_info.startswith("/api/"):
                # A page's view, navigation and home cards ask about the user's org unit and duties (a reviewer, a
                # chain chief, a department head, unread notices…): read them now, once, in one query.
                user_facts(request.user)
        response = self.get_response(request)
        if settings.GAOXIN_IDLE_TIMEOUT_MINUTES and settings.SESSION_COOKIE_NAME in request.COOKIES \
                and getattr(request, "user", None) is not None and request.user.is_authenticated:
            # A signed, timestamped cookie marks activity: no session write (and no query) per request. Only for a
            # browser's session: an API client with a token has no idle time-out (and no use for the cookie).
            response.set_signed_cookie(ACTIVE_COOKIE, "1", salt=ACTIVE_SALT, httponly=True, samesite="Lax",
                                       secure=settings.SESSION_COOKIE_SECURE)
        return response

    def _idle(self, request):
        limit = settings.GAOXIN_IDLE_TIMEOUT_MINUTES * 60
        if not limit or ACTIVE_COOKIE not in request.COOKIES:
            return None  # the first request after logging in sets the cookie
        if request.get_signed_cookie(ACTIVE_COOKIE, default=None, salt=ACTIVE_SALT, max_age=limit) is not None:
            return None
        logout(request)
        if request.path_info.startswith("/api/"):
            return None  # the API answers as to anyone not logged in (401)
        messages.info(request, f"您已超过 {settings.GAOXIN_IDLE_TIMEOUT_MINUTES} 分钟未操作，为保护账号安全已自动退出，请重新登录。")
        response = redirect(f"{reverse('login')}?next={request.path}")
        response.delete_cookie(ACTIVE_COOKIE)
        return response

    def _forced_change(self, request):
        if not request.session.get(MUST_CHANGE):
            return None
        from django.urls import resolve
        from django.urls.exceptions import Resolver404

        try:
            name = resolve(request.path_info).url_name
        except Resolver404:
            name = None
        if name in self.ALLOWED_WHILE_FORCED or request.path_info.startswith(settings.STATIC_URL):
            return None
        messages.warning(request, "您使用的是公开的初始密码，请先修改密码再继续使用。")
        return redirect("password_change")

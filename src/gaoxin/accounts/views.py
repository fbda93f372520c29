from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters

from . import security, services
from .forms import CitizenRegistrationForm
from .passwords import is_demo_password


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if security.address_failures_exceeded(request):
            return render(request, settings.AXES_LOCKOUT_TEMPLATE, {"by_address": True}, status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        if is_demo_password(form.get_user(), form.cleaned_data.get("password", "")):
            self.request.session[security.MUST_CHANGE] = True
            return redirect("password_change")
        return response


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, "您已安全退出。")
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """修改密码: any logged-in user changes their own password (the old one first); audited."""

    template_name = "registration/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        self.request.session.pop(security.MUST_CHANGE, None)
        services.password_changed(user=self.request.user)
        messages.success(self.request, "密码已修改。")
        return response


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return ""


def _attempts_key(request) -> str:
    from axes.helpers import get_client_ip_address

    return f"gaoxin:register:{get_client_ip_address(request) or 'unknown'}"


def _too_many_attempts(request) -> bool:
    """Registration attempts per client address and hour (settings.GAOXIN_REGISTRATION_ATTEMPTS_PER_HOUR):
    bounds both bulk sign-ups and probing which phones or ID numbers are registered. Only attempts that reach
    the registration count — a person correcting a mistyped ID number is not locked out."""
    return (cache.get(_attempts_key(request)) or 0) >= settings.GAOXIN_REGISTRATION_ATTEMPTS_PER_HOUR


def _count_attempt(request) -> None:
    key = _attempts_key(request)
    cache.add(key, 0, timeout=3600)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=3600)


@login_not_required
@sensitive_post_parameters("password1", "password2", "id_number")
def register(request):
    """自然人注册: a natural person opens an account to apply in their own name (e.g. 企业开办)."""
    if request.user.is_authenticated:
        return redirect(_safe_next(request) or "home")
    form = CitizenRegistrationForm(request.POST or None)
    if request.method == "POST":
        if _too_many_attempts(request):
            return render(request, "accounts/register.html", {"form": form, "next": _safe_next(request),
                                                              "throttled": True}, status=429)
        if form.is_valid():
            _count_attempt(request)
            data = form.cleaned_data
            try:
                user = services.user_register_citizen(full_name=data["full_name"], id_number=data["id_number"],
                                                      phone=data["phone"], password=data["password1"])
            except ValidationError as exc:
                for field, msgs in (exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]):
                    for message in msgs:
                        form.add_error(field if field in form.fields else None, message)
            else:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(request, f"注册成功，欢迎您，{user.full_name}。以后请用手机号码 {user.phone} 登录。")
                return redirect(_safe_next(request) or "home")
    return render(request, "accounts/register.html", {"form": form, "next": _safe_next(request)})

"""Small helpers shared by views: permission gate, htmx-aware render, pagination."""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import render

PAGE_SIZE = 50


def require(predicate):
    """Refuse (403) a logged-in user for whom predicate(user) is false."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not predicate(request.user):
                raise PermissionDenied("您没有权限访问此页面")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def render_page(request, template: str, partial: str, context: dict):
    """Full page normally; only the partial when htmx asks for it (CONVENTIONS §6)."""
    if getattr(request, "htmx", False) and not request.htmx.boosted:
        return render(request, partial, context)
    return render(request, template, context)


def paginate(request, queryset, per_page: int = PAGE_SIZE):
    paginator = Paginator(queryset, per_page)
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return page, params.urlencode()


def error_text(exc: ValidationError) -> str:
    """A validation error's messages as one Chinese sentence list, for a flash message."""
    return "；".join(exc.messages)


def stray_errors(failed, actions) -> list[str]:
    """The errors of a failed step whose form the page no longer shows (the object moved on meanwhile, so the step
    is not offered any more): listed above the buttons, not lost. `actions` are the page's steps, each a dict whose
    "form" (if any) is the failed form when that step is still offered."""
    if failed is None or any(a.get("form") is failed for a in actions):
        return []
    return [e for errors in failed.errors.values() for e in errors]


def flash_action(request, action, success: str) -> bool:
    """Run a service call; flash its success message, or its validation or permission error."""
    from django.contrib import messages

    try:
        action()
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return False
    except PermissionDenied as exc:
        messages.error(request, str(exc) or "您无权执行此操作")
        return False
    messages.success(request, success)
    return True


def add_service_errors(form, exc: ValidationError) -> None:
    """Show a service's validation error on the form: beside the field it names, else above the form. A form whose
    fields differ from the service's arguments maps them in `service_fields` (service argument → form field)."""
    if hasattr(exc, "error_dict"):
        renamed = getattr(form, "service_fields", {})
        for field, errors in exc.error_dict.items():
            field = renamed.get(field, field)
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def submit(form, call) -> bool:
    """Call a service for a valid form; a validation error it raises goes beside the field it names (or above the
    form). True when the call went through."""
    try:
        call()
    except ValidationError as exc:
        add_service_errors(form, exc)
        return False
    return True


def apply_step(request, workflow, form, apply) -> bool:
    """A workflow step's POST (field `name`: the transition) applied by `apply(name, cleaned_data)` through `submit`;
    an unknown step or a refused one leaves its error on the form, a done one is flashed with the step's label."""
    from django.contrib import messages

    name = request.POST.get("name", "")
    if name not in workflow:
        form.is_valid()
        form.add_error(None, "未知操作")
        return False
    if form.is_valid() and submit(form, lambda: apply(name, form.cleaned_data)):
        messages.success(request, f"已完成：{workflow[name].label}")
        return True
    return False


def form_page(request, form, *, template: str, create, done, **context):
    """A creation form on `template` (given `form` and `context`): on a valid POST `create()` makes the object through
    its service and `done(obj)` gives the success message and where to go; a refused one shows the form again with
    its errors and what was typed (status 400)."""
    from django.contrib import messages
    from django.shortcuts import redirect, render

    status = 200
    if request.method == "POST":
        status = 400
        made = []
        if form.is_valid() and submit(form, lambda: made.append(create())):
            message, to = done(made[0])
            messages.success(request, message)
            return redirect(to)
    return render(request, template, {**context, "form": form}, status=status)


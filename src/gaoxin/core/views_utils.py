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
    """Show a service's validation error on the form: beside the field it names, else above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)

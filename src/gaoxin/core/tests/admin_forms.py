"""Posting the administration's forms as a browser would: the data of a page's form and inline
formsets as rendered, to change a field or add a row before posting. Shared by the admin audit tests
(`admin_client` is the zone administrator, a superuser)."""

from __future__ import annotations

from django import forms

from gaoxin.core.models import AuditEvent


def _add_form(data: dict, form) -> None:
    for name, field in form.fields.items():
        if field.disabled:
            continue
        key = form.add_prefix(name)
        value = form[name].value()
        if isinstance(field.widget, forms.CheckboxInput):
            if value:
                data[key] = "on"
        elif value is None:
            data[key] = ""
        elif isinstance(value, list | tuple):
            data[key] = [str(v) for v in value]
        else:
            data[key] = str(value)


def page_data(response) -> dict:
    """The POST data of an admin add/change page as it was rendered (no field changed)."""
    assert response.status_code == 200, response.status_code
    data: dict = {}
    _add_form(data, response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = str(management[name].value())
        for form in formset.forms:
            _add_form(data, form)
    return data


def inline_prefix(response, model) -> str:
    (formset,) = [i.formset for i in response.context["inline_admin_formsets"] if i.formset.model is model]
    return formset.prefix


def add_inline_row(data: dict, prefix: str, **fields) -> None:
    """Append a new row to an inline formset in `data`."""
    n = int(data[f"{prefix}-TOTAL_FORMS"])
    for name, value in fields.items():
        if value is True:
            data[f"{prefix}-{n}-{name}"] = "on"
        elif value is not False:
            data[f"{prefix}-{n}-{name}"] = str(value)
    data[f"{prefix}-TOTAL_FORMS"] = str(n + 1)


def inline_row(data: dict, prefix: str, pk) -> int:
    """The index of the inline row showing the object with this pk."""
    for key, value in data.items():
        if key.startswith(f"{prefix}-") and key.endswith("-id") and value == str(pk):
            return int(key.split("-")[-2])
    raise KeyError(pk)


def set_bool(data: dict, key: str, value: bool) -> None:
    if value:
        data[key] = "on"
    else:
        data.pop(key, None)


def events_after(last_id: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(pk__gt=last_id).order_by("pk"))


def last_event_id() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

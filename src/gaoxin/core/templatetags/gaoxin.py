"""Template helpers of the kernel: event labels and readable JSON."""

import json

from django import template

from gaoxin.core import events

register = template.Library()


@register.filter
def event_label(code: str, prefix: str = "") -> str:
    """{{ event.transition|event_label:"case." }} or {{ audit.event_type|event_label }}."""
    return events.label(code or "", prefix)


@register.filter
def pretty_json(value) -> str:
    if value in (None, "", {}):
        return ""
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True, default=str)


@register.filter
def as_control(field):
    """A bound field's widget with Bootstrap's classes (and is-invalid when it has errors)."""
    widget = field.field.widget
    if widget.input_type in ("checkbox", "radio") if hasattr(widget, "input_type") else False:
        css = "form-check-input"
    elif field.widget_type in ("select", "selectmultiple", "nullbooleanselect"):
        css = "form-select"
    elif field.widget_type in ("radioselect", "checkboxselectmultiple"):
        css = ""
    else:
        css = "form-control"
    if field.errors and css:
        css += " is-invalid"
    existing = widget.attrs.get("class", "")
    return field.as_widget(attrs={"class": f"{existing} {css}".strip()} if css or existing else None)


@register.filter
def figure(value) -> str:
    """Figures as people write them: Decimal("1000.0000") as 1000 and 12.5000 as 12.5 (`Decimal.normalize()`
    alone would show 1E+3); nothing for none."""
    from decimal import Decimal

    if value is None or value == "":
        return ""
    if not isinstance(value, Decimal):
        value = Decimal(str(value))
    return f"{value.normalize():f}"


@register.filter
def yuan(value, places=2) -> str:
    """Money in 元 as the zone's pages show it: thousands separators and two decimals (1,200,000.00), or as many as
    asked (`|yuan:0` for whole yuan such as a monthly pay band: 5,500); — for none."""
    from decimal import Decimal, InvalidOperation

    if value in (None, ""):
        return "—"
    try:
        return f"{Decimal(value):,.{int(places)}f}"
    except (InvalidOperation, TypeError, ValueError):
        return str(value)


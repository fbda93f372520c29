"""Figures as people write them: `{{ value|figure }}` shows Decimal("1000.0000") as 1000 and 12.5000 as 12.5
(`Decimal.normalize()` alone would show 1E+3)."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def figure(value) -> str:
    if value is None or value == "":
        return ""
    if not isinstance(value, Decimal):
        value = Decimal(str(value))
    return f"{value.normalize():f}"


@register.filter
def change(value, unit: str = "%") -> str:
    """A year-on-year change with its sign: `{{ 12.345|change }}` → "+12.3%", `{{ -2|change:"家" }}` → "-2家",
    nothing known → "—"."""
    if value is None:
        return "—"
    if unit == "%":
        return f"{value:+.1f}%"
    return f"{int(value):+d}{unit}"

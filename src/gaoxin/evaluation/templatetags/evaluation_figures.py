"""Figures as people write them: `{{ value|figure }}` (the kernel's filter, here too) shows Decimal("1000.0000") as
1000 and 12.5000 as 12.5; `change` a year-on-year change with its sign."""

from django import template

from gaoxin.core.templatetags.gaoxin import figure

register = template.Library()
register.filter("figure", figure)


@register.filter
def change(value, unit: str = "%") -> str:
    """A year-on-year change with its sign: `{{ 12.345|change }}` → "+12.3%", `{{ -2|change:"家" }}` → "-2家",
    nothing known → "—"."""
    if value is None:
        return "—"
    if unit == "%":
        return f"{value:+.1f}%"
    return f"{int(value):+d}{unit}"

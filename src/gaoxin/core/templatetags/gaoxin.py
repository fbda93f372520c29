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

"""An opening or closing time that cannot be read (or a hall that would close before it opens) is said at start-up,
not at the first ticket or sweep of the queue."""

from django.conf import settings
from django.core.checks import Error, register

from .queue import closing_time, opening_time


@register()
def queue_settings(app_configs, **kwargs):
    errors = []
    times = {}
    for name, read, example, code in (("GAOXIN_QUEUE_OPENING_TIME", opening_time, "08:30", "E002"),
                                      ("GAOXIN_QUEUE_CLOSING_TIME", closing_time, "17:30", "E001")):
        try:
            times[name] = read()
        except (TypeError, ValueError):
            errors.append(Error(f"{name} 应写作 时:分（如 {example}），现为“{getattr(settings, name)}”",
                                id=f"gaoxin.kiosk.{code}"))
    if len(times) == 2 and times["GAOXIN_QUEUE_OPENING_TIME"] >= times["GAOXIN_QUEUE_CLOSING_TIME"]:
        errors.append(Error(f"GAOXIN_QUEUE_OPENING_TIME（{settings.GAOXIN_QUEUE_OPENING_TIME}）应早于 "
                            f"GAOXIN_QUEUE_CLOSING_TIME（{settings.GAOXIN_QUEUE_CLOSING_TIME}）", id="gaoxin.kiosk.E003"))
    return errors

"""A closing time that cannot be read is said at start-up, not at the first sweep of the queue."""

from django.conf import settings
from django.core.checks import Error, register

from .queue import closing_time


@register()
def queue_settings(app_configs, **kwargs):
    try:
        closing_time()
    except (TypeError, ValueError):
        return [Error(f"GAOXIN_QUEUE_CLOSING_TIME 应写作 时:分（如 17:30），现为“{settings.GAOXIN_QUEUE_CLOSING_TIME}”",
                      id="gaoxin.kiosk.E001")]
    return []

"""A timetable setting that cannot be read is said at start-up, not at the first booking."""

from django.conf import settings
from django.core.checks import Error, register

from .slots import HoursError, day_slots


@register()
def guidance_settings(app_configs, **kwargs):
    errors = []
    try:
        if not day_slots(settings.GAOXIN_GUIDANCE_HOURS, settings.GAOXIN_GUIDANCE_SLOT_MINUTES):
            errors.append(Error("GAOXIN_GUIDANCE_HOURS 中没有容得下一个导办时段的时间", id="gaoxin.guidance.E001"))
    except HoursError as exc:
        errors.append(Error(f"GAOXIN_GUIDANCE_HOURS / GAOXIN_GUIDANCE_SLOT_MINUTES：{exc}", id="gaoxin.guidance.E001"))
    if settings.GAOXIN_GUIDANCE_PARALLEL < 1:
        errors.append(Error("GAOXIN_GUIDANCE_PARALLEL 应至少为 1", id="gaoxin.guidance.E002"))
    return errors

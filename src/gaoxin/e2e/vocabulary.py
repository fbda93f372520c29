"""Internal codes that must never be on a user's screen: the stored values of every choice field
(state, role, channel codes) and the names of workflow transitions, gathered from the code so a new
state or transition is covered without editing the walk."""

from __future__ import annotations

import re

from django.apps import apps

_CODE = re.compile(r"[A-Za-z][A-Za-z0-9_]{3,}")


def internal_codes() -> frozenset[str]:
    codes: set[str] = set()
    for model in apps.get_models():
        if not model.__module__.startswith("gaoxin."):
            continue
        for field in model._meta.get_fields():
            for value, label in getattr(field, "flatchoices", None) or []:
                if isinstance(value, str) and _CODE.fullmatch(value) and value != str(label):
                    codes.add(value)
    return frozenset(codes)

"""Outgoing SMS / e-mail through a pluggable backend (settings.GAOXIN_NOTIFY_BACKEND).
The default writes to the log, so a zone without an SMS gateway loses nothing."""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils.module_loading import import_string

from .masking import mask_phone

log = logging.getLogger("gaoxin.notify")


class LogBackend:
    def send(self, *, phone: str, message: str) -> bool:
        log.info("SMS to %s: %s", mask_phone(phone), message)
        return True


class MemoryBackend:
    """Keeps messages in memory; for tests and demos."""

    outbox: list[tuple[str, str]] = []

    def send(self, *, phone: str, message: str) -> bool:
        self.outbox.append((phone, message))
        return True


def backend():
    return import_string(settings.GAOXIN_NOTIFY_BACKEND)()


def send_sms(phone: str, message: str) -> bool:
    if not phone:
        return False
    try:
        return bool(backend().send(phone=phone, message=message))
    except Exception:  # a failing gateway must never break a case transition
        log.exception("notification backend failed")
        return False

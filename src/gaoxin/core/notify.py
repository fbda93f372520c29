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


def notify(users=(), *, message: str, url: str = "", kind: str = "", sms: bool = False, phones=(),
           key: str = "") -> None:
    """Tell people, after the current transaction commits (a rolled-back change tells nobody).

    - every user in `users` gets an inbox message linking to `url` (a page path, never a raw code);
    - with `sms=True`, users who keep SMS notices on and have a phone also get an SMS, and so does each
      of `phones` (an applicant without an account); each SMS is recorded with whether it went out;
    - with a `key`, a user or phone that already has a message of this kind and key gets no second one
      (reminders from a daily sweep run twice)."""
    from django.db import transaction

    from .models import Notification

    recipients = {u.pk: u for u in users if u is not None and getattr(u, "is_active", True)}
    numbers = [p for p in dict.fromkeys(phones) if p]
    message = message[:500]

    def deliver():
        already_users: set[int] = set()
        already_phones: set[str] = set()
        if key:
            sent = Notification.objects.filter(key=key, kind=kind)
            already_users = set(sent.filter(user_id__in=list(recipients)).values_list("user_id", flat=True))
            already_phones = set(sent.filter(user__isnull=True, phone__in=numbers).values_list("phone", flat=True))
        rows = []
        for uid, user in recipients.items():
            if uid in already_users:
                continue
            delivered = bool(sms and getattr(user, "sms_notifications", True) and user.phone
                             and send_sms(user.phone, message))
            rows.append(Notification(user=user, kind=kind, message=message, url=url, key=key, delivered=delivered))
        for phone in numbers:
            if phone in already_phones or (sms and any(u.phone == phone for u in recipients.values())):
                continue
            rows.append(Notification(phone=phone, kind=kind, message=message, url=url, key=key,
                                     delivered=bool(sms) and send_sms(phone, message)))
        Notification.objects.bulk_create(rows, batch_size=2000)

    transaction.on_commit(deliver)

"""The read-replica router (optional; GAOXIN_REPLICA_DATABASE_URL). Reads go to the replica only inside
`reporting()` — a report page or job that reads a lot and may lag the primary by a moment — and never within a
transaction that has written; every write, and every other read, stays on the primary ("default")."""

from __future__ import annotations

import contextlib
import contextvars
import functools
from collections.abc import Iterator

from django.conf import settings

_reporting: contextvars.ContextVar[bool] = contextvars.ContextVar("gaoxin_reporting", default=False)
REPLICA = "replica"


@contextlib.contextmanager
def reporting() -> Iterator[None]:
    token = _reporting.set(True)
    try:
        yield
    finally:
        _reporting.reset(token)


def reporting_view(view):
    """A view whose queries may be answered by the replica."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        with reporting():
            return view(*args, **kwargs)

    return wrapped


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _reporting.get() and settings.GAOXIN_REPLICA:
            from django.db import connections

            if not connections["default"].in_atomic_block:  # a transaction reads its own writes
                return REPLICA
        return None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of the primary

    def allow_migrate(self, db, app_label, **hints):
        return db == "default"

"""The current request's id and address, for the audit log and log lines (no Django imports: the logging
configuration loads this before the apps are ready)."""

from __future__ import annotations

import contextvars

request_context: contextvars.ContextVar[dict | None] = contextvars.ContextVar("gaoxin_request", default=None)


def current_request_info() -> dict:
    return request_context.get() or {}

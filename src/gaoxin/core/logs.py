"""Logging helpers: every log line carries the request id of the request it belongs to ("-" outside one)."""

import logging

from .context import current_request_info


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_info().get("request_id") or getattr(record, "request_id", "-") or "-"
        return True

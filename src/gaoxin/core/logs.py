"""Logging helpers: every log line carries the request id of the request it belongs to ("-" outside one)."""

import logging

from .context import current_request_info


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_info().get("request_id") or getattr(record, "request_id", "-") or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line (GAOXIN_LOG_FORMAT=json) for a log collector: time (ISO 8601 with offset), level,
    logger, message, request_id and, for an error, the traceback."""

    def format(self, record: logging.LogRecord) -> str:
        import datetime as dt
        import json

        entry = {
            "time": dt.datetime.fromtimestamp(record.created).astimezone().isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)

"""Helpers for the test suite and its tooling that must not import Django (conftest files load
them before settings are configured)."""

from __future__ import annotations

import os

_TRUE = {"1", "true", "yes"}


def running_in_ci(environ: dict[str, str] | None = None) -> bool:
    """True when the CI environment variable says so ("1", "true" or "yes", any case).
    `CI=false`, `CI=0` or an empty value is a local run: a set-but-false variable is not CI."""
    value = (os.environ if environ is None else environ).get("CI", "")
    return value.strip().lower() in _TRUE

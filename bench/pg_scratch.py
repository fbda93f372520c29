"""A scratch PostgreSQL database for a bench (the server on 127.0.0.1:5432, as on the CI machines): created empty,
Django set up on it, dropped at the end unless kept."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


def _pg(command: str, db: str, *extra: str) -> None:
    subprocess.run([command, "-h", "127.0.0.1", "-U", "postgres", *extra, db], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@contextlib.contextmanager
def scratch_postgres(db: str, *, keep: bool = False) -> Iterator[None]:
    _pg("dropdb", db, "--if-exists")
    _pg("createdb", db)
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gaoxin.settings")
    os.environ["GAOXIN_LOG_LEVEL"] = "WARNING"
    import django

    django.setup()
    try:
        yield
    finally:
        if not keep:
            from django.db import connections

            connections.close_all()
            _pg("dropdb", db, "--if-exists")

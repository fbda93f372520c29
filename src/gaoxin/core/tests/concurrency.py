"""Running one piece of work in many threads at the same moment (each thread its own database connection),
for the PostgreSQL tests of locks and numbering."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

import pytest
from django.db import connection, connections

# Concurrent writers and row-level locks need PostgreSQL (SQLite serialises every write); CI runs these there.
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent writers and row-level locks need PostgreSQL (SQLite serialises every write); CI runs this there")


def at_once(work: Callable, arguments: Sequence[tuple]) -> tuple[list, list[str]]:
    """Call work(*args) for every args tuple, all released together by a barrier; returns (the results, the
    errors as reprs)."""
    barrier = threading.Barrier(len(arguments))
    results, errors = [], []

    def run(args):
        try:
            barrier.wait()
            results.append(work(*args))
        except Exception as exc:  # noqa: BLE001 - reported to the test with the others
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(args,)) for args in arguments]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors

"""The audit log's hash chain: tampering with a stored event (or deleting one) is detectable.

Events are sealed in the order they are found committed: each unsealed event (by id) gets the next
`chain_seq` and `chain_hash = sha256(previous hash + the event's canonical fields)`. Sealing runs right
after every committing transaction that wrote audit events (`schedule_seal`), one sealer at a time, so
it never holds a lock inside a business transaction; an event of a transaction still open when a later
one is sealed simply gets a later place in the chain. `verify()` recomputes the chain.

On PostgreSQL a trigger (migration core 0005) refuses UPDATE and DELETE of audit rows, except the one
update that seals an unsealed row without changing any other column."""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import json
from dataclasses import dataclass

from django.db import connection, transaction

from .models import AuditEvent, DocumentCounter

GENESIS = "0" * 64
_SEALER_LOCK = ("AUDIT", "chain")


def canonical(event: AuditEvent) -> str:
    fields = [event.pk, event.event_type, event.actor_id, event.actor_repr, event.subject_type, event.subject_id,
              event.subject_repr, event.before, event.after, event.request_id, event.ip_address,
              event.created_at.isoformat() if event.created_at else None]
    return json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def link(previous: str, event: AuditEvent) -> str:
    return hashlib.sha256((previous + canonical(event)).encode("utf-8")).hexdigest()


def seal(batch: int = 2000, *, event_model=AuditEvent, counter_model=DocumentCounter) -> int:
    """Seal every unsealed event; returns how many. Safe to call concurrently (one sealer at a time).
    A migration passes its historical models."""
    AuditEvent, DocumentCounter = event_model, counter_model  # noqa: N806 - the models, as in a migration
    sealed = 0
    while True:
        with transaction.atomic():
            DocumentCounter.objects.bulk_create([DocumentCounter(prefix=_SEALER_LOCK[0], period=_SEALER_LOCK[1])],
                                                ignore_conflicts=True)
            DocumentCounter.objects.select_for_update().get(prefix=_SEALER_LOCK[0], period=_SEALER_LOCK[1])
            head = (AuditEvent._base_manager.filter(chain_seq__isnull=False).order_by("-chain_seq")
                    .values_list("chain_seq", "chain_hash").first())
            seq, previous = head if head else (0, GENESIS)
            pending = list(AuditEvent._base_manager.filter(chain_seq__isnull=True).order_by("pk")[:batch])
            for event in pending:
                seq += 1
                previous = link(previous, event)
                event.chain_seq, event.chain_hash = seq, previous
            AuditEvent._base_manager.bulk_update(pending, ["chain_seq", "chain_hash"], batch_size=500)
        sealed += len(pending)
        if len(pending) < batch:
            return sealed


def _seal_after_commit() -> None:
    seal()


_deferred = contextvars.ContextVar("audit_seal_deferred", default=False)


@contextlib.contextmanager
def sealing_deferred():
    """Seal once at the end instead of after every commit: for a bulk writer that commits thousands of
    small transactions in a row (building the demo zone). The events get the same places in the chain
    (sealing goes by id); usable as a decorator."""
    token = _deferred.set(True)
    try:
        yield
    finally:
        _deferred.reset(token)
        seal()


def schedule_seal() -> None:
    """Seal what was just written: after the current transaction commits (once per transaction, however
    many events it wrote), or at once outside a transaction; inside `sealing_deferred`, when it ends."""
    if _deferred.get():
        return
    if not connection.in_atomic_block:
        seal()
        return
    if any(entry[1] is _seal_after_commit for entry in connection.run_on_commit):
        return
    transaction.on_commit(_seal_after_commit)


@dataclass
class ChainReport:
    sealed: int
    unsealed: int
    broken_at: int | None  # the first chain_seq whose hash does not follow, or a gap in the sequence

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify(chunk: int = 5000) -> ChainReport:
    previous, expected_seq, sealed = GENESIS, 1, 0
    rows = AuditEvent._base_manager.filter(chain_seq__isnull=False).order_by("chain_seq")
    for event in rows.iterator(chunk_size=chunk):
        if event.chain_seq != expected_seq or link(previous, event) != event.chain_hash:
            return ChainReport(sealed=sealed, unsealed=_unsealed(), broken_at=expected_seq)
        previous, expected_seq, sealed = event.chain_hash, expected_seq + 1, sealed + 1
    return ChainReport(sealed=sealed, unsealed=_unsealed(), broken_at=None)


def _unsealed() -> int:
    return AuditEvent._base_manager.filter(chain_seq__isnull=True).count()

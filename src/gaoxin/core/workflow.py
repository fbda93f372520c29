"""One transition engine for every domain (CONVENTIONS §3).

A domain declares its states (TextChoices) and a table of named transitions; `Workflow.apply` is the only
way a state changes. It locks the row, re-checks the state the caller saw (two clerks pressing at once:
exactly one wins, the other is told the new state), checks the actor's role for this object, the reason
and the guard, runs the effect, sets the target state, writes the domain's history row, exactly one
audit event and schedules the notifications after commit — all in one transaction.

Roles are tokens relative to the object, computed by the workflow's `roles(actor, obj)`: "centre",
"lead department", "applicant", or a plain user role. `SYSTEM` is the actor None (the daily sweep).
Guards and effects are small functions of `(obj, step)`; an effect returns data for the timeline and
the audit event. The kernel knows no domain: everything domain-specific is passed in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils import timezone

from .services import audit_record

SYSTEM = "system"


class Conflict(ValidationError):
    """Someone else changed the object first."""


@dataclass
class Step:
    """What a guard, an effect and a notifier know about the transition being applied."""

    transition: Transition
    actor: Any
    roles: frozenset[str]
    before: str
    reason: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    target: str | None = None  # an effect may choose the target when the table leaves it open
    today: dt.date = field(default_factory=timezone.localdate)

    def param(self, name: str, default=None):
        return self.params.get(name, default)


Guard = Callable[[Model, Step], None]
Effect = Callable[[Model, Step], Mapping[str, Any] | None]


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset[str]
    target: str | None  # None: unchanged, or chosen by the effect (step.target)
    roles: frozenset[str]
    needs_reason: bool = False
    guard: Guard | None = None
    effect: Effect | None = None
    style: str = "primary"
    # Objects the transition exists for (None: every object of the model); an object it does not apply to is
    # never offered the step and is refused it with `not_applicable` (e.g. 即办办结 only for a 即办件).
    applies_to: Callable[[Model], bool] | None = None
    not_applicable: str = ""

    def starts_from(self, state: str) -> bool:
        return state in self.sources

    def applies(self, obj: Model) -> bool:
        return self.applies_to is None or bool(self.applies_to(obj))


def transition(name: str, label: str, sources: Iterable[str], target: str | None, roles: Iterable[str], *,
               needs_reason: bool = False, guard: Guard | None = None, effect: Effect | None = None,
               style: str = "primary", applies_to: Callable[[Model], bool] | None = None,
               not_applicable: str = "") -> Transition:
    return Transition(name, label, frozenset(sources), target, frozenset(roles), needs_reason, guard, effect, style,
                      applies_to, not_applicable)


@dataclass
class Workflow:
    """A declared table of named transitions on one model.

    - `name`: the audit prefix ("appeal" → event types "appeal.dispatch", …).
    - `noun`: the object in Chinese for messages ("诉求").
    - `roles(actor, obj) -> set[str]`: the actor's role tokens for this object.
    - `record(obj, step, data)`: writes the domain's history (timeline) row.
    - `notify(obj, step)`: tells people; called inside the transaction, must defer its sending with
      `transaction.on_commit` (core.notify does).
    - `after(obj, step)`: follow-up inside the transaction (e.g. a parent's aggregate state).
    - `lock_queryset`: the queryset the row is locked from (select_related for guards and effects).
    - `lock_first(obj)`: locks the rows that must be locked before this one, so every path takes locks in one
      order (a 一件事's package before its parts: accepting a package while a clerk accepts one of its parts
      deadlocked PostgreSQL).
    """

    name: str
    noun: str
    model: type[Model]
    transitions: list[Transition]
    roles: Callable[[Any, Model], set[str]]
    record: Callable[[Model, Step, dict], None] | None = None
    notify: Callable[[Model, Step], None] | None = None
    after: Callable[[Model, Step], None] | None = None
    state_field: str = "status"
    lock_queryset: Callable[[], QuerySet] | None = None
    lock_first: Callable[[Model], None] | None = None
    audit_state_key: str = "status"

    def __post_init__(self):
        self.table: dict[str, Transition] = {t.name: t for t in self.transitions}
        if len(self.table) != len(self.transitions):
            raise ValueError(f"{self.name}: duplicate transition names")

    # --- reading the table -------------------------------------------------------------

    def __getitem__(self, name: str) -> Transition:
        return self.table[name]

    def __contains__(self, name: str) -> bool:
        return name in self.table

    def __iter__(self):
        return iter(self.table)

    def state_of(self, obj: Model) -> str:
        return getattr(obj, self.state_field)

    def roles_of(self, actor, obj: Model) -> frozenset[str]:
        return frozenset({SYSTEM}) if actor is None else frozenset(self.roles(actor, obj))

    def available(self, obj: Model, actor) -> list[Transition]:
        """What this actor may do to this object now (the buttons a page shows)."""
        roles = self.roles_of(actor, obj)
        state = self.state_of(obj)
        return [t for t in self.transitions if t.starts_from(state) and roles & t.roles and t.applies(obj)]

    def labels(self) -> dict[str, str]:
        return {t.name: t.label for t in self.transitions}

    # --- applying a transition ------------------------------------------------------------

    def _display(self, obj: Model) -> str:
        getter = getattr(obj, f"get_{self.state_field}_display", None)
        return getter() if getter else str(self.state_of(obj))

    def apply(self, obj: Model, name: str, *, actor, reason: str = "", **params) -> Model:
        transition = self.table.get(name)
        if transition is None:
            raise ValidationError("未知操作")
        with transaction.atomic():
            expected = self.state_of(obj)
            if self.lock_first is not None:
                self.lock_first(obj)
            queryset = self.lock_queryset() if self.lock_queryset else self.model.objects.all()
            locked = queryset.select_for_update(of=("self",)).get(pk=obj.pk)
            if self.state_of(locked) != expected:
                raise Conflict(f"{self.noun}状态已变为“{self._display(locked)}”，请刷新后再操作")
            roles = self.roles_of(actor, locked)
            if not roles & transition.roles:
                raise PermissionDenied("您无权执行此操作")
            if not transition.starts_from(expected):
                raise ValidationError(f"“{self._display(locked)}”状态下不能“{transition.label}”")
            if not transition.applies(locked):
                raise ValidationError(transition.not_applicable or f"该{self.noun}不能“{transition.label}”")
            reason = (reason or "").strip()
            if transition.needs_reason and not reason:
                raise ValidationError({"reason": f"“{transition.label}”需要填写原因或说明"})
            step = Step(transition=transition, actor=actor, roles=roles, before=expected, reason=reason,
                        params=params)
            if transition.guard:
                transition.guard(locked, step)
            if transition.effect:
                step.data.update(transition.effect(locked, step) or {})
            target = step.target or transition.target
            if target is not None:
                setattr(locked, self.state_field, target)
            locked.save()
            data = {k: _plain(v) for k, v in step.data.items()}
            if self.record:
                self.record(locked, step, data)
            audit_record(event_type=f"{self.name}.{transition.name.lower()}", actor=actor, subject=locked,
                         before={self.audit_state_key: expected},
                         after={self.audit_state_key: self.state_of(locked), **data})
            if self.after:
                self.after(locked, step)
            if self.notify:
                self.notify(locked, step)
        return locked


def _plain(value):
    """Timeline and audit data are JSON: dates as ISO strings, models as their text."""
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Model):
        return str(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value

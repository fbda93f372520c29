"""Chinese labels of event types, so no raw code reaches a user's screen.

Audit event types are dotted lower-case codes ("case.accept", "evaluation.cycle.transition");
timelines store a transition code ("ACCEPT" in the case timeline) whose audit event type is a
prefix plus the lower-cased code ("case." + "accept"). Both look up one registry: a timeline shows
`label(code, prefix)`, the audit log `label(event_type)`. Each domain app registers its labels in its
AppConfig.ready(); the kernel knows no domain. A code nobody registered shows as "其他操作" (and the
registry test fails), never as the code itself."""

from __future__ import annotations

from collections.abc import Mapping

UNKNOWN = "其他操作"

_labels: dict[str, str] = {}
_rooms: dict[str, str] = {}  # first part of an event type -> the room's name (the audit log's filter)


def _key(code: str, prefix: str = "") -> str:
    return f"{prefix}{code}".lower()


def register(labels: Mapping[str, str], *, prefix: str = "") -> None:
    """Add labels. With a prefix, codes are given without it: `register({"ACCEPT": "受理"}, prefix="case.")`
    labels the audit type "case.accept" and the case timeline's "ACCEPT"."""
    for code, text in labels.items():
        _labels[_key(code, prefix)] = text


def register_room(root: str, title: str) -> None:
    """`register_room("case", "办件")`: events whose type starts with "case." belong to the room 办件."""
    _rooms[root] = title


def label(code: str, prefix: str = "") -> str:
    return _labels.get(_key(code, prefix), UNKNOWN)


def is_registered(code: str, prefix: str = "") -> bool:
    return _key(code, prefix) in _labels


def rooms() -> list[tuple[str, str]]:
    """(event type root, room name), for filtering the audit log by room."""
    return sorted(_rooms.items(), key=lambda kv: kv[1])

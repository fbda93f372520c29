"""Every audit event type and timeline code written by the code has a Chinese label."""

import re
from pathlib import Path

import pytest

from gaoxin.core import events

SRC = Path(__file__).resolve().parents[2]
LITERAL = re.compile(r'event_type=(?:f?"([^"{]+)"|[^,\n]*?"([a-z_.]+)"(?: if [^\n]*? else "([a-z_.]+)")?)')


def _literal_event_types() -> set[str]:
    found = set()
    for path in SRC.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for match in LITERAL.finditer(path.read_text(encoding="utf-8")):
            found |= {g for g in match.groups() if g and "." in g}
    return found


def test_the_scan_finds_event_types():
    assert {"case.submitted", "calendar.day_set", "evaluation.cycle.create"} <= _literal_event_types()


@pytest.mark.parametrize("event_type", sorted(_literal_event_types()))
def test_every_literal_event_type_has_a_label(event_type):
    assert events.is_registered(event_type), f"{event_type} has no Chinese label: register it in its app's ready()"


def test_every_transition_of_every_table_has_a_label():
    from gaoxin.appeals.workflow import WORKFLOW as appeal
    from gaoxin.assist.workflow import WORKFLOW as order
    from gaoxin.benefits.workflow import WORKFLOW as application
    from gaoxin.cases.workflow import WORKFLOW as case

    for prefix, table in (("case.", case), ("appeal.", appeal), ("assist.order.", order),
                          ("benefits.application.", application)):
        for name in table:
            assert events.is_registered(name, prefix), (prefix, name)


def test_unknown_codes_never_show_as_code():
    assert events.label("nobody.registered_this") == events.UNKNOWN == "其他操作"
    assert events.label("ACCEPT", "case.") == "受理" == events.label("case.accept")

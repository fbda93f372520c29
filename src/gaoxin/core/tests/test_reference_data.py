"""Reproducible reference data (issue 16 §7): data migrations write frozen data (a file beside the migration or a
literal in it), never what a live module or an unpinned package says on the day of the install. The frozen data are
checked here against their sources as of freezing: the calendar against the chinesecalendar package, the industries,
default synonyms and tier policies against the modules the demo and the tests seed from. A source that changes later
needs a new data migration, not an edit of a frozen one."""

from __future__ import annotations

import importlib
import json
import re
import sys
from pathlib import Path

import pytest

from gaoxin.core.calendar_seed import frozen_days, package_days
from gaoxin.core.models import CalendarDay

SRC = Path(__file__).resolve().parents[2]
# Code, not reference data: the audit chain's migration seals existing events with the chain's own hash function.
CODE_IMPORTS = {"core/migrations/0005_audit_chain.py": "gaoxin.core.audit_chain"}


def test_no_data_migration_imports_a_live_module_or_package():
    for path in sorted(SRC.glob("*/migrations/0*.py")):
        text = path.read_text(encoding="utf-8")
        if "RunPython" not in text:
            continue
        rel = str(path.relative_to(SRC))
        imports = set(re.findall(r"^\s*(?:from|import)\s+([\w.]+)", text, re.M)) - {CODE_IMPORTS.get(rel)}
        live = {m for m in imports if m.split(".")[0] not in sys.stdlib_module_names and m.split(".")[0] != "django"}
        assert not live, f"{rel} imports {live}: freeze the data into the migration"


def test_the_frozen_calendar_is_the_package_calendar():
    assert list(frozen_days()) == list(package_days(2004, 2026))


@pytest.mark.django_db
def test_the_migrated_calendar_is_the_frozen_one():
    rows = list(CalendarDay.objects.filter(date__year__lte=2026).order_by("date")
                .values_list("date", "is_workday", "kind", "name"))
    assert rows == list(frozen_days())


def _migration(app: str, name: str):
    return importlib.import_module(f"gaoxin.{app}.migrations.{name}")


def test_frozen_industries_tier_policies_and_synonyms_match_their_modules():
    from gaoxin.catalog.synonym_seed import DEFAULT_SYNONYMS
    from gaoxin.enterprises.industries import DIVISIONS
    from gaoxin.evaluation.policy_seed import BASIS, ROWS

    industries = json.loads(_migration("enterprises", "0002_seed_industries").DATA.read_text(encoding="utf-8"))
    assert [tuple(d) for d in industries["divisions"]] == DIVISIONS
    policies = _migration("evaluation", "0004_default_tier_policies")
    assert (policies.BASIS, policies.ROWS) == (BASIS, ROWS)
    assert _migration("catalog", "0003_default_search_synonyms").SYNONYMS == DEFAULT_SYNONYMS


@pytest.mark.django_db
def test_a_fresh_database_has_the_frozen_rows():
    from gaoxin.catalog.models import SearchSynonym
    from gaoxin.enterprises.industries import DIVISIONS
    from gaoxin.enterprises.models import Industry
    from gaoxin.evaluation.models import TierPolicy

    assert Industry.objects.count() == len(DIVISIONS)
    assert Industry.objects.filter(code="38", section="C").exists()
    assert TierPolicy.objects.filter(tier="D", lever="electricity_surcharge").count() == 3
    assert SearchSynonym.objects.filter(word="社保").exists()

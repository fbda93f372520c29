"""The API contract is a committed file (docs/api/openapi.yaml): the schema the code generates must match it,
with no drf-spectacular warning (component names are unique, every choice set has its own name). After an API
change, regenerate it with `make schema` and review the diff."""

from pathlib import Path

import pytest
from django.core.management import call_command

COMMITTED = Path(__file__).resolve().parents[4] / "docs" / "api" / "openapi.yaml"


def test_the_generated_schema_is_the_committed_one(tmp_path):
    generated = tmp_path / "openapi.yaml"
    call_command("spectacular", "--file", str(generated), "--fail-on-warn", "--validate")
    assert COMMITTED.exists(), "docs/api/openapi.yaml is missing: run `make schema`"
    if generated.read_text(encoding="utf-8") != COMMITTED.read_text(encoding="utf-8"):
        pytest.fail("the API changed but docs/api/openapi.yaml did not: run `make schema` and review the diff")

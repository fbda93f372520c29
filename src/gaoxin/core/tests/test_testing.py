"""CI detection for the test suite: only a truthy CI variable means CI."""

import pytest

from gaoxin.core.testing import running_in_ci


@pytest.mark.parametrize("value", ["1", "true", "TRUE", "True", "yes", "YES", " true "])
def test_truthy_values_mean_ci(value):
    assert running_in_ci({"CI": value}) is True


@pytest.mark.parametrize("value", ["", "0", "false", "False", "no", "off", "anything"])
def test_other_values_are_a_local_run(value):
    assert running_in_ci({"CI": value}) is False


def test_unset_is_a_local_run():
    assert running_in_ci({}) is False


def test_reads_the_process_environment_by_default(monkeypatch):
    monkeypatch.setenv("CI", "false")
    assert running_in_ci() is False
    monkeypatch.setenv("CI", "yes")
    assert running_in_ci() is True
    monkeypatch.delenv("CI")
    assert running_in_ci() is False


def test_hypothesis_profile_follows_running_in_ci():
    """src/conftest.py loads the CI profile exactly when running_in_ci() says so; the CI profile
    prints the reproduction blob and has no deadline, the local one keeps Hypothesis' defaults."""
    from hypothesis import settings

    ci, local = settings.get_profile("ci"), settings.get_profile("local")
    assert ci.print_blob is True and ci.deadline is None and ci.derandomize is False
    assert local.deadline is None and local.print_blob is False  # a busy machine must not fail a property
    assert settings._current_profile == ("ci" if running_in_ci() else "local")

"""The test suite's own helpers: CI detection (only a truthy CI variable means CI) and one day per run."""

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


def test_a_run_that_crosses_midnight_keeps_its_day():
    import datetime as dt

    import time_machine
    from django.utils import timezone

    from gaoxin.core.testing import held_on_test_day, test_day

    day = test_day()
    after_midnight = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 5), tzinfo=timezone.get_current_timezone())
    with time_machine.travel(after_midnight, tick=False):
        assert timezone.localdate() == day + dt.timedelta(days=1)
        with held_on_test_day():
            assert timezone.localdate() == day and timezone.localtime().hour == 12
        assert timezone.localdate() == day + dt.timedelta(days=1)
    with held_on_test_day():  # the same day: the clock is left alone
        assert abs((timezone.now() - dt.datetime.now(dt.UTC)).total_seconds()) < 5

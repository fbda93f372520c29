"""Re-matching every published policy after the registry changed (issue 15 §4: one transaction held the SQLite write
lock ~50 s and every log-in meanwhile answered 500): the results are written per policy in batches of
GAOXIN_MATCH_WRITE_BATCH firms, each batch committed on its own; the outcome equals one matching of everything; a
run that fails half-way leaves each firm's row old or new (never missing), its job failed, and the next run
finishes the work."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.db import connection

from gaoxin.benefits import services
from gaoxin.benefits.models import MatchResult, Policy, ProfileFact
from gaoxin.benefits.selectors import profile_frame
from gaoxin.benefits.tasks import MATCH_FAILED, match_policy_task
from gaoxin.catalog.tests.factories import department
from gaoxin.core.models import JobStatus, Notification
from gaoxin.core.services import job_create
from gaoxin.enterprises.tests.factories import EnterpriseFactory

RULES = {"p10": "ui_months >= 12 and layoff_rate <= 0.055", "p11": "ui_months >= 24"}


@pytest.fixture
def zone(own_enterprise, enterprise_user, settings):
    """Seven firms (the enterprise user's among them), two published policies, batches of two firms."""
    settings.GAOXIN_MATCH_WRITE_BATCH = 2
    settings.GAOXIN_MATCH_WRITE_PAUSE_SECONDS = 0.01  # the pause is for a zone's log-ins; here it only costs time
    hrss = department("hrss", "人力资源和社会保障局")
    firms = [own_enterprise, *(EnterpriseFactory() for _ in range(6))]
    for i, firm in enumerate(firms):
        set_facts(firm, ui_months=6 * i, layoff_rate="0.01" if i % 3 else None, ui_paid=10 + i)
    policies = [Policy.objects.create(code=code, title=f"稳岗返还{code}", issuer=hrss, kind="subsidy", mode="auto",
                                      rule=rule, formula="ui_paid * 0.60", status="published",
                                      effective_from=dt.date(2024, 1, 1)) for code, rule in RULES.items()]
    return firms, policies


def set_facts(firm, **values):
    for field, value in values.items():
        ProfileFact.objects.filter(enterprise=firm, field=field).delete()
        if value is not None:
            ProfileFact.objects.create(enterprise=firm, field=field, number=D(str(value)))


def expected(policies):
    """What one matching of every firm against the policies gives, straight from the engine."""
    rules = [services.compile_policy(p) for p in policies]
    result = services.matching.match(profile_frame(), rules)
    return {(r["enterprise_id"], r["policy_id"]): (r["verdict"], None if r["estimate"] is None else D(r["estimate"]))
            for r in result.iter_rows(named=True)}


def stored():
    return {(m.enterprise_id, m.policy_id): (m.verdict, m.estimate) for m in MatchResult.objects.all()}


def rematch(actor):
    job = job_create(kind="policy_match", actor=actor)
    match_policy_task.enqueue(job.pk, None)
    job.refresh_from_db()
    return job


def batches_seen(monkeypatch, fail_at=None):
    """Every batch the re-match writes, checked to have committed on its own before the next one starts."""
    calls = []
    real = services._match_write_batch

    def batch(**kwargs):
        calls.append((kwargs["policy"].code, kwargs["low"], kwargs["high"]))
        if len(calls) == fail_at:
            raise RuntimeError("the database went away")
        out = real(**kwargs)
        assert not connection.in_atomic_block  # committed: nothing held between batches
        return out

    monkeypatch.setattr(services, "_match_write_batch", batch)
    return calls


@pytest.mark.django_db(transaction=True)
def test_a_rematch_commits_in_batches_and_equals_one_matching(zone, admin_user, enterprise_user, monkeypatch):
    firms, policies = zone
    calls = batches_seen(monkeypatch)
    job = rematch(admin_user)
    ids = sorted(f.pk for f in firms)
    ranges = [(None, ids[2]), (ids[2], ids[4]), (ids[4], ids[6]), (ids[6], None)]
    assert calls == [(code, low, high) for code in RULES for low, high in ranges]
    assert job.status == JobStatus.SUCCEEDED and (job.done, job.total) == (8, 8)
    assert stored() == expected(policies) and stored()
    told = Notification.objects.filter(user=enterprise_user, kind="POLICY_MATCH").count()
    assert told == MatchResult.objects.filter(enterprise=firms[0]).count()

    monkeypatch.undo()
    rematch(admin_user)  # nothing changed: the same rows, nobody told twice
    assert stored() == expected(policies)
    assert Notification.objects.filter(user=enterprise_user, kind="POLICY_MATCH").count() == told


@pytest.mark.django_db(transaction=True)
def test_a_rematch_that_fails_half_way_is_finished_by_the_next(zone, admin_user, monkeypatch):
    firms, policies = zone
    rematch(admin_user)
    before = stored()
    for i, firm in enumerate(firms):  # the registry changed: every firm's verdicts move
        set_facts(firm, ui_months=30 - 6 * i, layoff_rate="0.02")
    assert expected(policies) != before

    batches_seen(monkeypatch, fail_at=6)  # p10 rewritten, p11's first ranges too, then the write fails
    job = rematch(admin_user)
    assert (job.status, job.message) == (JobStatus.FAILED, MATCH_FAILED.format(pk=job.pk))
    now, new = stored(), expected(policies)
    p10, p11 = (p.pk for p in policies)
    assert {k: v for k, v in now.items() if k[1] == p10} == {k: v for k, v in new.items() if k[1] == p10}
    unwritten = {f.pk for f in firms if f.pk >= sorted(x.pk for x in firms)[2]}  # p11's batches from the failed one

    def p11_rows(rows):
        return {k: v for k, v in rows.items() if k[1] == p11 and k[0] in unwritten}

    assert p11_rows(now) == p11_rows(before) != p11_rows(new)  # still the old rows, none missing

    monkeypatch.undo()
    assert rematch(admin_user).status == JobStatus.SUCCEEDED
    assert stored() == expected(policies)


@pytest.mark.django_db
def test_a_policy_saved_meanwhile_is_left_to_its_own_rematch(zone, admin_user):
    firms, policies = zone
    services.match_rewrite(policies=policies)
    before = stored()
    stale = Policy.objects.get(pk=policies[0].pk)
    Policy.objects.filter(pk=stale.pk).update(version=2)  # saved meanwhile: its own job re-matches it
    stale.rule = "ui_months >= 0"  # what the stale copy would have written
    assert services.match_rewrite(policies=[stale]) == {"matched": 0, "partial": 0, "pushed": 0}
    assert stored() == before

"""A targeted notice reaches exactly the firms its rule holds for: a firm that matches gets one delivery row and its
members a message; a firm that does not, or whose facts are missing (UNKNOWN: counted, not delivered), never sees
it. The first read per firm is recorded once."""

import random

import pytest

from gaoxin.benefits.rules import evaluate_row
from gaoxin.benefits.selectors import profile_frame
from gaoxin.core.models import AuditEvent, Job, Notification
from gaoxin.enterprises.models import EnterpriseStatus, SizeGroup
from gaoxin.enterprises.tests.factories import EnterpriseFactory
from gaoxin.news import selectors, services
from gaoxin.news.models import Delivery, DeliveryState
from gaoxin.news.rules import compile_target, resolve_targets

from .conftest import RULE, fact, make_article, member

pytestmark = pytest.mark.django_db


def test_only_the_matching_firm_gets_it(targeted, firms, members):
    delivered = set(Delivery.objects.filter(article=targeted).values_list("enterprise_id", flat=True))
    assert delivered == {firms["matching"].pk}
    assert targeted.delivery_state == DeliveryState.DONE
    assert targeted.targeted_count == 1 and targeted.unknown_count == 1  # the firm without a staff figure
    assert Job.objects.get(pk=targeted.delivery_job_id).status == "succeeded"
    told = set(Notification.objects.filter(kind="news").values_list("user__username", flat=True))
    assert told == {"m-matching"}
    for key, user in members.items():
        seen = set(selectors.news_list(user=user).values_list("pk", flat=True))
        assert (targeted.pk in seen) is (key == "matching"), key


def test_a_cancelled_firm_is_not_delivered(writer, firms, django_capture_on_commit_callbacks):
    firms["matching"].status = EnterpriseStatus.CANCELLED
    firms["matching"].save()
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(writer, rule=RULE, publish=True, confirm_empty=True)  # it reaches no firm now
    assert not Delivery.objects.filter(article=article).exists()


def test_delivery_is_idempotent_and_republishing_adds_only_new_firms(targeted, writer, firms, members,
                                                                         django_capture_on_commit_callbacks):
    services.delivery_mark_read(article=targeted, user=members["matching"])
    services.article_deliver(article_id=targeted.pk)  # a re-delivered task
    assert Delivery.objects.filter(article=targeted).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        a = services.article_transition(article=targeted, name="WITHDRAW", actor=writer, reason="补充企业范围")
        a = services.article_transition(article=a, name="REDRAFT", actor=writer)
        fact(firms["unknown"], 150)  # the missing figure arrives
        a = services.article_transition(article=a, name="PUBLISH", actor=writer)
    rows = dict(Delivery.objects.filter(article=a).values_list("enterprise_id", "read_at"))
    assert set(rows) == {firms["matching"].pk, firms["unknown"].pk}
    assert rows[firms["matching"].pk] is not None  # the first receipt kept
    assert Notification.objects.filter(kind="news", user__username="m-matching").count() == 1


def test_read_receipt_once_per_firm(targeted, firms, members):
    colleague = member(firms["matching"], "colleague")
    assert services.delivery_mark_read(article=targeted, user=members["matching"]) == 1
    first = Delivery.objects.get(article=targeted)
    audits = AuditEvent.objects.count()
    assert services.delivery_mark_read(article=targeted, user=colleague) == 0
    assert services.delivery_mark_read(article=targeted, user=members["matching"]) == 0
    again = Delivery.objects.get(article=targeted)
    assert (again.read_at, again.read_by_id) == (first.read_at, members["matching"].pk)
    assert AuditEvent.objects.count() == audits
    assert services.delivery_mark_read(article=targeted, user=members["small"]) == 0  # not delivered: nothing
    assert selectors.receipt_counts(targeted) == {"delivered": 1, "read": 1, "unread": 0, "unknown": 1}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_targets_agree_with_the_rule_firm_by_firm(seed):
    """Property-ish: random firms and facts; a firm is delivered iff the rule evaluates TRUE for its profile row,
    counted unknown iff it evaluates UNKNOWN (the same three-valued semantics as policy matching)."""
    rng = random.Random(seed)
    for _n in range(40):
        firm = EnterpriseFactory(size_group=rng.choice([SizeGroup.ABOVE, SizeGroup.BELOW]),
                                 status=EnterpriseStatus.OPERATING)
        if rng.random() < 0.7:
            fact(firm, rng.choice([5, 50, 99, 100, 101, 500]))
    rule = "size_group == 'ABOVE' and employees >= 100 or has('高新技术企业')"
    targets = resolve_targets(rule)
    compiled = compile_target(rule)
    expected_true, expected_unknown = set(), set()
    for row in profile_frame().to_dicts():
        value = evaluate_row(compiled, row)
        if value is True:
            expected_true.add(row["enterprise_id"])
        elif value is None:
            expected_unknown.add(row["enterprise_id"])
    assert set(targets.matched) == expected_true and set(targets.unknown) == expected_unknown
    assert expected_true and expected_unknown  # the draw exercised both


def test_a_failed_delivery_says_so(writer, firms, monkeypatch, django_capture_on_commit_callbacks):
    from gaoxin.news import services as news_services

    def boom(*a, **k):
        raise RuntimeError("database gone")

    monkeypatch.setattr(news_services, "resolve_targets", boom)
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(writer, rule=RULE, publish=True)
    article.refresh_from_db()
    assert article.delivery_state == DeliveryState.FAILED
    job = Job.objects.get(pk=article.delivery_job_id)
    assert job.status == "failed" and "定向送达出错" in job.message


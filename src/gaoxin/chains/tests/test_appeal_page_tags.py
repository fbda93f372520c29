"""Tagging an appeal with a chain from the appeal's page (issue 20 item 3): the chain's chief, task force or the
administrator picks one of the chains they manage, one audit event, the chief and task force told; the chain's
problems tab then lists it. Others see no form (and are refused the page); a refusal keeps the choice. The chain page
lists the talents of its firms for those who read the registry."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gaoxin.chains.models import ChainAppeal
from gaoxin.core.models import AuditEvent, Notification

from .test_problems import people, world  # noqa: F401  (fixtures, used as arguments below)

pytestmark = pytest.mark.django_db


def test_the_chief_tags_an_appeal_from_its_page(client, world, people, django_capture_on_commit_callbacks):  # noqa: F811
    appeal, chain = world["appeals"]["off"], world["chain"]
    client.force_login(people["chief"])
    page = client.get(reverse("appeal_detail", args=[appeal.number])).content.decode()
    assert 'data-testid="appeal-chains"' in page and "新能源装备产业链" in page and "标记为产业链问题" in page
    url = reverse("appeal_chain_tag", args=[appeal.number])
    refused = client.post(url, {"chain": ""})
    assert refused.status_code == 400 and "请选择产业链" in refused.content.decode()
    before = AuditEvent.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {"chain": chain.pk})
    assert done.status_code == 302 and done.url == reverse("appeal_detail", args=[appeal.number])
    assert AuditEvent.objects.count() == before + 1
    assert AuditEvent.objects.latest("pk").event_type == "chains.problem.tag"
    assert ChainAppeal.objects.filter(chain=chain, appeal=appeal, tagged_by=people["chief"]).exists()
    # the task force is told, not the tagger
    assert Notification.objects.filter(user=people["member"], message__contains="已标记为新能源装备产业链的问题").exists()
    assert not Notification.objects.filter(user=people["chief"], kind="chain_problem").exists()
    page = client.get(reverse("appeal_detail", args=[appeal.number])).content.decode()
    assert "已标记为" in page and "标记为产业链问题</button>" not in page  # no chain left to tag it with
    # the chain's problems tab lists it
    tab = client.get(reverse("chain_detail", args=[chain.code]) + "?tab=appeals").content.decode()
    assert appeal.number in tab
    # twice refused (the chain is no longer offered): the choice is invalid, nothing written
    again = client.post(url, {"chain": chain.pk})
    assert again.status_code == 400 and "请选择您负责的产业链" in again.content.decode()
    assert ChainAppeal.objects.filter(appeal=appeal).count() == 1


def test_others_get_no_form_and_are_refused(client, world, people):  # noqa: F811
    appeal = world["appeals"]["open"]  # led by the tax bureau
    client.force_login(people["tax"])
    page = client.get(reverse("appeal_detail", args=[appeal.number])).content.decode()
    assert "标记为产业链问题" not in page
    assert client.get(reverse("appeal_chain_tag", args=[appeal.number])).status_code == 403
    assert client.post(reverse("appeal_chain_tag", args=[appeal.number]),
                       {"chain": world["chain"].pk}).status_code == 403
    # a task-force member who may not read the appeal: the same answer as for no appeal
    client.force_login(people["member"])
    assert client.get(reverse("appeal_chain_tag", args=[appeal.number])).status_code == 404
    assert client.get(reverse("appeal_chain_tag", args=["SQ-nothing"])).status_code == 404
    assert not ChainAppeal.objects.exists()


def test_the_chain_page_lists_its_firms_talents_for_registry_readers(client, world, people):  # noqa: F811
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from gaoxin.talent.tests.factories import talent_of

    for n in range(3):
        talent_of(world["on"], n=n, name=f"链上人才{n}")
    talent_of(world["off"], n=99, name="链外人才")
    url = reverse("chain_detail", args=[world["chain"].code]) + "?tab=talents"
    client.force_login(people["chief"])  # a leader reads the registry
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        page = client.get(url).content.decode()
    assert "链上人才0" in page and "链上人才2" in page and "链外人才" not in page
    for n in range(3, 13):
        talent_of(world["on"], n=n, name=f"链上人才{n}")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
    client.force_login(people["member"])  # the economic bureau does not: no such tab
    page = client.get(url).content.decode()
    assert "链上人才0" not in page and 'href="?tab=talents"' not in page

"""The science bureau sets up a zone round and its judges in the browser (issue 22 item 4): the rubric a criterion a
line, the mix, the method; a refused form keeps what was typed with the error beside its field; a judge is added by
the registry's credit code of their employer (and declared related firms) and told; others are refused."""

from __future__ import annotations

from decimal import Decimal as D

from django.test import Client
from django.urls import reverse

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.catalog.tests.factories import department
from gaoxin.competitions.models import Judge, JudgingRound
from gaoxin.core.models import AuditEvent, Notification
from gaoxin.enterprises.tests.factories import EnterpriseFactory


def _client(user):
    c = Client()
    c.force_login(user)
    return c


ROUND = {"name": "区内路演评审", "method": "rank", "judges_per_entry": "3", "technical": "1", "investment": "2",
         "industry": "", "criteria": "技术创新性，40，100\n市场前景，30，100\n团队与路演，30，10", "tie_break": "first"}


def test_the_bureau_creates_a_round_in_the_browser(edition, science, enterprise_client):
    client = _client(science)
    url = reverse("competition_round_new", args=[edition.code])
    assert "新建评审轮次" in client.get(reverse("competition_detail", args=[edition.code])).content.decode()
    bad = client.post(url, {**ROUND, "criteria": "tech，技术创新性，40，100"})  # the old form with a code
    assert bad.status_code == 400 and "应为：名称，权重%，满分" in bad.content.decode()
    bad = client.post(url, {**ROUND, "criteria": "技术创新性，40，100\n市场前景，30，100"})
    body = bad.content.decode()
    assert bad.status_code == 400 and "100%" in body and "市场前景" in body and not JudgingRound.objects.exists()
    bad = client.post(url, {**ROUND, "judges_per_entry": "2"})
    assert bad.status_code == 400 and "评委组合的人数多于每个项目的评委人数" in bad.content.decode()
    done = client.post(url, ROUND)
    round = JudgingRound.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse("competition_round", args=[round.pk])
    assert round.mix == {"technical": 1, "investment": 2} and round.method == "rank"
    assert list(round.criteria.values_list("code", "label", "weight")) == [
        ("c1", "技术创新性", D("0.4")), ("c2", "市场前景", D("0.3")), ("c3", "团队与路演", D("0.3"))]
    assert round.tie_break == "c1 desc, key asc"  # the first criterion's average, then the registration order
    assert AuditEvent.objects.filter(event_type="competitions.round.create").count() == 1
    assert enterprise_client.get(url).status_code == 403


def test_the_bureau_adds_judges_with_their_ties(edition, science, tax_officer, django_capture_on_commit_callbacks):
    client = _client(science)
    client.post(reverse("competition_round_new", args=[edition.code]), ROUND)
    round = JudgingRound.objects.get()
    employer = EnterpriseFactory(name="湖南华宇投资有限公司")
    related = EnterpriseFactory(name="湘潭华宇新材料有限公司")
    judge = UserFactory(role=Role.DEPT_OFFICER, org_unit=department("finance", "财政局"), full_name="投资专家乙")
    url = reverse("competition_judge_new", args=[round.pk])
    assert "加入评委" in client.get(reverse("competition_round", args=[round.pk])).content.decode()
    bad = client.post(url, {"user": judge.pk, "kind": "investment", "employer": "91430300XXXXXXXXXX",
                            "declared": related.uscc})
    assert bad.status_code == 400 and "企业档案中没有统一社会信用代码为 91430300XXXXXXXXXX 的企业" in bad.content.decode()
    assert related.uscc in bad.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"user": judge.pk, "kind": "investment", "employer": employer.uscc,
                                 "declared": related.uscc}).status_code == 302
    added = Judge.objects.get(round=round)
    assert added.employer == employer and list(added.declared.all()) == [related]
    assert Notification.objects.filter(user=judge, kind="competition_judge").exists()
    again = client.post(url, {"user": judge.pk, "kind": "investment"})
    assert again.status_code == 400 and "该评委已在本轮评审中" in again.content.decode()
    assert _client(tax_officer).post(url, {"user": judge.pk, "kind": "technical"}).status_code == 403

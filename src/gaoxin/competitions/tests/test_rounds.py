"""A zone round wired to the registry: the rubric checked, judges added, a judge scores the checked entries through
the page, a conflicted judge (employer with the same legal representative, or the entry's own firm) is refused with
the reason shown, the results ranked with the mix rule's shortfall; a judge sees only their rounds, blind rounds
hide the firm."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.catalog.tests.factories import department
from gaoxin.competitions import selectors, services
from gaoxin.competitions.models import Registration, RegistrationStatus
from gaoxin.core.models import AuditEvent
from gaoxin.enterprises.tests.factories import EnterpriseFactory

CRITERIA = [("tech", "技术创新", D("0.4"), D(100)), ("market", "市场前景", D("0.3"), D(100)),
            ("team", "团队", D("0.3"), D(10))]


@pytest.fixture
def entries(edition, science):
    firms = [EnterpriseFactory(name=name, legal_representative=rep, registered_on=dt.date(2019, 1, 1))
             for name, rep in (("湘潭华宇新材料有限公司", "李建华"), ("湖南博越储能科技有限公司", "周博"),
                               ("湘潭精工智能装备有限公司", "陈精"))]
    track = edition.tracks.get(name="新材料")
    rows = []
    for firm in firms:
        rows.append(Registration.objects.create(edition=edition, enterprise=firm, group="growth", track=track,
                                                project=f"{firm.name[:4]}项目", status=RegistrationStatus.CHECKED,
                                                invited_by=science))
    return rows


@pytest.fixture
def judges(db):
    unit = department("finance", "财政局")
    return {name: UserFactory(role=Role.DEPT_OFFICER, org_unit=unit, username=name, full_name=full)
            for name, full in (("tech1", "技术专家甲"), ("inv1", "投资专家乙"), ("inv2", "投资专家丙"))}


@pytest.fixture
def round(edition, science, judges, entries):
    r = services.round_create(actor=science, edition=edition, name="区内路演评审", criteria=CRITERIA, method="rank",
                              judges_per_entry=3, mix={"technical": 1, "investment": 2})
    sister = EnterpriseFactory(name="湖南华宇投资有限公司", legal_representative="李建华")
    services.judge_add(actor=science, round=r, user=judges["tech1"], kind="technical")
    services.judge_add(actor=science, round=r, user=judges["inv1"], kind="investment", employer=sister)
    services.judge_add(actor=science, round=r, user=judges["inv2"], kind="investment", employer=entries[2].enterprise)
    return r


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def test_the_round_checks_its_rubric_and_mix(edition, science):
    with pytest.raises(ValidationError) as err:
        services.round_create(actor=science, edition=edition, name="x", criteria=[("a", "甲", D("0.5"), D(100))])
    assert "100%" in str(err.value)
    with pytest.raises(ValidationError) as err:
        services.round_create(actor=science, edition=edition, name="x", criteria=CRITERIA, judges_per_entry=2,
                              mix={"technical": 1, "investment": 2})
    assert "mix" in err.value.error_dict
    with pytest.raises(ValidationError) as err:
        services.round_create(actor=science, edition=edition, name="x", criteria=CRITERIA, tie_break="luck desc")
    assert "tie_break" in err.value.error_dict


def test_conflicted_judges_are_refused_with_the_reason(round, judges, entries, science):
    sheet = {r["entry"].pk: r["conflicts"] for r in selectors.judge_sheet(round=round, judge=round.judges.get(
        user=judges["inv1"]))}
    assert sheet[entries[0].pk] == ["评委任职单位湖南华宇投资有限公司与参赛企业的法定代表人均为李建华"]
    assert sheet[entries[1].pk] == []
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as err:
        services.score_submit(actor=judges["inv1"], round=round, registration=entries[0],
                              marks={"tech": 80, "market": 80, "team": 8})
    assert "您须回避该项目：评委任职单位湖南华宇投资有限公司" in str(err.value)
    with pytest.raises(ValidationError) as err:
        services.score_submit(actor=judges["inv2"], round=round, registration=entries[2],
                              marks={"tech": 80, "market": 80, "team": 8})
    assert "评委任职于参赛企业湘潭精工智能装备有限公司" in str(err.value)
    assert AuditEvent.objects.count() == before
    with pytest.raises(PermissionDenied):
        services.score_submit(actor=science, round=round, registration=entries[1], marks={})


def test_a_judge_scores_once_with_marks_in_range(round, judges, entries):
    with pytest.raises(ValidationError) as err:
        services.score_submit(actor=judges["tech1"], round=round, registration=entries[0],
                              marks={"tech": 80, "market": 80, "team": 11})
    assert "团队" in str(err.value)
    services.score_submit(actor=judges["tech1"], round=round, registration=entries[0],
                          marks={"tech": 80, "market": 70, "team": 9})
    assert AuditEvent.objects.filter(event_type="competitions.score.submit").count() == 1
    with pytest.raises(ValidationError) as err:
        services.score_submit(actor=judges["tech1"], round=round, registration=entries[0],
                              marks={"tech": 80, "market": 70, "team": 9})
    assert "已为该项目评分" in str(err.value)


def test_results_rank_the_full_panels_and_name_what_is_missing(round, judges, entries, science):
    marks = {"tech1": {0: (80, 70, 9), 1: (90, 90, 9), 2: (60, 60, 6)},
             "inv1": {1: (70, 70, 7), 2: (80, 80, 8)},
             "inv2": {0: (50, 50, 5), 1: (60, 60, 6)}}
    for judge, rows in marks.items():
        for i, (t, m, team) in rows.items():
            services.score_submit(actor=judges[judge], round=round, registration=entries[i],
                                  marks={"tech": t, "market": m, "team": team})
    rows = {r["entry"].pk: r for r in selectors.round_results(round=round)}
    # Entry 1 has its full panel (1 technical + 2 investment); entry 0 lacks an investment judge (inv1 refused),
    # entry 2 its second investment judge (inv2 refused): both are not ranked.
    assert rows[entries[1].pk]["result"].rank == 1 and rows[entries[1].pk]["missing"] == ""
    assert rows[entries[0].pk]["result"] is None and rows[entries[0].pk]["missing"] == "投资专家 1 名"
    assert rows[entries[2].pk]["missing"] == "投资专家 1 名"
    # rank scores: tech1 ranks 1 > 0 > 2 (90 > 80 > 60): entry 1 → 1; inv1: 2 (80) > 1 (70): entry 1 → 0;
    # inv2: 1 (60) > 0 (50): entry 1 → 1; mean 2/3
    assert rows[entries[1].pk]["result"].score == D("0.6667")
    page = _client(science).get(reverse("competition_round", args=[round.pk])).content.decode()
    assert "0.6667" in page and "投资专家 1 名" in page


def test_the_judge_page_scores_and_shows_refusals(round, judges, entries):
    client = _client(judges["inv1"])
    assert "区内路演评审" in client.get(reverse("competition_list")).content.decode()
    page = client.get(reverse("competition_round", args=[round.pk])).content.decode()
    assert "回避：评委任职单位湖南华宇投资有限公司与参赛企业的法定代表人均为李建华" in page
    url = reverse("competition_score", args=[round.pk, entries[1].pk])
    bad = client.post(url, {"tech": "80", "market": "70", "team": "12"})
    assert bad.status_code == 400 and "12" in bad.content.decode()
    assert client.post(url, {"tech": "80", "market": "70", "team": "9"}).status_code == 302
    assert "已评分" in client.get(reverse("competition_round", args=[round.pk])).content.decode()
    refused = client.post(reverse("competition_score", args=[round.pk, entries[0].pk]),
                          {"tech": "80", "market": "70", "team": "9"})
    assert refused.status_code == 400 and "您须回避该项目" in refused.content.decode()


def test_only_the_bureau_leaders_and_the_rounds_judges_open_it(round, entries, officer_client, enterprise_client,
                                                                judges):
    assert officer_client.get(reverse("competition_round", args=[round.pk])).status_code == 404
    assert enterprise_client.get(reverse("competition_round", args=[round.pk])).status_code == 404
    assert _client(judges["tech1"]).get(reverse("competition_score", args=[round.pk, 987654])).status_code == 404


def test_a_blind_round_hides_the_firm_from_the_judge(edition, science, judges, entries):
    blind = services.round_create(actor=science, edition=edition, name="匿名网评", criteria=CRITERIA, blind=True,
                                  judges_per_entry=1)
    services.judge_add(actor=science, round=blind, user=judges["tech1"], kind="technical")
    page = _client(judges["tech1"]).get(reverse("competition_round", args=[blind.pk])).content.decode()
    assert "项目 1 · " in page and entries[0].enterprise.name not in page


def test_the_round_page_costs_the_same_however_many_entries(round, science, judges, entries, edition,
                                                            django_assert_max_num_queries):
    track = edition.tracks.first()
    for n in range(10):
        firm = EnterpriseFactory(name=f"湘潭测试{n}有限公司", registered_on=dt.date(2020, 1, 1))
        entry = Registration.objects.create(edition=edition, enterprise=firm, group="growth", track=track,
                                            project="项目", status=RegistrationStatus.CHECKED, invited_by=science)
        services.score_submit(actor=judges["tech1"], round=round, registration=entry,
                              marks={"tech": 50 + n, "market": 60, "team": 6})
    for user in (science, judges["tech1"]):
        client = _client(user)
        with django_assert_max_num_queries(16):
            assert client.get(reverse("competition_round", args=[round.pk])).status_code == 200

"""A zone round's results (issue 22 item 4, last part, and item 6): published with a notice window on the kernel's
calendar (core.notice), objections inside the window only, upheld ones take the entry's rank away, final after the
notice with the ranks made profile facts; an award recorded per entry becomes profile facts (获奖等次 …) that raise
a matched zone bonus policy for that firm at once; follow-ups of investor contacts and financing 6 and 12 months on,
on working days, reminded once and recorded by the firm or the bureau. Every allowed step and a refused one for each
other state, one audit event per change."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.benefits.models import MatchResult, Policy, ProfileFact
from gaoxin.benefits.services import policy_publish
from gaoxin.catalog.tests.factories import department
from gaoxin.competitions import services
from gaoxin.competitions.demo_data import AWARD_BONUS_POLICY
from gaoxin.competitions.models import Award, FollowUp, ObjectionStatus, RoundResult, RoundStatus
from gaoxin.core.models import AuditEvent, Notification
from gaoxin.core.selectors import work_calendar

from . import test_rounds

# The round and its entries and judges of test_rounds, as fixtures here too.
entries, judges, round = test_rounds.entries, test_rounds.judges, test_rounds.round

MARKS = {"tech1": {0: (80, 70, 9), 1: (90, 90, 9), 2: (60, 60, 6)},
         "inv1": {1: (70, 70, 7), 2: (80, 80, 8)},
         "inv2": {0: (50, 50, 5), 1: (60, 60, 6)},
         "inv3": {0: (70, 60, 7), 1: (65, 60, 6), 2: (90, 80, 9)}}


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def _score(round, judges, entries, science, *, complete=True):
    if complete:
        inv3 = UserFactory(role=Role.DEPT_OFFICER, org_unit=department("finance", "财政局"), username="inv3",
                           full_name="投资专家丁")
        services.judge_add(actor=science, round=round, user=inv3, kind="investment")
        judges = {**judges, "inv3": inv3}
    for judge, rows in MARKS.items():
        if judge not in judges:
            continue
        for i, (t, m, team) in rows.items():
            services.score_submit(actor=judges[judge], round=round, registration=entries[i],
                                  marks={"tech": t, "market": m, "team": team})
    return judges


@pytest.fixture
def firm_user(entries):
    user = UserFactory(role=Role.ENTERPRISE, username="firm1", full_name="李建华")
    user.enterprise_memberships.create(enterprise=entries[1].enterprise)
    return user


@pytest.fixture
def published(round, judges, entries, science, firm_user, django_capture_on_commit_callbacks):
    _score(round, judges, entries, science)
    with django_capture_on_commit_callbacks(execute=True):
        return services.round_transition(round=round, name="PUBLISH", actor=science)


def test_publishing_needs_every_panel_complete(round, judges, entries, science):
    _score(round, judges, entries, science, complete=False)
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as err:
        services.round_transition(round=round, name="PUBLISH", actor=science)
    assert "还有2个项目评委人数或评委组合不足" in str(err.value)
    assert AuditEvent.objects.count() == before and not RoundResult.objects.exists()


def test_published_results_are_frozen_on_notice_and_the_firms_told(published, entries, science, firm_user, judges):
    round = published
    assert round.status == RoundStatus.NOTICE
    start, end = round.notice_start, round.notice_end
    cal = work_calendar()
    assert start == cal.next_workday(timezone.localdate()) and end == cal.add_working_days(start, 4)
    ranks = dict(RoundResult.objects.filter(round=round).values_list("registration_id", "rank"))
    assert sorted(ranks.values()) == [1, 2, 3]
    assert AuditEvent.objects.filter(event_type="competitions.round.publish").count() == 1
    told = Notification.objects.get(user=firm_user, kind="competition_results")
    assert f"名列第{ranks[entries[1].pk]}名" in told.message and told.url.endswith(f"/rounds/{round.pk}/notice/")
    with pytest.raises(ValidationError) as err:  # the results are frozen: no more scores, no more judges
        services.score_submit(actor=judges["tech1"], round=round, registration=entries[0], marks={})
    assert "已公示" in str(err.value)
    page = _client(firm_user).get(reverse("competition_round_notice", args=[round.pk])).content.decode()
    assert entries[0].enterprise.name in page and "提出异议" in page


def test_objections_inside_the_window_only_and_an_upheld_one_takes_the_rank(published, entries, science, firm_user,
                                                                           django_capture_on_commit_callbacks):
    round = published
    target = RoundResult.objects.get(round=round, registration=entries[0])
    with pytest.raises(ValidationError) as err:
        services.objection_file(actor=firm_user, result=target, reason="该企业项目与去年相同",
                                today=round.notice_end + dt.timedelta(days=1))
    assert "逾期不再受理" in str(err.value)
    with pytest.raises(ValidationError) as err:
        services.objection_file(actor=firm_user, result=target, reason="  ", today=round.notice_start)
    assert "reason" in err.value.error_dict
    with django_capture_on_commit_callbacks(execute=True):
        objection = services.objection_file(actor=firm_user, result=target, reason="该企业项目与去年相同",
                                            today=round.notice_start)
    assert AuditEvent.objects.filter(event_type="competitions.objection.create").count() == 1
    assert Notification.objects.filter(user=science, kind="competition_objection").exists()
    # Not final while the notice runs, nor with an objection open.
    with pytest.raises(ValidationError) as err:
        services.round_transition(round=round, name="FINALISE", actor=science, today=round.notice_end)
    assert "期满后再确定结果" in str(err.value)
    with pytest.raises(ValidationError) as err:
        services.round_transition(round=round, name="FINALISE", actor=science,
                                  today=round.notice_end + dt.timedelta(days=1))
    assert "还有1条异议未核查" in str(err.value)
    with pytest.raises(PermissionDenied):
        services.objection_transition(objection=objection, name="UPHOLD", actor=firm_user, reason="x")
    with pytest.raises(ValidationError):
        services.objection_transition(objection=objection, name="UPHOLD", actor=science)  # needs a reason
    with django_capture_on_commit_callbacks(execute=True):
        services.objection_transition(objection=objection, name="UPHOLD", actor=science,
                                      reason="经核查，该项目为上届参赛项目")
    objection.refresh_from_db()
    target.refresh_from_db()
    assert objection.status == ObjectionStatus.UPHELD and target.excluded
    assert Notification.objects.filter(user=firm_user, kind="competition_objection").exists()
    with pytest.raises(ValidationError):  # decided once
        services.objection_transition(objection=objection, name="DISMISS", actor=science, reason="x")
    services.round_transition(round=round, name="FINALISE", actor=science,
                              today=round.notice_end + dt.timedelta(days=1))
    ranks = dict(RoundResult.objects.filter(round=round).values_list("registration_id", "rank"))
    assert ranks[entries[0].pk] is None and sorted(r for r in ranks.values() if r) == [1, 2]
    facts = dict(ProfileFact.objects.filter(field="competition_zone_rank").values_list("enterprise_id", "number"))
    assert entries[0].enterprise_id not in facts
    assert {int(v) for v in facts.values()} == {1, 2}
    assert AuditEvent.objects.filter(event_type="competitions.round.finalise").count() == 1


def test_the_round_table_refuses_what_it_does_not_allow(round, published, science, firm_user):
    with pytest.raises(ValidationError):
        services.round_transition(round=published, name="PUBLISH", actor=science)
    with pytest.raises(PermissionDenied):
        services.round_transition(round=published, name="FINALISE", actor=firm_user)
    final = services.round_transition(round=published, name="FINALISE", actor=science,
                                      today=published.notice_end + dt.timedelta(days=1))
    for name in ("PUBLISH", "FINALISE"):
        with pytest.raises(ValidationError):
            services.round_transition(round=final, name=name, actor=science)
    result = final.results.first()
    with pytest.raises(ValidationError) as err:
        services.objection_file(actor=firm_user, result=result, reason="迟到的异议")
    assert "逾期不再受理" in str(err.value)


def test_the_round_page_offers_publish_then_finalise_only_after_the_notice(round, judges, entries, science):
    client = _client(science)
    _score(round, judges, entries, science)
    page = client.get(reverse("competition_round", args=[round.pk])).content.decode()
    assert "发布结果公示" in page
    assert client.post(reverse("competition_round_act", args=[round.pk]), {"name": "PUBLISH"}).status_code == 302
    page = client.get(reverse("competition_round", args=[round.pk])).content.decode()
    assert "结果公示中" in page and "公示期满，确定结果" not in page
    refused = client.post(reverse("competition_round_act", args=[round.pk]), {"name": "FINALISE"})
    assert refused.status_code == 400 and "期满后再确定结果" in refused.content.decode()


def test_the_objection_form_keeps_what_was_typed(published, firm_user, entries):
    client = _client(firm_user)
    url = reverse("competition_round_notice", args=[published.pk])
    bad = client.post(url, {"result": "", "reason": "评分有误", "contact": "13800000000"})
    assert bad.status_code == 400
    body = bad.content.decode()
    assert "请选择异议对象" in body and "评分有误" in body and "13800000000" in body


def test_the_notice_page_costs_the_same_however_many_entries(published, firm_user, django_assert_max_num_queries):
    client = _client(firm_user)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("competition_round_notice", args=[published.pk])).status_code == 200


# --- awards into the enterprise file -----------------------------------------------------------------------------


@pytest.fixture
def bonus(science, admin_user, django_capture_on_commit_callbacks):
    policy = Policy.objects.create(issuer=science.org_unit, effective_from=dt.date(2024, 1, 1), **AWARD_BONUS_POLICY)
    with django_capture_on_commit_callbacks(execute=True):
        policy_publish(policy=policy, actor=admin_user)
    return policy


def test_an_award_becomes_profile_facts_and_raises_a_matched_policy(entries, edition, science, firm_user, bonus,
                                                                  django_capture_on_commit_callbacks):
    firm = entries[1].enterprise
    assert not MatchResult.objects.filter(policy=bonus, enterprise=firm, verdict="eligible").exists()
    level = edition.award_levels.get(name="一等奖")
    with django_capture_on_commit_callbacks(execute=True):
        award = services.award_record(actor=science, registration=entries[1], level=level,
                                      awarded_on=dt.date(2026, 6, 30))
    facts = {f.field: f for f in ProfileFact.objects.filter(enterprise=firm)}
    assert facts["competition_award_level"].text == "一等奖" and facts["competition_awards"].number == 1
    assert facts["competition_award_year"].number == 2026 and facts["competition_award_level"].supplied_by_id
    match = MatchResult.objects.get(policy=bonus, enterprise=firm)
    assert match.verdict == "eligible" and match.estimate == D(50)
    messages = list(Notification.objects.filter(user=firm_user).values_list("message", flat=True))
    assert any("获第十五届中国创新创业大赛（湘潭高新区）一等奖" in m for m in messages)
    assert any(bonus.title in m for m in messages)
    assert AuditEvent.objects.filter(event_type="competitions.award.record").count() == 1
    # Follow-ups 6 and 12 months on, each on a working day.
    cal = work_calendar()
    due = dict(FollowUp.objects.filter(award=award).values_list("months", "due_on"))
    assert due == {6: cal.next_workday(dt.date(2026, 12, 30)), 12: cal.next_workday(dt.date(2027, 6, 30))}
    # One award per entry, within the level's places, for checked entries of the edition only.
    with pytest.raises(ValidationError) as err:
        services.award_record(actor=science, registration=entries[1], level=edition.award_levels.get(name="二等奖"))
    assert "本届已登记获奖" in str(err.value)
    with pytest.raises(ValidationError) as err:
        services.award_record(actor=science, registration=entries[0], level=level)
    assert "名额已满" in str(err.value)
    with pytest.raises(PermissionDenied):
        services.award_record(actor=firm_user, registration=entries[0], level=level)


def test_the_award_counts_against_the_limit_of_later_editions(entries, edition, science):
    from gaoxin.competitions.selectors import firm_facts

    services.award_record(actor=science, registration=entries[1], level=edition.award_levels.get(name="二等奖"))
    facts = {f.firm_id: f for f in firm_facts(enterprise_ids=[entries[1].enterprise_id])}
    assert facts[entries[1].enterprise_id].awards == 1


def test_a_creative_china_top500_level_sets_the_p8_direct_pass_fact(entries, edition, science):
    """A level counted as “创客中国” 全国500强 (benefits P8 (四), P9) sets creative_china_top500; another does not."""
    top = services.award_level_create(actor=science, edition=edition, name="全国500强", top500=True)
    assert AuditEvent.objects.filter(event_type="competitions.award_level.create").latest("pk").after["top500"] is True
    services.award_record(actor=science, registration=entries[0], level=edition.award_levels.get(name="二等奖"))
    assert not ProfileFact.objects.filter(enterprise=entries[0].enterprise, field="creative_china_top500").exists()
    services.award_record(actor=science, registration=entries[1], level=top)
    fact = ProfileFact.objects.get(enterprise=entries[1].enterprise, field="creative_china_top500")
    assert fact.flag is True and fact.source == "创新创业大赛2026"


def test_the_award_form_keeps_what_was_typed(entries, edition, science):
    client = _client(science)
    url = reverse("competition_award_new", args=[entries[1].pk])
    page = client.get(reverse("competition_registration", args=[entries[1].pk])).content.decode()
    assert "登记获奖" in page
    bad = client.post(url, {"level": "", "awarded_on": "2026-06-30"})
    assert bad.status_code == 400 and "请选择奖项" in bad.content.decode() and "2026-06-30" in bad.content.decode()
    level = edition.award_levels.get(name="三等奖")
    assert client.post(url, {"level": level.pk, "awarded_on": "2026-06-30"}).status_code == 302
    assert Award.objects.get(registration=entries[1]).level == level


# --- follow-ups ---------------------------------------------------------------------------------------------------


def test_follow_ups_are_reminded_once_and_recorded_once(entries, edition, science, firm_user, enterprise_user,
                                                       django_capture_on_commit_callbacks):
    award = services.award_record(actor=science, registration=entries[1],
                                  level=edition.award_levels.get(name="二等奖"), awarded_on=dt.date(2025, 1, 15))
    six = award.follow_ups.get(months=6)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.follow_ups_remind(today=six.due_on) == 1
    assert services.follow_ups_remind(today=six.due_on) == 0
    assert Notification.objects.filter(user=firm_user, kind="competition_follow_up").count() == 1
    assert Notification.objects.filter(user=science, kind="competition_follow_up").count() == 1
    with pytest.raises(PermissionDenied):  # another firm
        services.follow_up_record(actor=enterprise_user, follow_up=six, investor_contacts=1, financing=D(0))
    client = _client(firm_user)
    url = reverse("competition_follow_up", args=[six.pk])
    bad = client.post(url, {"investor_contacts": "3", "investors": "湘江产业基金", "financing": ""})
    assert bad.status_code == 400 and "湘江产业基金" in bad.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"investor_contacts": "3", "investors": "湘江产业基金", "financing": "1500"}
                           ).status_code == 302
    six.refresh_from_db()
    assert six.financing == D(1500) and six.recorded_by == firm_user
    assert AuditEvent.objects.filter(event_type="competitions.follow_up.record").count() == 1
    assert Notification.objects.filter(user=science, message__contains="新增融资1500").exists()
    with pytest.raises(ValidationError):
        services.follow_up_record(actor=science, follow_up=six, investor_contacts=1, financing=D(0))
    assert _client(enterprise_user).get(url).status_code == 404

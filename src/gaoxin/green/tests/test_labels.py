"""Green labels: who registers them (the economic bureau), the label table walked (every allowed step one audit event
and one timeline row, every other refused), flags from the evaluation's accidents and penalties (once per record),
the yearly self-declaration reminder on the working-day calendar, the pages (counts, a firm's own labels, errors
beside the field, constant query counts), the API and the sweep command."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.catalog.tests.factories import department
from gaoxin.core.models import AuditEvent, Notification
from gaoxin.core.tests.workflow_walk import available_from, check_pair, check_roles_refused, pairs
from gaoxin.enterprises.tests.factories import EnterpriseFactory
from gaoxin.green import selectors, services
from gaoxin.green.models import GreenLabel, LabelKind, LabelStatus
from gaoxin.green.workflow import LABEL_WORKFLOW


@pytest.fixture
def office(db):
    return UserFactory(role=Role.DEPT_OFFICER, org_unit=department("economic", "经济发展局"), username="economic")


@pytest.fixture
def outsider(db):
    return UserFactory(role=Role.DEPT_OFFICER, org_unit=department("tax", "税务局"), username="tax")


@pytest.fixture
def label(office, own_enterprise):
    return services.label_create(actor=office, enterprise=own_enterprise, kind=LabelKind.GREEN_FACTORY,
                                 level="provincial", year=2023, valid_to=dt.date(2028, 12, 31))


def _penalty(enterprise, year, rule_id="ENV_PENALTY", evidence="环罚〔2024〕12号"):
    from gaoxin.evaluation.models import Cycle, CycleAdjustment, Participant

    admin = UserFactory(role=Role.ZONE_ADMIN)
    cycle, _ = Cycle.objects.get_or_create(data_year=year, name=f"{year}年度评价", defaults={"created_by": admin})
    participant, _ = Participant.objects.get_or_create(cycle=cycle, enterprise=enterprise, defaults={"group": "ABOVE"})
    return CycleAdjustment.objects.create(cycle=cycle, participant=participant, rule_id=rule_id, evidence=evidence,
                                          created_by=admin)


def test_the_bureau_registers_a_label_with_one_audit_event(office, own_enterprise):
    before = AuditEvent.objects.count()
    label = services.label_create(actor=office, enterprise=own_enterprise, kind=LabelKind.SMART_WORKSHOP,
                                  level="municipal", year=2024, title="示范智能车间")
    assert AuditEvent.objects.count() == before + 1
    assert str(label) == "市级示范智能车间" and label.status == LabelStatus.ACTIVE


def test_others_may_not_register(outsider, enterprise_user, own_enterprise):
    for user in (outsider, enterprise_user):
        with pytest.raises(PermissionDenied):
            services.label_create(actor=user, enterprise=own_enterprise, kind=LabelKind.GREEN_FACTORY,
                                  level="national", year=2024)


def test_a_level_the_kind_does_not_take_is_refused_beside_the_field(office, own_enterprise):
    with pytest.raises(ValidationError) as exc:
        services.label_create(actor=office, enterprise=own_enterprise, kind=LabelKind.GREEN_FACTORY, level="leading",
                              year=2024)
    assert "level" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:
        services.label_create(actor=office, enterprise=own_enterprise, kind=LabelKind.GREEN_FACTORY,
                              level="national", year=2024, valid_to=dt.date(2020, 1, 1))
    assert "valid_to" in exc.value.error_dict
    assert not GreenLabel.objects.exists()


@pytest.mark.parametrize("name,state", pairs(LABEL_WORKFLOW, LabelStatus.values))
def test_every_label_transition_from_every_state(label, office, name, state):
    GreenLabel.objects.filter(pk=label.pk).update(status=state)
    label.refresh_from_db()
    check_pair(LABEL_WORKFLOW, label, name, actor=office, history=lambda: label.events.count())


def test_the_table_matches_the_spec():
    assert available_from(LABEL_WORKFLOW, LabelStatus.values) == {
        "active": {"FLAG", "REVOKE"}, "review": {"KEEP", "REVOKE"}, "revoked": set()}


@pytest.mark.parametrize("name", ["FLAG", "KEEP", "REVOKE"])
def test_roles_outside_the_table_are_refused(label, outsider, enterprise_user, leader_user, name):
    if name == "KEEP":
        GreenLabel.objects.filter(pk=label.pk).update(status=LabelStatus.REVIEW)
        label.refresh_from_db()
    check_roles_refused(LABEL_WORKFLOW, label, name,
                        {"outsider": outsider, "firm": enterprise_user, "leader": leader_user})


def test_a_penalty_recorded_in_the_evaluation_flags_the_label_once(label, office, own_enterprise,
                                                                  django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _penalty(own_enterprise, 2024)
    label.refresh_from_db()
    assert label.status == LabelStatus.REVIEW
    flag = label.events.get()
    assert flag.actor is None and "环境行政处罚" in flag.note and "环罚〔2024〕12号" in flag.note
    assert AuditEvent.objects.filter(event_type="green.label.flag").count() == 1
    services.label_transition(label=label, name="KEEP", actor=office, reason="已整改，复核保留")
    assert services.labels_flag_from_evaluation() == 0  # the same record never flags it again
    label.refresh_from_db()
    assert label.status == LabelStatus.ACTIVE


def test_records_before_the_labels_year_and_other_rules_do_not_flag(label, own_enterprise, other_enterprise,
                                                                   django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _penalty(own_enterprise, 2022)  # before the label's year
        _penalty(own_enterprise, 2024, rule_id="SUBLET")
        _penalty(other_enterprise, 2024, rule_id="MAJOR_SAFETY")
    label.refresh_from_db()
    assert label.status == LabelStatus.ACTIVE
    other = services.label_create(actor=None, enterprise=other_enterprise, kind=LabelKind.SMART_FACTORY,
                                  level="advanced", year=2023)
    assert services.labels_flag_from_evaluation() == 1
    other.refresh_from_db()
    assert other.status == LabelStatus.REVIEW and "较大及以上生产安全事故" in other.events.get().note


def test_the_self_declaration_reminder_comes_in_its_window_once_per_firm_and_year(label, enterprise_user, settings,
                                                                                 django_capture_on_commit_callbacks):
    settings.GAOXIN_GREEN_DECLARATION_DUE = "06-30"
    settings.GAOXIN_GREEN_DECLARATION_REMIND_WORKDAYS = 10
    assert services.declaration_due(2025) == dt.date(2025, 6, 30)
    assert services.declaration_due(2024) == dt.date(2024, 7, 1)  # 30 June 2024 is a Sunday
    assert services.declarations_remind(today=dt.date(2025, 5, 30)) == 0  # too early
    with django_capture_on_commit_callbacks(execute=True):
        assert services.declarations_remind(today=dt.date(2025, 6, 20)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert services.declarations_remind(today=dt.date(2025, 6, 23)) == 1
    notes = Notification.objects.filter(user=enterprise_user, kind="green_declaration")
    assert notes.count() == 1 and "2025年6月30日" in notes.get().message
    assert services.declarations_remind(today=dt.date(2025, 7, 1)) == 0  # past due


def _client(client, user):
    client.force_login(user)
    return client


def test_the_list_counts_per_level_and_a_firm_sees_only_its_own(client, office, label, enterprise_user,
                                                               other_enterprise):
    services.label_create(actor=office, enterprise=other_enterprise, kind=LabelKind.SMART_WORKSHOP,
                          level="provincial", year=2024, title="示范智能车间")
    page = _client(client, office).get(reverse("green_labels")).content.decode()
    assert "湖南别家机械有限公司" in page and "湖南自家电工有限公司" in page and "登记称号" in page
    counts = {(c["kind"], c["level"]): c["count"] for c in selectors.label_counts()}
    assert counts == {("green_factory", "provincial"): 1, ("smart_workshop", "provincial"): 1}
    client.force_login(enterprise_user)
    page = client.get(reverse("green_labels")).content.decode()
    assert "湖南自家电工有限公司" in page and "湖南别家机械有限公司" not in page and "登记称号" not in page
    other = GreenLabel.objects.get(enterprise=other_enterprise)
    assert client.get(reverse("green_label", args=[other.pk])).status_code == 404
    assert client.get(reverse("green_label", args=[label.pk])).status_code == 200
    assert client.post(reverse("green_label_act", args=[label.pk]), {"name": "REVOKE", "reason": "x"}).status_code == 403


def test_the_list_filters_and_keeps_a_constant_query_count(client, office, own_enterprise):
    client.force_login(office)
    counts = []
    for n in (1, 12):
        while GreenLabel.objects.count() < n:
            services.label_create(actor=office, enterprise=EnterpriseFactory(), kind=LabelKind.SMART_WORKSHOP,
                                  level="municipal", year=2024)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("green_labels"), {"kind": "smart_workshop", "level": "municipal"}).status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1]
    page = client.get(reverse("green_labels"), {"kind": "green_factory"}).content.decode()
    assert "没有符合条件的称号" in page


def test_the_form_keeps_what_was_typed_and_shows_the_error_beside_the_field(client, office, own_enterprise):
    client.force_login(office)
    response = client.post(reverse("green_label_new"), {"enterprise": own_enterprise.uscc, "kind": "green_factory",
                                                         "level": "leading", "year": "2024", "title": "一号车间"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "绿色工厂的级别应为" in page and "一号车间" in page and "green_factory" not in page.split("<select")[0]
    response = client.post(reverse("green_label_new"), {"enterprise": own_enterprise.uscc, "kind": "green_factory",
                                                         "level": "national", "year": "2024"})
    assert response.status_code == 302
    assert GreenLabel.objects.get().level == "national"
    page = client.get(response["Location"]).content.decode()
    assert "国家级绿色工厂" in page and "标记待复核" in page


def test_a_review_step_without_a_reason_is_refused_beside_the_field(client, office, label):
    client.force_login(office)
    response = client.post(reverse("green_label_act", args=[label.pk]), {"name": "REVOKE", "reason": ""})
    assert response.status_code == 400 and "原因" in response.content.decode()
    label.refresh_from_db()
    assert label.status == LabelStatus.ACTIVE
    response = client.post(reverse("green_label_act", args=[label.pk]), {"name": "REVOKE", "reason": "不再符合条件"})
    assert response.status_code == 302
    label.refresh_from_db()
    assert label.status == LabelStatus.REVOKED


def test_the_api_is_scoped(client, office, label, enterprise_user, other_enterprise):
    services.label_create(actor=office, enterprise=other_enterprise, kind=LabelKind.NEAR_ZERO_CARBON,
                          level="municipal", year=2024)
    client.force_login(enterprise_user)
    data = client.get("/api/v1/green-labels/").json()
    rows = data["results"] if isinstance(data, dict) else data
    assert [r["enterprise"] for r in rows] == ["湖南自家电工有限公司"]
    client.force_login(office)
    data = client.get("/api/v1/green-labels/").json()
    rows = data["results"] if isinstance(data, dict) else data
    assert len(rows) == 2


def test_the_sweep_command(label, own_enterprise, capsys):
    _penalty(own_enterprise, 2024)
    call_command("sweep_green")
    assert "标记待复核的称号" in capsys.readouterr().out
    label.refresh_from_db()
    assert label.status == LabelStatus.REVIEW

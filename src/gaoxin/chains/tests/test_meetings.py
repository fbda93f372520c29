"""Meetings to actions: deadlines in working days from the meeting, owners told, progress notes, closure and
reopening on the kernel (every pair allowed or refused as the table says, one audit event each), overdue items
flagged and their owner and the chain chief told once, the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.catalog.tests.factories import department
from gaoxin.chains import services
from gaoxin.chains.models import ActionItem, ActionStatus
from gaoxin.chains.workflow import ACTION_WORKFLOW
from gaoxin.core.models import AuditEvent, Notification
from gaoxin.core.selectors import work_calendar
from gaoxin.core.testing import test_day
from gaoxin.core.tests.workflow_walk import available_from, check_pair, check_roles_refused, pairs

TODAY = test_day()


@pytest.fixture
def people(db):
    admin = UserFactory(role=Role.ZONE_ADMIN, username="admin")
    return {
        "admin": admin,
        "chief": UserFactory(role=Role.LEADER, username="leader", full_name="赵建国"),
        "member": UserFactory(role=Role.DEPT_OFFICER, org_unit=department("industry", "工业和信息化局"),
                              username="industry"),
        "owner": UserFactory(role=Role.DEPT_OFFICER, org_unit=department("development", "发展和改革局"),
                             username="development"),
        "outsider": UserFactory(role=Role.DEPT_OFFICER, org_unit=department("tax", "税务局"), username="tax"),
    }


@pytest.fixture
def chain(people):
    chain = services.chain_create(actor=people["admin"], code="new-energy", name="新能源装备产业链",
                                  chief=people["chief"])
    services.taskforce_add(actor=people["admin"], chain=chain, user=people["member"])
    return chain


def _meeting(chain, people, held_on, *rows):
    return services.meeting_record(actor=people["member"], chain=chain, title="专班调度会", held_on=held_on,
                                   actions=list(rows))


def test_a_meeting_gives_actions_with_working_day_deadlines_and_tells_the_owners(chain, people,
                                                                              django_capture_on_commit_callbacks):
    held = TODAY - dt.timedelta(days=3)
    unit = people["owner"].org_unit
    with django_capture_on_commit_callbacks(execute=True):
        meeting = _meeting(chain, people, held, {"title": "协调用电报装", "owner_unit": unit, "workdays": 5},
                           {"title": "对接目标企业", "owner_user": people["member"], "workdays": 20})
    first, second = meeting.actions.order_by("pk")
    cal = work_calendar()
    assert first.due_on == cal.add_working_days(held, 5) and second.due_on == cal.add_working_days(held, 20)
    assert AuditEvent.objects.filter(event_type="chains.meeting.create").count() == 1
    assert Notification.objects.filter(user=people["owner"], kind="chain_action").count() == 1  # the department
    assert Notification.objects.filter(user=people["member"], kind="chain_action").count() == 1


def test_a_meeting_is_refused_without_owner_deadline_or_rights(chain, people):
    with pytest.raises(ValidationError):
        _meeting(chain, people, TODAY, {"title": "无人负责", "workdays": 5})
    with pytest.raises(ValidationError):
        _meeting(chain, people, TODAY, {"title": "没有期限", "owner_user": people["owner"], "workdays": 0})
    with pytest.raises(ValidationError):
        _meeting(chain, people, TODAY + dt.timedelta(days=1), {"title": "未来", "owner_user": people["owner"],
                                                               "workdays": 3})
    with pytest.raises(PermissionDenied):
        services.meeting_record(actor=people["outsider"], chain=chain, title="会", held_on=TODAY,
                                actions=[{"title": "x", "owner_user": people["owner"], "workdays": 3}])
    assert not ActionItem.objects.exists()


def test_the_table_matches_the_spec():
    assert available_from(ACTION_WORKFLOW, ActionStatus.values) == {"open": {"CLOSE"}, "closed": {"REOPEN"}}


@pytest.mark.parametrize("name,state", pairs(ACTION_WORKFLOW, ActionStatus.values))
def test_every_action_transition_from_every_state(chain, people, name, state):
    action = _meeting(chain, people, TODAY, {"title": "任务", "owner_user": people["owner"], "workdays": 3}).actions.get()
    ActionItem.objects.filter(pk=action.pk).update(status=state)
    action.refresh_from_db()
    check_pair(ACTION_WORKFLOW, action, name, actor=people["chief"], history=lambda: action.notes.count())


@pytest.mark.parametrize("name", list(ACTION_WORKFLOW))
def test_only_owner_and_task_force_act(chain, people, name):
    action = _meeting(chain, people, TODAY, {"title": "任务", "owner_user": people["owner"], "workdays": 3}).actions.get()
    if name == "REOPEN":
        ActionItem.objects.filter(pk=action.pk).update(status=ActionStatus.CLOSED)
        action.refresh_from_db()
    actors = {"admin": people["admin"], "outsider": people["outsider"]}
    if name == "REOPEN":
        actors["owner"] = people["owner"]  # the owner closes; only the task force reopens
    check_roles_refused(ACTION_WORKFLOW, action, name, actors)


def test_owner_notes_progress_and_closes(chain, people):
    action = _meeting(chain, people, TODAY, {"title": "任务", "owner_user": people["owner"], "workdays": 3}).actions.get()
    with pytest.raises(PermissionDenied):
        services.action_note_add(actor=people["outsider"], action=action, note="进展")
    services.action_note_add(actor=people["owner"], action=action, note="已完成现场踏勘")
    action = services.action_transition(action=action, name="CLOSE", actor=people["owner"], reason="已报装送电")
    assert (action.status, action.closed_on) == (ActionStatus.CLOSED, TODAY)
    with pytest.raises(ValidationError):
        services.action_note_add(actor=people["owner"], action=action, note="再写")


def test_overdue_actions_tell_the_owner_and_the_chief_once(chain, people, django_capture_on_commit_callbacks):
    meeting = _meeting(chain, people, TODAY - dt.timedelta(days=40),
                       {"title": "逾期任务", "owner_user": people["owner"], "workdays": 3},
                       {"title": "未到期", "owner_user": people["owner"], "workdays": 200})
    with django_capture_on_commit_callbacks(execute=True):
        assert services.actions_sweep() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert services.actions_sweep() == 0  # once per item and deadline
    told = Notification.objects.filter(kind="chain_action_overdue")
    assert set(told.values_list("user__username", flat=True)) == {"development", "leader"}
    assert told.count() == 2
    overdue = meeting.actions.get(title="逾期任务")
    assert overdue.is_overdue(TODAY) and not meeting.actions.get(title="未到期").is_overdue(TODAY)


def test_pages_record_a_meeting_and_flag_the_overdue(client, chain, people):
    client.force_login(people["chief"])
    url = reverse("chain_meeting_new", args=[chain.code])
    assert client.get(url).status_code == 200
    data = {"title": "专班调度会", "held_on": f"{TODAY - dt.timedelta(days=30):%Y-%m-%d}", "minutes": "研究补链",
            "actions-TOTAL_FORMS": "3", "actions-INITIAL_FORMS": "0",
            "actions-0-title": "协调用电", "actions-0-owner_unit": str(people["owner"].org_unit_id),
            "actions-0-workdays": "3",
            "actions-1-title": "对接目标企业", "actions-1-owner_user": str(people["member"].pk),
            "actions-1-workdays": "200"}
    refused = client.post(url, {**data, "actions-1-workdays": ""})
    assert refused.status_code == 400 and "请填写办理时限" in refused.content.decode()
    negative = client.post(url, {**data, "actions-1-workdays": "-3"}).content.decode()  # one error, the right one
    assert "办理时限至少为 1 个工作日" in negative and "请填写办理时限" not in negative
    done = client.post(url, data)
    assert done.status_code == 302
    page = client.get(done["Location"]).content.decode()
    assert page.count('data-testid="overdue"') == 1
    tab = client.get(reverse("chain_detail", args=[chain.code]) + "?tab=actions").content.decode()
    assert "已逾期" in tab and "对接目标企业" in tab
    # A firm user and an outsider cannot act on the items.
    action = ActionItem.objects.get(title="协调用电")
    client.force_login(people["outsider"])
    assert client.post(reverse("chain_action_act", args=[action.pk]), {"name": "CLOSE", "reason": "x"}).status_code == 404
    client.force_login(people["owner"])
    assert client.post(reverse("chain_action_note", args=[action.pk]), {"note": "已踏勘"}).status_code == 302
    assert client.post(reverse("chain_action_act", args=[action.pk]), {"name": "CLOSE"}).status_code == 400
    assert client.post(reverse("chain_action_act", args=[action.pk]), {"name": "CLOSE", "reason": "已送电"}).status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.CLOSED


def test_reserved_codes_are_refused(people):
    with pytest.raises(ValidationError):
        services.chain_create(actor=people["admin"], code="actions", name="某链")

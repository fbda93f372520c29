"""Walk the whole transition table: every allowed transition succeeds with exactly one audit
event; every other (transition, state) pair is refused and writes nothing."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.cases import services
from gaoxin.cases.models import Case, CaseEvent, Status, Suspension
from gaoxin.cases.workflow import SYSTEM, TRANSITIONS
from gaoxin.core.models import AuditEvent
from gaoxin.core.selectors import work_calendar

PAIRS = [(name, status) for name in TRANSITIONS for status in Status.values]


def actor_for(transition, users):
    roles = transition.roles
    if roles == {SYSTEM}:
        return None
    for role in (Role.WINDOW_CLERK, Role.DEPT_OFFICER, Role.ENTERPRISE, Role.ZONE_ADMIN):
        if role in roles:
            return users[role]
    raise AssertionError(roles)


@pytest.fixture
def users(clerk_user, officer, enterprise_user, admin_user):
    return {Role.WINDOW_CLERK: clerk_user, Role.DEPT_OFFICER: officer, Role.ENTERPRISE: enterprise_user,
            Role.ZONE_ADMIN: admin_user}


def prepared(case: Case, name: str, status: str) -> dict:
    """Put the case in `status` with whatever the transition's guard needs; return kwargs."""
    on = services.today()
    cal = work_calendar()
    fields = {"status": status, "accepted_on": on, "due_date": cal.add_working_days(on, 5)}
    kwargs = {}
    if name == "DEEMED_ACCEPT":
        fields["correction_notice_due"] = on - dt.timedelta(days=1)
    if name == "RESUME":
        Suspension.objects.create(case=case, reason="专家评审", started_on=on)
    if name == "ACCEPT_TOLERANCE":
        fields["accepted_on"] = fields["due_date"] = None
        tolerance = case.materials.get(material__necessity="tolerance")
        kwargs = {"owed": [tolerance.material_id], "supply_days": 1, "commitment": True}
    if name == "APPROVE":
        kwargs = {"opinion": "符合法定条件", "licence_number": "湘高新许字〔2026〕第0001号"}
    if name == "REFUSE":
        kwargs = {"opinion": "不符合法定条件", "legal_basis": "《行政许可法》第三十八条第二款"}
    if name == "DELIVER":
        kwargs = {"method": "window"}
    if name == "TERMINATE_TOLERANCE":  # the supply day (inclusive) has passed with a material still owed
        fields.update(tolerance=True, tolerance_due=on - dt.timedelta(days=1))
        case.materials.filter(material__necessity="tolerance").update(owed=True)
    Case.objects.filter(pk=case.pk).update(**fields)
    case.refresh_from_db()
    return kwargs


@pytest.mark.parametrize("name,status", PAIRS)
def test_transition_table(name, status, item, immediate_item, submit, users):
    transition = TRANSITIONS[name]
    case = submit(immediate_item if name == "COMPLETE_IMMEDIATE" else item)
    kwargs = prepared(case, name, status)
    actor = actor_for(transition, users)
    reason = "说明" if transition.needs_reason else ""
    audits, events = AuditEvent.objects.count(), CaseEvent.objects.count()
    if status in transition.sources:
        services.case_transition(case=case, name=name, actor=actor, reason=reason, **kwargs)
        case.refresh_from_db()
        if transition.target is not None:
            assert case.status == transition.target
        assert AuditEvent.objects.count() == audits + 1
        assert CaseEvent.objects.count() == events + 1
    else:
        with pytest.raises(ValidationError):
            services.case_transition(case=case, name=name, actor=actor, reason=reason, **kwargs)
        case.refresh_from_db()
        assert case.status == status
        assert AuditEvent.objects.count() == audits and CaseEvent.objects.count() == events


@pytest.mark.parametrize("name", sorted(TRANSITIONS))
def test_roles_outside_the_table_are_refused(name, item, submit, users, db):
    transition = TRANSITIONS[name]
    case = submit(item)
    status = sorted(transition.sources)[0]
    Case.objects.filter(pk=case.pk).update(status=status)
    case.refresh_from_db()
    for role in Role.values:
        if role in transition.roles:
            continue
        actor = UserFactory(role=role)
        with pytest.raises(PermissionDenied):
            services.case_transition(case=case, name=name, actor=actor, reason="x")
    if SYSTEM not in transition.roles:
        with pytest.raises(PermissionDenied):
            services.case_transition(case=case, name=name, actor=None, reason="x")


def test_officer_of_another_department_cannot_act(item, submit, other_officer, clerk_user):
    case = submit(item)
    services.case_transition(case=case, name="ACCEPT", actor=clerk_user)
    with pytest.raises(PermissionDenied):
        services.case_transition(case=Case.objects.get(pk=case.pk), name="START_REVIEW", actor=other_officer)


def test_reason_is_required_where_the_table_says(item, submit, clerk_user):
    case = submit(item)
    with pytest.raises(ValidationError) as exc:
        services.case_transition(case=case, name="REFUSE_ACCEPT", actor=clerk_user, reason="  ")
    assert "reason" in exc.value.message_dict


def test_concurrent_change_is_a_conflict(item, submit, clerk_user):
    case = submit(item)
    stale = Case.objects.get(pk=case.pk)
    services.case_transition(case=case, name="ACCEPT", actor=clerk_user)
    with pytest.raises(services.CaseConflict) as exc:
        services.case_transition(case=stale, name="NOT_ACCEPT", actor=clerk_user, reason="重复")
    assert "已变为“已受理”" in str(exc.value)

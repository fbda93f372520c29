"""The case table and the 差评整改 table, walked by the kernel's generic walk (every allowed pair succeeds
with exactly one audit event and one timeline row; every other pair is refused and writes nothing; every
role outside the table is refused), and compared with matrices written by hand from the spec."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.cases import services
from gaoxin.cases.models import Case, CaseEvent, RectificationStatus, Review, Status, Suspension
from gaoxin.cases.workflow import RECTIFICATION_WORKFLOW, WORKFLOW
from gaoxin.core.models import AuditEvent
from gaoxin.core.selectors import work_calendar
from gaoxin.core.tests.workflow_walk import available_from, check_pair, check_roles_refused, pairs
from gaoxin.core.workflow import SYSTEM

S = Status
# services.md §5.3's state machine, written out by hand from the spec (not from the table), so the table
# cannot drift from the spec unnoticed. CORRECTION_DONE (7) is the step COMPLETE_CORRECTION → ACCEPTED;
# 容缺 acceptance is a way into ACCEPTED (§6), from intake; "cancellation approved [负责人]" is the zone
# administrator's CANCEL from any non-terminal state; TERMINATED is the sweep's end of an owed 容缺 case
# (including 办结（容缺通过）); 即办件 are completed on the spot (§3.6); 不予受理 also after a correction notice.
# A 一件事 package (§8) is withdrawn as a whole before acceptance ("RECEIVED | CORRECTION --applicant withdraws-->
# WITHDRAWN_PRE" for the package: its children each withdrawn, the package following); a package is never in
# CORRECTION (its children are).
SPEC = {
    S.RECEIVED: {"ACCEPT", "ACCEPT_TOLERANCE", "COMPLETE_IMMEDIATE", "REQUEST_CORRECTION", "NOT_ACCEPT",
                 "REFUSE_ACCEPT", "WITHDRAW_PRE", "WITHDRAW_PACKAGE", "DEEMED_ACCEPT", "CANCEL"},
    S.CORRECTION: {"COMPLETE_CORRECTION", "ACCEPT_TOLERANCE", "REFUSE_ACCEPT", "WITHDRAW_PRE", "CANCEL"},
    S.ACCEPTED: {"START_REVIEW", "REQUEST_WITHDRAWAL", "TERMINATE_TOLERANCE", "CANCEL"},
    S.IN_REVIEW: {"SUSPEND", "EXTEND", "APPROVE", "REFUSE", "REQUEST_WITHDRAWAL", "TERMINATE_TOLERANCE", "CANCEL"},
    S.SUSPENDED: {"RESUME", "REQUEST_WITHDRAWAL", "TERMINATE_TOLERANCE", "CANCEL"},
    S.DECIDED_OK: {"DELIVER", "CANCEL"},
    S.DECIDED_OK_TOLERANCE: {"DELIVER", "TERMINATE_TOLERANCE", "CANCEL"},
    S.DECIDED_REFUSED: {"DELIVER", "CANCEL"},
    S.WITHDRAW_PENDING: {"CONFIRM_WITHDRAWAL", "CANCEL"},
    S.WITHDRAWN_PRE: set(), S.NOT_ACCEPTED: set(), S.REFUSED_ACCEPT: set(), S.WITHDRAWN: set(),
    S.CANCELLED: set(), S.TERMINATED: set(), S.DELIVERED: set(),
}
# Who acts (§5.3's brackets): the window (综窗) takes in, accepts and issues results; the department
# reviews and decides, and may issue its own result; the applicant withdraws; the sweep deems and terminates.
WHO = {
    "ACCEPT": {"clerk"}, "ACCEPT_TOLERANCE": {"clerk"}, "COMPLETE_IMMEDIATE": {"clerk", SYSTEM},
    "REQUEST_CORRECTION": {"clerk"}, "COMPLETE_CORRECTION": {"clerk"}, "NOT_ACCEPT": {"clerk"},
    "REFUSE_ACCEPT": {"clerk"}, "WITHDRAW_PRE": {"clerk", "applicant"}, "WITHDRAW_PACKAGE": {"clerk", "applicant"},
    "DEEMED_ACCEPT": {SYSTEM},
    "START_REVIEW": {"officer"}, "SUSPEND": {"officer"}, "RESUME": {"officer"}, "EXTEND": {"officer"},
    "APPROVE": {"officer"}, "REFUSE": {"officer"}, "DELIVER": {"clerk", "officer"},
    "REQUEST_WITHDRAWAL": {"clerk", "applicant"}, "CONFIRM_WITHDRAWAL": {"clerk", "officer"},
    "TERMINATE_TOLERANCE": {SYSTEM}, "CANCEL": {"admin"},
}


def test_the_table_is_the_specs_state_machine():
    assert available_from(WORKFLOW, S.values) == SPEC
    assert {t.name: set(t.roles) for t in WORKFLOW.transitions} == WHO


# Which objects each step applies to: a package only to its withdrawal (its children carry the rest); a 承诺件
# never to 即办办结 (§3.6: 即收即办、当场办结 is the 即办件's).
PACKAGE_STEPS = {"WITHDRAW_PACKAGE"}
IMMEDIATE_ONLY = {"COMPLETE_IMMEDIATE"}


def test_what_applies_to_packages_promised_and_immediate_cases(item, immediate_item, submit, file_package):
    package, promised, immediate = file_package(), submit(item), submit(immediate_item)
    child = package.children.first()
    applies = {label: {t.name for t in WORKFLOW.transitions if t.applies(obj)}
               for label, obj in (("package", package), ("promised", promised), ("immediate", immediate),
                                  ("child", child))}
    every = set(WORKFLOW.table)
    assert applies == {"package": PACKAGE_STEPS, "promised": every - PACKAGE_STEPS - IMMEDIATE_ONLY,
                       "immediate": every - PACKAGE_STEPS, "child": every - PACKAGE_STEPS - IMMEDIATE_ONLY}


@pytest.fixture
def users(clerk_user, officer, enterprise_user, admin_user):
    return {"clerk": clerk_user, "officer": officer, "applicant": enterprise_user, "admin": admin_user, SYSTEM: None}


def prepared(case: Case, name: str, status: str) -> dict:
    """Put the case in `status` with whatever the transition's guard needs; return its inputs."""
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


@pytest.mark.parametrize("name,status", pairs(WORKFLOW, S.values))
def test_transition_table(name, status, item, immediate_item, submit, file_package, users):
    transition = WORKFLOW[name]
    if name == "WITHDRAW_PACKAGE":
        return check_package_withdrawal(file_package(), status, users["clerk"])
    case = submit(immediate_item if name == "COMPLETE_IMMEDIATE" else item)
    kwargs = prepared(case, name, status)
    actor = users[sorted(transition.roles)[0]]
    check_pair(WORKFLOW, case, name, actor=actor, history=CaseEvent.objects.count, **kwargs)


def check_package_withdrawal(package: Case, status: str, actor):
    """The walk for the one step that changes several rows: from RECEIVED, one audit event and one timeline row
    per state change (each child's WITHDRAW_PRE, then the package's); from anywhere else nothing is written."""
    Case.objects.filter(pk=package.pk).update(status=status)
    package.refresh_from_db()
    children = list(package.children.all())
    if not WORKFLOW["WITHDRAW_PACKAGE"].starts_from(status):
        check_pair(WORKFLOW, package, "WITHDRAW_PACKAGE", actor=actor, history=CaseEvent.objects.count)
        return
    audits, rows = AuditEvent.objects.count(), CaseEvent.objects.count()
    services.case_transition(case=package, name="WITHDRAW_PACKAGE", actor=actor, reason="申请人不再办理")
    assert AuditEvent.objects.count() == audits + len(children) + 1
    assert CaseEvent.objects.count() == rows + len(children) + 1
    assert set(Case.objects.filter(pk__in=[package.pk, *[c.pk for c in children]]).values_list("status", flat=True)) \
        == {S.WITHDRAWN_PRE}


@pytest.mark.parametrize("name", [t.name for t in WORKFLOW.transitions])
def test_roles_outside_the_table_are_refused(name, item, submit, users, other_officer, other_enterprise):
    case = submit(item)
    Case.objects.filter(pk=case.pk).update(status=sorted(WORKFLOW[name].sources)[0])
    case.refresh_from_db()
    stranger = UserFactory(role=Role.ENTERPRISE)
    stranger.enterprise_memberships.create(enterprise=other_enterprise)
    actors = {token: user for token, user in users.items() if user is not None}
    actors.update({"other department": other_officer, "other firm": stranger,
                   **{role: UserFactory(role=role) for role in (Role.LEADER, Role.AGENT, Role.STATION_OFFICER)}})
    check_roles_refused(WORKFLOW, case, name, actors)


def test_officer_of_another_department_has_no_officer_token(item, submit, other_officer, clerk_user):
    case = submit(item)
    services.case_transition(case=case, name="ACCEPT", actor=clerk_user)
    assert WORKFLOW.roles_of(other_officer, case) == frozenset()
    with pytest.raises(PermissionDenied):
        services.case_transition(case=Case.objects.get(pk=case.pk), name="START_REVIEW", actor=other_officer)


def test_the_sweep_is_the_system_actor(item, submit):
    case = submit(item)
    with pytest.raises(PermissionDenied):
        services.case_transition(case=case, name="ACCEPT", actor=None)


def test_reason_is_required_where_the_table_says(item, submit, clerk_user):
    case = submit(item)
    with pytest.raises(ValidationError) as exc:
        services.case_transition(case=case, name="REFUSE_ACCEPT", actor=clerk_user, reason="  ")
    assert "reason" in exc.value.message_dict


def test_an_unknown_transition_is_refused_without_showing_its_code(item, submit, clerk_user):
    with pytest.raises(ValidationError) as exc:
        services.case_transition(case=submit(item), name="FLY_AWAY", actor=clerk_user)
    assert "FLY_AWAY" not in str(exc.value)


def test_concurrent_change_is_a_conflict(item, submit, clerk_user):
    case = submit(item)
    stale = Case.objects.get(pk=case.pk)
    services.case_transition(case=case, name="ACCEPT", actor=clerk_user)
    with pytest.raises(services.CaseConflict) as exc:
        services.case_transition(case=stale, name="NOT_ACCEPT", actor=clerk_user, reason="重复")
    assert "已变为“已受理”" in str(exc.value)


# --- 差评整改 ------------------------------------------------------------------------------------------

R = RectificationStatus
# services.md §9: NEW → ASSIGNED → VERIFIED → RECTIFIED | EXPLAINED | APPEAL_UPHELD → FEEDBACK_SENT → REVISITED.
# Gaoxin opens the task already assigned to the department of the case (NEW, ASSIGNED and VERIFIED are OPEN:
# "谁办理、谁负责"); the feedback goes to the applicant with RECTIFY / EXPLAIN (their timeline and inbox), so
# FEEDBACK_SENT is RECTIFIED / EXPLAINED; the revisit records the applicant's rating of the rectification.
# APPEAL_UPHELD (申诉复核) is not offered yet.
RECTIFICATION_SPEC = {
    R.OPEN: {"RECTIFY", "EXPLAIN"},
    R.RECTIFIED: {"REVISIT"},
    R.EXPLAINED: {"REVISIT"},
    R.REVISITED: set(),
}


def test_the_rectification_table_is_the_specs():
    assert available_from(RECTIFICATION_WORKFLOW, R.values) == RECTIFICATION_SPEC
    assert {t.name: set(t.roles) for t in RECTIFICATION_WORKFLOW.transitions} == {
        "RECTIFY": {"department", "admin"}, "EXPLAIN": {"department", "admin"}, "REVISIT": {"department", "admin"}}


@pytest.fixture
def rectification(item, submit, clerk_user, officer, enterprise_user):
    case = services.case_transition(case=submit(item), name="ACCEPT", actor=clerk_user)
    case = services.case_transition(case=case, name="START_REVIEW", actor=officer)
    case = services.case_transition(case=case, name="APPROVE", actor=officer, opinion="符合法定条件",
                                    licence_number="湘高新许字〔2026〕第0001号")
    case = services.case_transition(case=case, name="DELIVER", actor=clerk_user, method="window")
    return services.review_submit(case=case, level=1, comment="等候太久", actor=enterprise_user).rectification


@pytest.mark.parametrize("name,status", pairs(RECTIFICATION_WORKFLOW, R.values))
def test_rectification_table(name, status, rectification, officer):
    type(rectification).objects.filter(pk=rectification.pk).update(status=status)
    rectification.refresh_from_db()
    check_pair(RECTIFICATION_WORKFLOW, rectification, name, actor=officer, history=CaseEvent.objects.count,
               measures="增设综窗，实行预约", visit_note="电话回访，企业认可", visit_result=3)


@pytest.mark.parametrize("name", [t.name for t in RECTIFICATION_WORKFLOW.transitions])
def test_rectification_roles_outside_the_table_are_refused(name, rectification, officer, admin_user, other_officer,
                                                           clerk_user, leader_user, enterprise_user):
    type(rectification).objects.filter(pk=rectification.pk).update(status=sorted(RECTIFICATION_WORKFLOW[name].sources)[0])
    rectification.refresh_from_db()
    check_roles_refused(RECTIFICATION_WORKFLOW, rectification, name, {
        "department": officer, "admin": admin_user, "other department": other_officer, "clerk": clerk_user,
        "leader": leader_user, "applicant": enterprise_user})


def test_a_rectification_step_shows_on_the_case_timeline(rectification, officer):
    services.rectification_transition(rectification=rectification, name="RECTIFY", actor=officer,
                                      measures="增设综窗，实行预约")
    case = Review.objects.get(pk=rectification.review_id).case
    event = case.events.last()
    assert event.transition == "RECTIFY" and event.note == "增设综窗，实行预约"
    audit = AuditEvent.objects.latest("id")
    assert audit.event_type == "case.rectification.rectify"
    assert audit.before == {"rectification": "open"} and audit.after["rectification"] == "rectified"


def test_every_step_has_a_chinese_label_in_the_audit_log_and_on_the_timeline():
    from gaoxin.core import events

    for t in RECTIFICATION_WORKFLOW.transitions:
        assert events.label(f"case.rectification.{t.name.lower()}") == t.label
        assert events.label(t.name, "case.") == f"差评整改：{t.label}"
    for t in WORKFLOW.transitions:
        assert events.label(t.name, "case.") == t.label

"""The evaluation cycle's state machine (specs/evaluation.md §12.2) and its participant list."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import OrgUnitFactory, UserFactory
from gaoxin.core import events
from gaoxin.core.models import AuditEvent
from gaoxin.core.tests.workflow_walk import available_from, check_pair, check_roles_refused, pairs
from gaoxin.enterprises.models import LandKind, SizeGroup
from gaoxin.enterprises.tests.factories import EnterpriseFactory, LandParcelFactory
from gaoxin.evaluation import services
from gaoxin.evaluation.models import Cycle, CycleEvent, CycleStatus, Participant, RunStatus, ScoreRun
from gaoxin.evaluation.tests.helpers import DOC, walk
from gaoxin.evaluation.workflow import WORKFLOW

S = CycleStatus
# The audit event types of the cycle's transitions ("evaluation.cycle.confirm_scope", ...).
TRANSITION_EVENTS = [f"evaluation.cycle.{t.name.lower()}" for t in WORKFLOW.transitions]


@pytest.fixture
def econ_officer(db):
    return UserFactory(role=Role.DEPT_OFFICER, org_unit=OrgUnitFactory(name="经济发展局", code="economic"))


@pytest.fixture
def cycle(admin_user):
    return services.cycle_create(actor=admin_user, data_year=2025, name="2025年度亩产效益综合评价")


@pytest.fixture
def zone(db):
    """Three industrial firms with land (two above scale, one below), one leasing all its land out,
    one without land and a retailer that does not take part."""
    firms = {
        "big": EnterpriseFactory(size_group=SizeGroup.ABOVE),
        "mid": EnterpriseFactory(size_group=SizeGroup.ABOVE),
        "small": EnterpriseFactory(size_group=SizeGroup.BELOW),
        "landlord": EnterpriseFactory(size_group=SizeGroup.ABOVE),
        "landless": EnterpriseFactory(size_group=SizeGroup.ABOVE),
        "shop": EnterpriseFactory(size_group=SizeGroup.ABOVE, industry_id="52"),
    }
    for key in ("big", "mid", "small", "shop"):
        LandParcelFactory(enterprise=firms[key])
    LandParcelFactory(enterprise=firms["landlord"], area_m2=5000)
    LandParcelFactory(enterprise=firms["landlord"], kind=LandKind.LEASED_OUT, area_m2=5000)
    return firms


MAIN_PATH = [S.SCOPE_CONFIRMED, S.COLLECTING, S.DEPT_REVIEW, S.ENTERPRISE_CONFIRM, S.SCORED,
             S.APPROVED_FOR_NOTICE, S.PUBLIC_NOTICE, S.OBJECTION_RESOLUTION, S.RELEASED, S.POLICY_APPLIED]


# §12.2 written out by hand from the spec (not from the table), so the table cannot drift from it unnoticed:
# "forward along the table; optional states may be skipped; DEPT_REVIEW ↔ CORRECTING; OBJECTION_RESOLUTION →
# PUBLIC_NOTICE when the zone re-publishes; RELEASED → AMENDED → RELEASED (new version)". LAND_NOTICE,
# INTERIM_NOTICE and CORRECTING are the optional states.
SPEC_TARGETS = {
    S.DRAFT: {S.SCOPE_CONFIRMED},
    S.SCOPE_CONFIRMED: {S.COLLECTING},
    S.COLLECTING: {S.DEPT_REVIEW},
    S.DEPT_REVIEW: {S.LAND_NOTICE, S.INTERIM_NOTICE, S.CORRECTING, S.ENTERPRISE_CONFIRM},
    S.LAND_NOTICE: {S.INTERIM_NOTICE, S.CORRECTING, S.ENTERPRISE_CONFIRM},
    S.INTERIM_NOTICE: {S.CORRECTING, S.ENTERPRISE_CONFIRM},
    S.CORRECTING: {S.ENTERPRISE_CONFIRM, S.DEPT_REVIEW},
    S.ENTERPRISE_CONFIRM: {S.SCORED},
    S.SCORED: {S.APPROVED_FOR_NOTICE},
    S.APPROVED_FOR_NOTICE: {S.PUBLIC_NOTICE},
    S.PUBLIC_NOTICE: {S.OBJECTION_RESOLUTION},
    S.OBJECTION_RESOLUTION: {S.RELEASED, S.PUBLIC_NOTICE},
    S.RELEASED: {S.POLICY_APPLIED, S.AMENDED},
    S.POLICY_APPLIED: {S.AMENDED},
    S.AMENDED: {S.RELEASED},
}
# The same machine as the named steps the bureau takes from each state.
SPEC = {
    S.DRAFT: {"CONFIRM_SCOPE"},
    S.SCOPE_CONFIRMED: {"START_COLLECTION"},
    S.COLLECTING: {"START_REVIEW"},
    S.DEPT_REVIEW: {"LAND_NOTICE", "INTERIM_NOTICE", "START_CORRECTION", "REQUEST_CONFIRMATION"},
    S.LAND_NOTICE: {"INTERIM_NOTICE", "START_CORRECTION", "REQUEST_CONFIRMATION"},
    S.INTERIM_NOTICE: {"START_CORRECTION", "REQUEST_CONFIRMATION"},
    S.CORRECTING: {"REQUEST_CONFIRMATION", "START_REVIEW"},
    S.ENTERPRISE_CONFIRM: {"SCORE"},
    S.SCORED: {"APPROVE"},
    S.APPROVED_FOR_NOTICE: {"PUBLISH_NOTICE"},
    S.PUBLIC_NOTICE: {"RESOLVE_OBJECTIONS"},
    S.OBJECTION_RESOLUTION: {"RELEASE", "RENOTICE"},
    S.RELEASED: {"APPLY_POLICY", "AMEND"},
    S.POLICY_APPLIED: {"AMEND"},
    S.AMENDED: {"RELEASE_AMENDMENT"},
}


def test_the_table_is_the_specs_state_machine():
    assert available_from(WORKFLOW, S.values) == SPEC
    targets = {s: {t.target for t in WORKFLOW.transitions if t.starts_from(s)} for s in S.values}
    assert targets == SPEC_TARGETS


def test_every_transition_has_a_chinese_label():
    for t in WORKFLOW.transitions:
        assert events.label(f"evaluation.cycle.{t.name.lower()}") == t.label != events.UNKNOWN


@pytest.fixture
def ready(admin_user, zone):
    """A cycle that satisfies every guard: firms on the list, a finished run, the notice window passed."""
    cycle = services.cycle_create(actor=admin_user, data_year=2025, name="2025年度全表测试")
    services.participants_populate(actor=admin_user, cycle=cycle)
    run = ScoreRun.objects.create(cycle=cycle, number=1, status=RunStatus.DONE, method_hash="0" * 64,
                                  created_by=admin_user)
    Cycle.objects.filter(pk=cycle.pk).update(current_run=run,
                                             notice_end=timezone.localdate() - dt.timedelta(days=1))
    return cycle


@pytest.mark.parametrize("name,status", pairs(WORKFLOW, S.values))
def test_transition_table(name, status, ready, admin_user):
    """Every transition from every state: allowed ones write one audit event and one timeline row,
    the others are refused and write nothing."""
    Cycle.objects.filter(pk=ready.pk).update(status=status)
    ready.refresh_from_db()
    check_pair(WORKFLOW, ready, name, actor=admin_user, history=lambda: CycleEvent.objects.count(), doc_no=DOC)


@pytest.mark.parametrize("name", [t.name for t in WORKFLOW.transitions])
def test_roles_outside_the_table_are_refused(name, ready, clerk_user, leader_user, enterprise_user):
    Cycle.objects.filter(pk=ready.pk).update(status=sorted(WORKFLOW[name].sources)[0])
    ready.refresh_from_db()
    before = AuditEvent.objects.count()
    check_roles_refused(WORKFLOW, ready, name, {
        "clerk": clerk_user, "leader": leader_user, "enterprise": enterprise_user,
        "tax bureau": UserFactory(role=Role.DEPT_OFFICER, org_unit=OrgUnitFactory(code="tax")),
        "station": UserFactory(role=Role.STATION_OFFICER),
    })
    assert AuditEvent.objects.count() == before and not CycleEvent.objects.exists()


def test_create_validates_and_audits(admin_user):
    with pytest.raises(ValidationError) as err:
        services.cycle_create(actor=admin_user, data_year=1999, name=" ", method_name="../../etc/passwd")
    assert set(err.value.message_dict) == {"data_year", "name", "method_name"}
    cycle = services.cycle_create(actor=admin_user, data_year=2025, name="年度评价", method_name="zhejiang")
    assert cycle.status == S.DRAFT and cycle.notice_length == 5 and cycle.notice_unit == "calendar"
    assert str(cycle) == "2025年度 年度评价"
    assert str(services.cycle_create(actor=admin_user, data_year=2024, name="2024年度评价")) == "2024年度评价"
    assert AuditEvent.objects.filter(event_type="evaluation.cycle.create", subject_id=str(cycle.pk)).count() == 1
    with pytest.raises(ValidationError, match="已有"):
        services.cycle_create(actor=admin_user, data_year=2025, name="年度评价")


@pytest.mark.parametrize("role", [Role.WINDOW_CLERK, Role.LEADER, Role.ENTERPRISE, Role.DEPT_OFFICER])
def test_only_admin_and_economic_bureau_run_cycles(role, econ_officer, cycle):
    other = UserFactory(role=role, org_unit=OrgUnitFactory(code="tax") if role == Role.DEPT_OFFICER else None)
    with pytest.raises(PermissionDenied):
        services.cycle_create(actor=other, data_year=2024, name="x")
    with pytest.raises(PermissionDenied):
        services.cycle_transition(actor=other, cycle=cycle, name="CONFIRM_SCOPE")
    assert services.cycle_create(actor=econ_officer, data_year=2024, name="经发局建").created_by == econ_officer


def test_populate_groups_by_size_and_flags_land_as_t_class(admin_user, cycle, zone):
    counts = services.participants_populate(actor=admin_user, cycle=cycle)
    assert counts == {"added": 5, "t_class": 2}
    rows = {p.enterprise_id: p for p in cycle.participants.all()}
    assert zone["shop"].pk not in rows
    assert rows[zone["small"].pk].group == SizeGroup.BELOW and rows[zone["big"].pk].group == SizeGroup.ABOVE
    assert not rows[zone["landless"].pk].participating and rows[zone["landless"].pk].t_reason == "用地面积无法确认"
    assert not rows[zone["landlord"].pk].participating
    assert services.participants_populate(actor=admin_user, cycle=cycle) == {"added": 0, "t_class": 0}


def test_the_list_holds_the_firms_of_the_data_year(admin_user, cycle, zone):
    """A firm registered after the data year is not evaluated for it; one registered during it is 初创期 (T)."""
    from gaoxin.enterprises.tests.factories import EnterpriseFactory, LandParcelFactory

    later = EnterpriseFactory(registered_on=dt.date(cycle.data_year + 1, 3, 1))
    new = EnterpriseFactory(registered_on=dt.date(cycle.data_year, 6, 1))
    for firm in (later, new):
        LandParcelFactory(enterprise=firm)
    services.participants_populate(actor=admin_user, cycle=cycle)
    rows = {p.enterprise_id: p for p in cycle.participants.all()}
    assert later.pk not in rows
    assert not rows[new.pk].participating and rows[new.pk].t_reason == f"{cycle.data_year}年内新成立（初创期企业）"


def test_t_class_needs_a_reason_and_the_list_freezes_on_confirmation(admin_user, cycle, zone):
    services.participants_populate(actor=admin_user, cycle=cycle)
    row = cycle.participants.get(enterprise=zone["big"])
    with pytest.raises(ValidationError, match="原因"):
        services.participant_flag(actor=admin_user, participant=row, participating=False)
    row = services.participant_flag(actor=admin_user, participant=row, participating=False, reason="当年新投产")
    assert row.t_reason == "当年新投产"
    with transaction.atomic(), pytest.raises(IntegrityError):
        Participant.objects.filter(pk=row.pk).update(t_reason="")
    walk(cycle, admin_user, S.SCOPE_CONFIRMED)
    with pytest.raises(ValidationError, match="已确认"):
        services.participant_flag(actor=admin_user, participant=row, participating=True)


def test_an_empty_list_cannot_be_confirmed(admin_user, cycle):
    with pytest.raises(ValidationError, match="为空"):
        services.cycle_transition(actor=admin_user, cycle=cycle, name="CONFIRM_SCOPE")
    assert Cycle.objects.get(pk=cycle.pk).status == S.DRAFT


def test_main_path_freezes_the_method_numbers_documents_and_writes_one_event_each(admin_user, cycle, zone):
    services.participants_populate(actor=admin_user, cycle=cycle)
    before = AuditEvent.objects.filter(event_type__in=TRANSITION_EVENTS).count()
    cycle = walk(cycle, admin_user, *MAIN_PATH[:4])
    assert cycle.method_frozen is None
    cycle = walk(cycle, admin_user, S.SCORED)
    assert cycle.method_frozen["groups"]["ABOVE"]["indicators"]["I1"]["weight"] == 30 and len(cycle.method_hash) == 64
    frozen = cycle.method_hash
    cycle = walk(cycle, admin_user, *MAIN_PATH[5:])
    assert (cycle.status, cycle.release_version, cycle.approval_doc_no) == (S.POLICY_APPLIED, 1, "济高新管发〔2026〕4号")
    cycle = walk(cycle, admin_user, S.AMENDED, S.RELEASED)
    assert cycle.release_version == 2 and cycle.method_hash == frozen
    audited = AuditEvent.objects.filter(event_type__in=TRANSITION_EVENTS, subject_id=str(cycle.pk))
    assert audited.count() - before == len(MAIN_PATH) + 2
    last = audited.order_by("-id").first()
    assert (last.event_type, last.before) == ("evaluation.cycle.release_amendment", {"status": S.AMENDED})
    assert last.after["release_version"] == 2 and last.after["doc_no"] == DOC
    timeline = list(cycle.events.values_list("transition", "to_status"))
    assert len(timeline) == len(MAIN_PATH) + 2 and timeline[-2:] == [("AMEND", S.AMENDED),
                                                                      ("RELEASE_AMENDMENT", S.RELEASED)]
    assert cycle.events.get(transition="AMEND").note == "税务局更正一家企业的税收数据"


def test_optional_states_and_loops(admin_user, cycle, zone):
    services.participants_populate(actor=admin_user, cycle=cycle)
    cycle = walk(cycle, admin_user, S.SCOPE_CONFIRMED, S.COLLECTING, S.DEPT_REVIEW, S.LAND_NOTICE, S.CORRECTING,
                 S.DEPT_REVIEW, S.INTERIM_NOTICE, S.ENTERPRISE_CONFIRM, S.SCORED, S.APPROVED_FOR_NOTICE,
                 S.PUBLIC_NOTICE, S.OBJECTION_RESOLUTION, S.PUBLIC_NOTICE, S.OBJECTION_RESOLUTION)
    assert cycle.status == S.OBJECTION_RESOLUTION


@pytest.mark.parametrize("start, name, message", [
    (S.DRAFT, "START_COLLECTION", "不能"),             # skipping a required state
    (S.COLLECTING, "CONFIRM_SCOPE", "不能"),           # going back
    (S.SCORED, "PUBLISH_NOTICE", "不能"),              # notice without approval
    (S.PUBLIC_NOTICE, "RELEASE", "不能"),              # release without objection handling
    (S.DEPT_REVIEW, "SCORE", "不能"),                  # scoring before enterprises confirm
    (S.AMENDED, "APPLY_POLICY", "不能"),
    (S.RELEASED, "NONSENSE", "未知操作"),
])
def test_forbidden_transitions_change_nothing(admin_user, cycle, start, name, message):
    Cycle.objects.filter(pk=cycle.pk).update(status=start)
    cycle.refresh_from_db()
    audits = AuditEvent.objects.count()
    with pytest.raises(ValidationError, match=message):
        services.cycle_transition(actor=admin_user, cycle=cycle, name=name)
    cycle.refresh_from_db()
    assert cycle.status == start and AuditEvent.objects.count() == audits and not CycleEvent.objects.exists()


@pytest.mark.parametrize("start, name, kwargs, message", [
    (S.SCORED, "APPROVE", {}, "文号"),
    (S.OBJECTION_RESOLUTION, "RELEASE", {"doc_no": "  "}, "文号"),
    (S.RELEASED, "AMEND", {}, "原因"),
    (S.SCORED, "APPROVE", {"doc_no": "济高新管发〔2026〕4号"}, "还没有完成的评价测算"),
    (S.OBJECTION_RESOLUTION, "RELEASE", {"doc_no": "济高新管发〔2026〕4号"}, "还没有完成的评价测算"),
])
def test_guards_need_documents_and_reasons(admin_user, cycle, start, name, kwargs, message):
    Cycle.objects.filter(pk=cycle.pk).update(status=start)
    cycle.refresh_from_db()
    with pytest.raises(ValidationError, match=message):
        services.cycle_transition(actor=admin_user, cycle=cycle, name=name, **kwargs)
    cycle.refresh_from_db()
    assert cycle.status == start and cycle.release_version == 0


def test_the_missing_document_number_is_named_as_a_field(admin_user, cycle):
    Cycle.objects.filter(pk=cycle.pk).update(status=S.SCORED)
    cycle.refresh_from_db()
    with pytest.raises(ValidationError) as err:
        services.cycle_transition(actor=admin_user, cycle=cycle, name="APPROVE", doc_no=" ")
    assert err.value.message_dict == {"doc_no": ["请填写审定或发布文号"]}


def test_a_stale_page_gets_a_conflict_naming_the_new_state(admin_user, cycle, zone):
    services.participants_populate(actor=admin_user, cycle=cycle)
    seen = Cycle.objects.get(pk=cycle.pk)  # two officers open the page
    services.cycle_transition(actor=admin_user, cycle=cycle, name="CONFIRM_SCOPE")
    with pytest.raises(ValidationError, match="已变为“参评名单确认”"):
        services.cycle_transition(actor=admin_user, cycle=seen, name="CONFIRM_SCOPE")
    assert CycleEvent.objects.count() == 1


def test_a_trial_cycle_never_hands_policies_off(admin_user):
    cycle = services.cycle_create(actor=admin_user, data_year=2021, name="试评价", trial=True)
    Cycle.objects.filter(pk=cycle.pk).update(status=S.RELEASED)
    cycle.refresh_from_db()
    with pytest.raises(ValidationError, match="试评价"):
        services.cycle_transition(actor=admin_user, cycle=cycle, name="APPLY_POLICY")


def test_notice_length_comes_from_settings(admin_user, settings):
    settings.GAOXIN_EVALUATION_NOTICE_LENGTH = 7
    settings.GAOXIN_EVALUATION_NOTICE_UNIT = "working"
    cycle = services.cycle_create(actor=admin_user, data_year=2025, name="七个工作日公示")
    assert (cycle.notice_length, cycle.notice_unit) == (7, "working")


def test_one_formal_cycle_per_data_year(admin_user, cycle):
    """QA walk of issue 14: a second 2025 cycle was created without a word; a trial (试评价) may sit beside it."""
    with pytest.raises(ValidationError, match="已有正式评价周期"):
        services.cycle_create(actor=admin_user, data_year=2025, name="2025年度工业企业亩产效益评价（第二次）")
    assert services.cycle_create(actor=admin_user, data_year=2025, name="2025年度试算", trial=True).trial

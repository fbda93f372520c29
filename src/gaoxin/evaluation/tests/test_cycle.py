"""The evaluation cycle's state machine (specs/evaluation.md §12.2) and its participant list."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import OrgUnitFactory, UserFactory
from gaoxin.core.models import AuditEvent
from gaoxin.enterprises.models import LandKind, SizeGroup
from gaoxin.enterprises.tests.factories import EnterpriseFactory, LandParcelFactory
from gaoxin.evaluation import services
from gaoxin.evaluation.models import Cycle, CycleStatus, Participant
from gaoxin.evaluation.tests.helpers import walk

S = CycleStatus


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


def test_allowed_targets_follow_the_table():
    assert services.allowed_targets(S.DRAFT) == [S.SCOPE_CONFIRMED]
    assert services.allowed_targets(S.DEPT_REVIEW) == [S.LAND_NOTICE, S.INTERIM_NOTICE, S.CORRECTING,
                                                       S.ENTERPRISE_CONFIRM]
    assert set(services.allowed_targets(S.CORRECTING)) == {S.ENTERPRISE_CONFIRM, S.DEPT_REVIEW}
    assert set(services.allowed_targets(S.OBJECTION_RESOLUTION)) == {S.RELEASED, S.PUBLIC_NOTICE}
    assert set(services.allowed_targets(S.RELEASED)) == {S.POLICY_APPLIED, S.AMENDED}
    assert services.allowed_targets(S.AMENDED) == [S.RELEASED]


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
        services.cycle_transition(actor=other, cycle=cycle, target=S.SCOPE_CONFIRMED)
    assert services.cycle_create(actor=econ_officer, data_year=2024, name="经发局建").created_by == econ_officer


def test_populate_groups_by_size_and_flags_land_as_t_class(admin_user, cycle, zone):
    counts = services.participants_populate(actor=admin_user, cycle=cycle)
    assert counts == {"added": 5, "t_class": 2}
    rows = {p.enterprise_id: p for p in cycle.participants.all()}
    assert zone["shop"].pk not in rows
    assert rows[zone["small"].pk].group == SizeGroup.BELOW and rows[zone["big"].pk].group == SizeGroup.ABOVE
    assert not rows[zone["landless"].pk].participating and "LAND_UNRESOLVED" in rows[zone["landless"].pk].t_reason
    assert not rows[zone["landlord"].pk].participating
    assert services.participants_populate(actor=admin_user, cycle=cycle) == {"added": 0, "t_class": 0}


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
        services.cycle_transition(actor=admin_user, cycle=cycle, target=S.SCOPE_CONFIRMED)
    assert Cycle.objects.get(pk=cycle.pk).status == S.DRAFT


def test_main_path_freezes_the_method_numbers_documents_and_writes_one_event_each(admin_user, cycle, zone):
    services.participants_populate(actor=admin_user, cycle=cycle)
    before = AuditEvent.objects.filter(event_type="evaluation.cycle.transition").count()
    cycle = walk(cycle, admin_user, *MAIN_PATH[:4])
    assert cycle.method_frozen is None
    cycle = walk(cycle, admin_user, S.SCORED)
    assert cycle.method_frozen["groups"]["ABOVE"]["indicators"]["I1"]["weight"] == 30 and len(cycle.method_hash) == 64
    frozen = cycle.method_hash
    cycle = walk(cycle, admin_user, *MAIN_PATH[5:])
    assert (cycle.status, cycle.release_version, cycle.approval_doc_no) == (S.POLICY_APPLIED, 1, "济高新管发〔2026〕4号")
    cycle = walk(cycle, admin_user, S.AMENDED, S.RELEASED)
    assert cycle.release_version == 2 and cycle.method_hash == frozen
    events = AuditEvent.objects.filter(event_type="evaluation.cycle.transition", subject_id=str(cycle.pk))
    assert events.count() - before == len(MAIN_PATH) + 2
    assert events.order_by("-id").first().before == {"status": S.AMENDED}


def test_optional_states_and_loops(admin_user, cycle, zone):
    services.participants_populate(actor=admin_user, cycle=cycle)
    cycle = walk(cycle, admin_user, S.SCOPE_CONFIRMED, S.COLLECTING, S.DEPT_REVIEW, S.LAND_NOTICE, S.CORRECTING,
                 S.DEPT_REVIEW, S.INTERIM_NOTICE, S.ENTERPRISE_CONFIRM, S.SCORED, S.APPROVED_FOR_NOTICE,
                 S.PUBLIC_NOTICE, S.OBJECTION_RESOLUTION, S.PUBLIC_NOTICE, S.OBJECTION_RESOLUTION)
    assert cycle.status == S.OBJECTION_RESOLUTION


@pytest.mark.parametrize("start, target", [
    (S.DRAFT, S.COLLECTING),                    # skipping a required state
    (S.COLLECTING, S.SCOPE_CONFIRMED),          # going back
    (S.SCORED, S.PUBLIC_NOTICE),                # notice without approval
    (S.PUBLIC_NOTICE, S.RELEASED),              # release without objection handling
    (S.DEPT_REVIEW, S.SCORED),                  # scoring before enterprises confirm
    (S.AMENDED, S.POLICY_APPLIED),
    (S.RELEASED, "NONSENSE"),
])
def test_forbidden_transitions_change_nothing(admin_user, cycle, start, target):
    Cycle.objects.filter(pk=cycle.pk).update(status=start)
    cycle.refresh_from_db()
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError, match="不能从"):
        services.cycle_transition(actor=admin_user, cycle=cycle, target=target)
    cycle.refresh_from_db()
    assert cycle.status == start and AuditEvent.objects.count() == events


@pytest.mark.parametrize("start, target, kwargs, message", [
    (S.SCORED, S.APPROVED_FOR_NOTICE, {}, "文号"),
    (S.OBJECTION_RESOLUTION, S.RELEASED, {"doc_no": "  "}, "文号"),
    (S.RELEASED, S.AMENDED, {}, "原因"),
    (S.SCORED, S.APPROVED_FOR_NOTICE, {"doc_no": "济高新管发〔2026〕4号"}, "还没有完成的评价测算"),
    (S.OBJECTION_RESOLUTION, S.RELEASED, {"doc_no": "济高新管发〔2026〕4号"}, "还没有完成的评价测算"),
])
def test_guards_need_documents_and_reasons(admin_user, cycle, start, target, kwargs, message):
    Cycle.objects.filter(pk=cycle.pk).update(status=start)
    with pytest.raises(ValidationError, match=message):
        services.cycle_transition(actor=admin_user, cycle=cycle, target=target, **kwargs)
    cycle.refresh_from_db()
    assert cycle.status == start and cycle.release_version == 0


def test_a_trial_cycle_never_hands_policies_off(admin_user):
    cycle = services.cycle_create(actor=admin_user, data_year=2021, name="试评价", trial=True)
    Cycle.objects.filter(pk=cycle.pk).update(status=S.RELEASED)
    with pytest.raises(ValidationError, match="试评价"):
        services.cycle_transition(actor=admin_user, cycle=cycle, target=S.POLICY_APPLIED)


def test_notice_length_comes_from_settings(admin_user, settings):
    settings.GAOXIN_EVALUATION_NOTICE_LENGTH = 7
    settings.GAOXIN_EVALUATION_NOTICE_UNIT = "working"
    cycle = services.cycle_create(actor=admin_user, data_year=2025, name="七个工作日公示")
    assert (cycle.notice_length, cycle.notice_unit) == (7, "working")

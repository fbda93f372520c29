"""The four 即 milestones: their natural order, no future dates, and each reform's mark only when
its condition (working-day gap within the KPI) holds; the speed-up along the critical path."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.assist import milestones as ms
from gaoxin.assist import services
from gaoxin.assist.models import ChainStep, ChainTemplate, Project
from gaoxin.cases import services as case_services
from gaoxin.cases.models import Case
from gaoxin.catalog.tests.factories import department, make_item
from gaoxin.core.models import AuditEvent
from gaoxin.core.selectors import work_calendar

from .conftest import TODAY

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2025, 3, 3)  # a Monday of a month without holidays
LABELS = {k: k for k in ms.MILESTONES}


# --- the pure rules ----------------------------------------------------------------------------

@given(st.lists(st.integers(min_value=0, max_value=3000), min_size=len(ms.MILESTONES),
                max_size=len(ms.MILESTONES)))
def test_dates_in_the_natural_order_pass(offsets):
    dates = dict(zip(ms.MILESTONES, (dt.date(2020, 1, 1) + dt.timedelta(days=d) for d in sorted(offsets)), strict=True))
    assert ms.milestone_errors(dates, today=dt.date(2030, 1, 1), labels=LABELS) == {}


@given(st.sampled_from(ms.ORDER), st.integers(min_value=1, max_value=400))
def test_every_pair_out_of_order_is_named(pair, days):
    earlier, later = pair
    # Every milestone the pair needs is recorded, long before: only the pair itself is out of order.
    dates = {m: dt.date(2020, 1, 1) for m in ms.ANCESTORS[later]}
    dates |= {earlier: dt.date(2024, 6, 1), later: dt.date(2024, 6, 1) - dt.timedelta(days=days)}
    assert set(ms.milestone_errors(dates, today=dt.date(2030, 1, 1), labels=LABELS)) == {later}
    # Blamed on the field just typed when only the earlier one changed.
    assert set(ms.milestone_errors(dates, today=dt.date(2030, 1, 1), labels=LABELS, changed={earlier})) == {earlier}


def test_the_order_holds_across_a_missing_milestone():
    errors = ms.milestone_errors({"negotiation_on": dt.date(2024, 5, 1), "completed_on": dt.date(2024, 4, 1)},
                                 today=dt.date(2030, 1, 1), labels=LABELS)
    assert list(errors) == ["completed_on"]


def test_a_later_milestone_needs_the_earlier_one_recorded():
    """A first registration with no completion acceptance, a plan whose negotiation was cleared: refused
    beside the field that was typed (or cleared)."""
    before = {"negotiation_on": dt.date(2024, 1, 2), "land_delivered_on": dt.date(2024, 2, 1),
              "construction_permit_on": dt.date(2024, 2, 1)}
    errors = ms.milestone_errors(before | {"certificate_on": dt.date(2024, 9, 1)}, today=dt.date(2030, 1, 1),
                                 labels=LABELS, changed={"certificate_on"})
    assert errors == {"certificate_on": "certificate_on需先有completed_on，请先填写completed_on"}
    errors = ms.milestone_errors({"negotiation_on": None, "plan_issued_on": dt.date(2024, 1, 3)},
                                 today=dt.date(2030, 1, 1), labels=LABELS, changed={"negotiation_on"})
    assert errors == {"negotiation_on": "已填写plan_issued_on，negotiation_on不能清空"}
    # A milestone the chain proves is never blamed: the typed one that needs it is, with the chain's reason.
    errors = ms.milestone_errors({"negotiation_on": dt.date(2024, 1, 2), "land_delivered_on": dt.date(2024, 2, 1),
                                  "completed_on": dt.date(2024, 9, 1)}, today=dt.date(2030, 1, 1), labels=LABELS,
                                 fixed={"construction_permit_on": "该环节尚未申报"})
    assert errors == {"completed_on": "completed_on需先有construction_permit_on：该环节尚未申报"}


# --- the service ---------------------------------------------------------------------------------

@pytest.fixture
def template(admin_user):
    a = make_item(admin_user, code="43037109XK0001", name="企业投资项目备案", situations=(), channels=["window", "proxy"])
    b = make_item(admin_user, code="43037109XK0002", name="建设用地规划许可证核发", situations=(),
                  channels=["window", "proxy"])
    c = make_item(admin_user, code="43037109XK0003", name="建筑工程施工许可证核发", situations=(),
                  channels=["window", "proxy"])
    template = ChainTemplate.objects.create(code="t", name="测试链")
    s1 = ChainStep.objects.create(template=template, name="立项", item=a, order=0)
    s2 = ChainStep.objects.create(template=template, name="用地规划", item=b, order=1)
    s3 = ChainStep.objects.create(template=template, name="施工许可", item=c, order=2)
    s2.predecessors.set([s1])
    s3.predecessors.set([s2])
    return template


@pytest.fixture
def project(admin_user, own_enterprise, template, agent):
    return services.project_create(actor=admin_user, name="铁姆肯新能源轴承项目", enterprise=own_enterprise,
                                   template=template, agent=agent, negotiation_on=MONDAY)


def _unchanged(project, before):
    project.refresh_from_db()
    return all(getattr(project, k) == v for k, v in before.items())


@pytest.mark.parametrize("dates,field,message", [
    ({"land_delivered_on": MONDAY + dt.timedelta(days=7), "construction_permit_on": MONDAY + dt.timedelta(days=2)},
     "construction_permit_on", "取得施工许可日期不能早于拿地（交地）日期"),
    ({"construction_permit_on": MONDAY + dt.timedelta(days=7), "completed_on": MONDAY + dt.timedelta(days=3)},
     "completed_on", "竣工验收日期不能早于取得施工许可日期"),
    ({"completed_on": MONDAY + dt.timedelta(days=9), "certificate_on": MONDAY + dt.timedelta(days=8)},
     "certificate_on", "不动产首次登记（办证）日期不能早于竣工验收日期"),
    ({"handover_on": MONDAY + dt.timedelta(days=9), "handover_certificate_on": MONDAY + dt.timedelta(days=4)},
     "handover_certificate_on", "购房人领证日期不能早于交房日期"),
    ({"plan_issued_on": MONDAY - dt.timedelta(days=1)}, "plan_issued_on", "审批服务方案出具日期不能早于洽谈"),
    ({"land_delivered_on": MONDAY - dt.timedelta(days=30)}, "land_delivered_on", "拿地（交地）日期不能早于洽谈"),
    ({"land_delivered_on": TODAY + dt.timedelta(days=1)}, "land_delivered_on", "不能晚于今天"),
])
def test_dates_out_of_order_are_refused_and_nothing_is_written(project, agent, dates, field, message):
    before = {k: getattr(project, k) for k in services.MILESTONES}
    audits = AuditEvent.objects.count()
    # What each date needs is recorded on the negotiation day, so only the named pair is at fault.
    needed = {a: MONDAY for d in dates for a in ms.ANCESTORS[d] if a not in dates and a != "negotiation_on"}
    with pytest.raises(ValidationError) as exc:
        services.project_set_milestones(project=project, actor=agent, **(needed | dates))
    assert message in exc.value.message_dict[field][0]
    assert _unchanged(project, before) and AuditEvent.objects.count() == audits


def test_a_new_date_against_a_stored_one_is_blamed_on_the_new_one(project, agent):
    services.project_set_milestones(project=project, actor=agent, land_delivered_on=MONDAY + dt.timedelta(days=1),
                                    construction_permit_on=MONDAY + dt.timedelta(days=3))
    with pytest.raises(ValidationError) as exc:
        services.project_set_milestones(project=project, actor=agent, land_delivered_on=MONDAY + dt.timedelta(days=10))
    assert list(exc.value.message_dict) == ["land_delivered_on"]
    assert "不能晚于取得施工许可日期" in exc.value.message_dict["land_delivered_on"][0]


def test_consistent_dates_are_saved_with_one_audit_event(project, agent):
    audits = AuditEvent.objects.count()
    services.project_set_milestones(project=project, actor=agent, plan_issued_on=MONDAY,
                                    land_delivered_on=MONDAY + dt.timedelta(days=7),
                                    construction_permit_on=MONDAY + dt.timedelta(days=7))
    assert AuditEvent.objects.count() == audits + 1
    project.refresh_from_db()
    assert project.construction_permit_on == MONDAY + dt.timedelta(days=7)


def test_the_future_is_refused_at_registration(admin_user, own_enterprise, template):
    with pytest.raises(ValidationError):
        services.project_create(actor=admin_user, name="未来项目", enterprise=own_enterprise, template=template,
                                negotiation_on=TODAY + dt.timedelta(days=3))
    assert not Project.objects.exists()


def test_a_milestone_without_the_one_before_it_is_refused_beside_the_field(project, agent):
    services.project_set_milestones(project=project, actor=agent, land_delivered_on=MONDAY,
                                    construction_permit_on=MONDAY, plan_issued_on=MONDAY)
    audits = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.project_set_milestones(project=project, actor=agent, certificate_on=MONDAY + dt.timedelta(days=7))
    assert exc.value.message_dict == {
        "certificate_on": ["不动产首次登记（办证）日期需先有竣工验收日期，请先填写竣工验收日期"]}
    with pytest.raises(ValidationError) as exc:
        services.project_set_milestones(project=project, actor=agent, negotiation_on=None)
    assert exc.value.message_dict == {"negotiation_on": ["已填写审批服务方案出具日期，洽谈（服务介入）日期不能清空"]}
    project.refresh_from_db()
    assert project.certificate_on is None and project.negotiation_on == MONDAY and AuditEvent.objects.count() == audits


def test_the_page_puts_a_missing_milestone_error_beside_the_typed_field(project, clerk_client):
    response = clerk_client.post(f"/assist/projects/{project.pk}/milestones/",
                                 {"certificate_on": MONDAY.isoformat()})
    html = response.content.decode()
    field = html[html.index('id="id_certificate_on"'):]
    assert field.index("请先填写竣工验收日期") < field.index("<label")
    project.refresh_from_db()
    assert project.certificate_on is None


def test_others_cannot_record_milestones(project, enterprise_user):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.project_set_milestones(project=project, actor=enterprise_user, land_delivered_on=MONDAY)


# --- each reform's mark only when its condition holds ------------------------------------------

def _reforms(project):
    project.refresh_from_db()
    return {r.key: r for r in services.project_metrics(project)["reforms"]}


def test_land_to_start_only_when_the_permit_comes_on_the_land_day(project, agent):
    services.project_set_milestones(project=project, actor=agent, land_delivered_on=MONDAY + dt.timedelta(days=7),
                                    construction_permit_on=MONDAY + dt.timedelta(days=9))
    r = _reforms(project)["land_to_start"]
    assert r.gap == 2 and r.achieved is False  # both dates exist, but two working days apart
    services.project_set_milestones(project=project, actor=agent, construction_permit_on=MONDAY + dt.timedelta(days=7))
    r = _reforms(project)["land_to_start"]
    assert r.gap == 0 and r.achieved is True


def test_negotiation_service_needs_the_plan_within_one_working_day_and_an_agent(project, agent):
    services.project_set_milestones(project=project, actor=agent, plan_issued_on=MONDAY + dt.timedelta(days=3))
    assert _reforms(project)["negotiation_service"].achieved is False  # Thursday: 3 working days
    services.project_set_milestones(project=project, actor=agent, plan_issued_on=MONDAY + dt.timedelta(days=1))
    assert _reforms(project)["negotiation_service"].achieved is True
    Project.objects.filter(pk=project.pk).update(agent=None)
    project.refresh_from_db()
    assert _reforms(project)["negotiation_service"].achieved is False


def test_the_kpis_are_settings(project, agent, settings):
    services.project_set_milestones(project=project, actor=agent, land_delivered_on=MONDAY + dt.timedelta(days=7),
                                    construction_permit_on=MONDAY + dt.timedelta(days=9),
                                    completed_on=MONDAY + dt.timedelta(days=14),
                                    certificate_on=MONDAY + dt.timedelta(days=15))
    assert not _reforms(project)["land_to_start"].achieved
    assert not _reforms(project)["completion_to_certificate"].achieved
    settings.GAOXIN_LAND_TO_PERMIT_WORKDAYS = 2
    settings.GAOXIN_COMPLETION_TO_REGISTRATION_WORKDAYS = 1
    assert _reforms(project)["land_to_start"].achieved and _reforms(project)["completion_to_certificate"].achieved


def test_handover_with_certificate_on_the_handover_day_only(project, agent):
    services.project_set_milestones(project=project, actor=agent, land_delivered_on=MONDAY,
                                    construction_permit_on=MONDAY, completed_on=MONDAY + dt.timedelta(days=7),
                                    certificate_on=MONDAY + dt.timedelta(days=7), handover_on=MONDAY + dt.timedelta(days=8),
                                    handover_certificate_on=MONDAY + dt.timedelta(days=9))
    assert _reforms(project)["handover_with_certificate"].achieved is False
    services.project_set_milestones(project=project, actor=agent, handover_certificate_on=MONDAY + dt.timedelta(days=8))
    assert _reforms(project)["handover_with_certificate"].achieved is True


# --- the pages --------------------------------------------------------------------------------------

def test_page_shows_each_reform_with_its_gap_and_the_mark_only_when_achieved(project, agent, clerk_client):
    services.project_set_milestones(project=project, actor=agent, land_delivered_on=MONDAY + dt.timedelta(days=7),
                                    construction_permit_on=MONDAY + dt.timedelta(days=9))
    html = clerk_client.get(f"/assist/projects/{project.pk}/").content.decode()
    row = html[html.index('data-testid="reform-land_to_start"'):]
    row = row[:row.index("</tr>")]
    assert "2 个工作日" in row and "✗ 未达成" in row and "✓" not in row
    services.project_set_milestones(project=project, actor=agent, construction_permit_on=MONDAY + dt.timedelta(days=7))
    html = clerk_client.get(f"/assist/projects/{project.pk}/").content.decode()
    row = html[html.index('data-testid="reform-land_to_start"'):]
    assert "0 个工作日" in row[:row.index("</tr>")] and "✓ 已实现" in row[:row.index("</tr>")]
    assert "None" not in html


def test_page_error_sits_beside_the_field_keeps_the_input_and_writes_nothing(project, clerk_client):
    land, permit = MONDAY + dt.timedelta(days=7), MONDAY + dt.timedelta(days=2)
    response = clerk_client.post(f"/assist/projects/{project.pk}/milestones/", {
        "negotiation_on": MONDAY.isoformat(), "land_delivered_on": land.isoformat(),
        "construction_permit_on": permit.isoformat()})
    assert response.status_code == 200
    html = response.content.decode()
    field = html[html.index('id="id_construction_permit_on"'):]
    assert field.index("取得施工许可日期不能早于拿地（交地）日期") < field.index("<label")
    assert f'value="{permit.isoformat()}"' in html and f'value="{land.isoformat()}"' in html
    response = clerk_client.post(f"/assist/projects/{project.pk}/milestones/", {"completed_on": "2025-13-45"})
    html = response.content.decode()
    assert "请填写正确的日期" in html and 'value="2025-13-45"' in html
    project.refresh_from_db()
    assert project.land_delivered_on is None and project.construction_permit_on is None
    assert project.completed_on is None


def test_page_saves_consistent_dates(project, clerk_client):
    response = clerk_client.post(f"/assist/projects/{project.pk}/milestones/", {
        "plan_issued_on": MONDAY.isoformat(), "land_delivered_on": (MONDAY + dt.timedelta(days=7)).isoformat()})
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.plan_issued_on == MONDAY and project.negotiation_on == MONDAY  # fields not sent are kept


def test_the_form_is_hidden_from_who_cannot_record(project, leader_client):
    html = leader_client.get(f"/assist/projects/{project.pk}/").content.decode()
    assert "保存节点" not in html and "拿地即开工" in html
    response = leader_client.post(f"/assist/projects/{project.pk}/milestones/", {"land_delivered_on": MONDAY.isoformat()})
    assert response.status_code == 403


# --- the speed-up along the critical path --------------------------------------------------------

def test_speed_up_counts_handling_time_along_the_critical_path_not_the_wait_between_steps(
        project, agent, clerk_user, admin_user):
    officer = UserFactory(role=Role.DEPT_OFFICER, org_unit=department())
    calendar = work_calendar()
    start = MONDAY - dt.timedelta(days=140)
    for step in project.steps.select_related("step").order_by("step__order"):
        required = {m.pk for m in services.step_materials(step) if m.necessity == "required"}
        case = services.project_file_step(project=project, step=step, actor=agent, originals_seen=required)
        case = case_services.case_transition(case=case, name="ACCEPT", actor=clerk_user)
        case = case_services.case_transition(case=case, name="START_REVIEW", actor=officer)
        case_services.case_transition(case=case, name="APPROVE", actor=officer, opinion="符合法定条件",
                                      licence_number="湘高新许字〔2026〕第0001号")
        # Handled in 3 working days each, with 40 days of waiting before the next step is filed.
        Case.objects.filter(pk=case.pk).update(accepted_on=start, decided_on=calendar.add_working_days(start, 3))
        start += dt.timedelta(days=40)
    m = services.project_metrics(project)
    assert m["statutory_workdays"] == 45 and m["actual_workdays"] == 9
    assert m["speed_up"] == 80.0


# --- a milestone the approval chain proves ---------------------------------------------------------

@pytest.fixture
def proven(project):
    """The chain's 施工许可 step proves the project's construction permit."""
    ChainStep.objects.filter(template=project.template, name="施工许可").update(milestone="construction_permit_on")
    services.project_set_milestones(project=project, actor=project.agent, land_delivered_on=MONDAY)
    return project


def _decide_chain(project, agent, clerk, *, refuse_last=False):
    officer = UserFactory(role=Role.DEPT_OFFICER, org_unit=department())
    for step in project.steps.select_related("step").order_by("step__order"):
        required = {m.pk for m in services.step_materials(step) if m.necessity == "required"}
        case = services.project_file_step(project=project, step=step, actor=agent, originals_seen=required)
        case = case_services.case_transition(case=case, name="ACCEPT", actor=clerk)
        case = case_services.case_transition(case=case, name="START_REVIEW", actor=officer)
        if refuse_last and step.step.name == "施工许可":
            case_services.case_transition(case=case, name="REFUSE", actor=officer, reason="规划条件不符",
                                          opinion="不符合规划条件", legal_basis="《建筑法》第八条")
        else:
            case_services.case_transition(case=case, name="APPROVE", actor=officer, opinion="符合法定条件",
                                          licence_number=f"湘高新许字〔2026〕第{step.pk:04d}号")
    return Case.objects.get(pk=project.steps.get(step__name="施工许可").case_id)


def test_a_proven_milestone_is_not_typed_while_its_step_is_undecided(proven, agent, clerk_client):
    audits = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.project_set_milestones(project=proven, actor=agent, construction_permit_on=MONDAY)
    assert exc.value.message_dict == {"construction_permit_on": [
        "取得施工许可日期以审批链“施工许可”环节的准予日期为准，该环节尚未申报，不能填写"]}
    with pytest.raises(ValidationError) as exc:  # and what needs the permit waits for it
        services.project_set_milestones(project=proven, actor=agent, completed_on=MONDAY)
    assert "以审批链“施工许可”环节的准予日期为准，该环节尚未申报" in exc.value.message_dict["completed_on"][0]
    assert AuditEvent.objects.count() == audits
    # A permit date typed before the rule (or by hand in the database) does not make 拿地即开工 ✓ at 0/3.
    Project.objects.filter(pk=proven.pk).update(construction_permit_on=MONDAY)
    assert _reforms(proven)["land_to_start"].achieved is None
    html = clerk_client.get(f"/assist/projects/{proven.pk}/").content.decode()
    row = html[html.index('data-testid="reform-land_to_start"'):]
    assert "✓" not in row[:row.index("</tr>")] and "进度 0/3" in html
    field = html[html.index('id="id_construction_permit_on"'):]
    assert field.index("disabled") < field.index(">") and "该环节尚未申报" in field[:field.index("<label")]


def test_a_proven_milestone_is_the_steps_decision_date(proven, agent, clerk_user, clerk_client):
    permit = _decide_chain(proven, agent, clerk_user)
    m = services.project_metrics(proven)
    assert m["permit_on"] == permit.decided_on and m["dates"]["construction_permit_on"] == permit.decided_on
    with pytest.raises(ValidationError) as exc:
        services.project_set_milestones(project=proven, actor=agent,
                                        construction_permit_on=permit.decided_on - dt.timedelta(days=1))
    assert "为准，不能另填" in exc.value.message_dict["construction_permit_on"][0]
    # The chain's own date (as the disabled field would carry it) is no change; later milestones now follow it.
    services.project_set_milestones(project=proven, actor=agent, construction_permit_on=permit.decided_on,
                                    completed_on=permit.decided_on)
    proven.refresh_from_db()
    assert proven.completed_on == permit.decided_on and proven.construction_permit_on is None
    html = clerk_client.get(f"/assist/projects/{proven.pk}/").content.decode()
    field = html[html.index('id="id_construction_permit_on"'):]
    assert f'value="{permit.decided_on.isoformat()}"' in field[:field.index(">")]
    assert "由审批链“施工许可”环节的准予日期确定" in field[:field.index("<label")]
    response = clerk_client.post(f"/assist/projects/{proven.pk}/milestones/", {
        "construction_permit_on": "2020-01-01", "handover_on": permit.decided_on.isoformat()})
    assert response.status_code == 302  # the disabled field is the chain's, whatever was posted for it


def test_a_refused_permit_proves_no_milestone(proven, agent, clerk_user):
    _decide_chain(proven, agent, clerk_user, refuse_last=True)
    assert services.project_metrics(proven)["permit_on"] is None
    with pytest.raises(ValidationError) as exc:
        services.project_set_milestones(project=proven, actor=agent, construction_permit_on=MONDAY)
    assert "该环节不予许可" in exc.value.message_dict["construction_permit_on"][0]

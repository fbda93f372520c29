"""帮代办 orders, project chains and station logs: transition tables both ways, scoping, figures."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from gaoxin.accounts.models import OrgAssignment, Position, Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.assist import services
from gaoxin.assist.models import AssistOrder, ChainStep, ChainTemplate, OrderEvent, OrderStatus
from gaoxin.assist.workflow import WORKFLOW
from gaoxin.cases import services as case_services
from gaoxin.cases.models import Case, Status
from gaoxin.catalog.tests.factories import department, make_item
from gaoxin.core.testing import test_day
from gaoxin.core.tests.workflow_walk import available_from, check_pair, check_roles_refused, pairs
from gaoxin.stations import services as station_services
from gaoxin.stations.models import StationService

TODAY = test_day()


def test_order_from_request_to_rating(order, clerk_user, agent, enterprise_user, admin_user):
    assert order.station.name == "金荣政务服务驿站"
    order = services.order_transition(order=order, name="ASSIGN", actor=clerk_user, agent=agent)
    order = services.order_transition(order=order, name="START", actor=agent)
    item = make_item(admin_user, situations=(), channels=["window", "proxy"])
    form = item.current_version.materials.get(necessity="required")
    case = services.order_file_case(order=order, actor=agent, item=item, originals_seen={form.pk})
    assert case.channel == "proxy" and case.status == Status.RECEIVED and list(order.cases.all()) == [case]
    services.order_log_visit(order=order, actor=agent, kind="door", note="上门收取材料")
    order = services.order_transition(order=order, name="SUSPEND", actor=agent, reason="等待企业补充股东会决议")
    order = services.order_transition(order=order, name="RESUME", actor=agent)
    order = services.order_transition(order=order, name="COMPLETE", actor=agent, reason="营业执照已当面交付")
    order = services.order_rate(order=order, actor=enterprise_user, rating=5)
    assert order.status == OrderStatus.COMPLETED and order.rating == 5 and order.completed_on == TODAY
    with pytest.raises(ValidationError):
        services.order_rate(order=order, actor=enterprise_user, rating=4)


O = OrderStatus
# services.md §7's 帮代办 process, written out by hand from the spec (not from the table), so the table
# cannot drift from the spec unnoticed: 受理 (REQUESTED) → the centre assigns an agent (ASSIGNED, reassigned by
# the centre while assigned or being worked) → 办理 (IN_PROGRESS) → 中止 with its 中止单 (SUSPENDED) and 续办 with
# its 续办委托书 → 办结 with its 办结单 (COMPLETED); 终止 with its 终止单 from any open state (TERMINATED).
SPEC = {
    O.REQUESTED: {"ASSIGN", "TERMINATE"},
    O.ASSIGNED: {"START", "REASSIGN", "TERMINATE"},
    O.IN_PROGRESS: {"SUSPEND", "COMPLETE", "REASSIGN", "TERMINATE"},
    O.SUSPENDED: {"RESUME", "TERMINATE"},
    O.COMPLETED: set(),
    O.TERMINATED: set(),
}
# Who may do what (§7: the centre assigns; the assigned agent works the order; the applicant, who stays the
# 申报主体, or the centre ends it).
SPEC_ROLES = {"ASSIGN": {"centre"}, "REASSIGN": {"centre"}, "START": {"agent"}, "SUSPEND": {"agent"},
              "RESUME": {"agent"}, "COMPLETE": {"agent"}, "TERMINATE": {"centre", "enterprise"}}


def test_the_table_is_the_specs_state_machine():
    assert available_from(WORKFLOW, O.values) == SPEC
    assert {t.name: set(t.roles) for t in WORKFLOW.transitions} == SPEC_ROLES


@pytest.mark.parametrize("name,status", pairs(WORKFLOW, O.values))
def test_order_transition_table(name, status, order, clerk_user, agent, enterprise_user):
    AssistOrder.objects.filter(pk=order.pk).update(status=status, agent=agent)
    order.refresh_from_db()
    token = sorted(WORKFLOW[name].roles)[0]
    actor = {"centre": clerk_user, "agent": agent, "enterprise": enterprise_user}[token]
    check_pair(WORKFLOW, order, name, actor=actor, history=lambda: OrderEvent.objects.count(),
               agent=UserFactory(role=Role.AGENT))


@pytest.mark.parametrize("name", [t.name for t in WORKFLOW.transitions])
def test_roles_outside_the_table_are_refused(name, order, clerk_user, agent, enterprise_user, leader_user,
                                             admin_user, station_officer, other_enterprise):
    AssistOrder.objects.filter(pk=order.pk).update(status=sorted(WORKFLOW[name].sources)[0], agent=agent)
    order.refresh_from_db()
    stranger = UserFactory(role=Role.ENTERPRISE)
    stranger.enterprise_memberships.create(enterprise=other_enterprise)
    check_roles_refused(WORKFLOW, order, name, {
        "centre": clerk_user, "admin": admin_user, "agent": agent, "enterprise": enterprise_user,
        "leader": leader_user, "station": station_officer, "other agent": UserFactory(role=Role.AGENT),
        "other firm": stranger, "department": UserFactory(role=Role.DEPT_OFFICER, org_unit=department()),
    })


def test_an_expired_commission_is_refused_at_start(order, clerk_user, agent):
    order = services.order_transition(order=order, name="ASSIGN", actor=clerk_user, agent=agent)
    AssistOrder.objects.filter(pk=order.pk).update(commission_valid_until=TODAY - dt.timedelta(days=1))
    order.refresh_from_db()
    with pytest.raises(ValidationError, match="委托书已过有效期"):
        services.order_transition(order=order, name="START", actor=agent)
    order.refresh_from_db()
    assert order.status == OrderStatus.ASSIGNED


def test_assignment_needs_an_agent_and_reassignment_another(order, clerk_user, agent):
    with pytest.raises(ValidationError) as exc:
        services.order_transition(order=order, name="ASSIGN", actor=clerk_user, agent=clerk_user)
    assert exc.value.message_dict == {"agent": ["请选择帮代办专员"]}
    order = services.order_transition(order=order, name="ASSIGN", actor=clerk_user, agent=agent)
    with pytest.raises(ValidationError, match="改派应选择其他专员"):
        services.order_transition(order=order, name="REASSIGN", actor=clerk_user, agent=agent, reason="企业要求")
    other = UserFactory(role=Role.AGENT, full_name="帮代办 李娜")
    order = services.order_transition(order=order, name="REASSIGN", actor=clerk_user, agent=other, reason="企业要求")
    assert order.agent == other
    assert order.events.last().note == "企业要求（专员：帮代办 李娜）"


def test_the_order_number_keeps_its_format(order, station_officer, own_enterprise):
    second = services.order_create(actor=station_officer, enterprise=own_enterprise, channel="station",
                                   description="第二单", contact_name="张", contact_phone="13800000000",
                                   commission_signed_on=TODAY, commission_valid_until=TODAY)
    day = timezone.localdate()
    assert order.number == f"BD{day:%Y%m%d}00001" and second.number == f"BD{day:%Y%m%d}00002"


def test_only_the_assigned_agent_works_the_order(order, clerk_user, agent):
    order = services.order_transition(order=order, name="ASSIGN", actor=clerk_user, agent=agent)
    with pytest.raises(PermissionDenied):
        services.order_transition(order=order, name="START", actor=UserFactory(role=Role.AGENT))
    stranger = Client()
    stranger.force_login(UserFactory(role=Role.ENTERPRISE))
    assert stranger.get(f"/assist/{order.number}/").status_code == 404


@pytest.fixture
def chain(admin_user):
    a = make_item(admin_user, code="43037109XK0001", name="企业投资项目备案", situations=(), channels=["window", "proxy"])
    b = make_item(admin_user, code="43037109XK0002", name="节能审查", situations=(), channels=["window", "proxy"])
    c = make_item(admin_user, code="43037109XK0003", name="建设用地规划许可证核发", situations=(), channels=["window", "proxy"])
    d = make_item(admin_user, code="43037109XK0004", name="建筑工程施工许可证核发", situations=(), channels=["window", "proxy"])
    template = ChainTemplate.objects.create(code="t", name="测试链")
    s1 = ChainStep.objects.create(template=template, name="立项", item=a, order=0)
    s2 = ChainStep.objects.create(template=template, name="节能审查", item=b, order=1)
    s3 = ChainStep.objects.create(template=template, name="用地规划", item=c, order=2)
    s4 = ChainStep.objects.create(template=template, name="施工许可", item=d, order=3,
                                  milestone="construction_permit_on")  # the permit is this step's decision
    s2.predecessors.set([s1])
    s3.predecessors.set([s1])
    s4.predecessors.set([s2, s3])
    return template


def required(step) -> set[int]:
    return {m.pk for m in services.step_materials(step) if m.necessity == "required"}


def decide(case, clerk, officer):
    case = case_services.case_transition(case=case, name="ACCEPT", actor=clerk)
    case = case_services.case_transition(case=case, name="START_REVIEW", actor=officer)
    return case_services.case_transition(case=case, name="APPROVE", actor=officer, opinion="符合法定条件",
                                         licence_number="湘高新许字〔2026〕第0001号")


def test_project_chain_parallel_steps_and_speed_up(chain, admin_user, agent, clerk_user, own_enterprise):
    officer = UserFactory(role=Role.DEPT_OFFICER, org_unit=department())
    project = services.project_create(actor=admin_user, name="铁姆肯项目", enterprise=own_enterprise, template=chain,
                                      is_key=True, agent=agent, negotiation_on=TODAY)
    steps = {s.step.name: s for s in project.steps.select_related("step")}
    def file(name):
        return services.project_file_step(project=project, step=steps[name], actor=agent,
                                          originals_seen=required(steps[name]))

    with pytest.raises(ValidationError, match="前置环节"):
        file("节能审查")
    decide(file("立项"), clerk_user, officer)
    # Both successors of 立项 are open at once (并联).
    for name in ("节能审查", "用地规划"):
        decide(file(name), clerk_user, officer)
    permit = decide(file("施工许可"), clerk_user, officer)
    project = services.project_set_milestones(project=project, actor=admin_user, land_delivered_on=TODAY,
                                              plan_issued_on=TODAY)
    m = services.project_metrics(project)
    assert m["done"] == 4 and m["negotiation_service"] and m["land_to_start"] is True and m["permit_on"] == permit.decided_on
    assert m["statutory_workdays"] == 45  # 15 + 15 + 15 along the longest path
    assert m["actual_workdays"] == 0 and m["speed_up"] == 100.0
    assert Case.objects.filter(channel="proxy").count() == 4


def test_station_log_and_liaisons(station, station_officer, admin_user, own_enterprise, clerk_user):
    entry = station_services.service_log(station=station, actor=station_officer, category="hiring",
                                         description="对接职业院校", outcome="on_the_spot", enterprise=own_enterprise,
                                         problem=True)
    assert entry.problem and entry.jobs_filled == 0  # people placed are hires (talent room), not typed
    with pytest.raises(PermissionDenied):
        station_services.service_log(station=station, actor=clerk_user, category="consult", description="x",
                                     outcome="on_the_spot", person="王")
    with pytest.raises(ValidationError):
        station_services.service_log(station=station, actor=station_officer, category="consult", description="x",
                                     outcome="escalated", person="王")  # no department
    hrss = department("hrss", "人社局")
    first, second = (UserFactory(role=Role.DEPT_OFFICER, org_unit=hrss) for _ in range(2))
    station_services.liaison_set(station=station, officer=first, actor=admin_user)
    station_services.liaison_set(station=station, officer=second, actor=admin_user)
    liaisons = OrgAssignment.objects.filter(org_unit=station, position=Position.LIAISON)
    assert [a.user for a in liaisons] == [second]  # one per department per station


def test_pages_and_figures(admin_client, station, station_officer, own_enterprise, order, clerk_client):
    station_services.service_log(station=station, actor=station_officer, category="hiring", description="招工",
                                 outcome="on_the_spot", enterprise=own_enterprise, problem=True)
    from gaoxin.talent.models import Hire, JobDemand

    demand = JobDemand.objects.create(number="YG2026010100001", enterprise=own_enterprise, post="装配工", quantity=40,
                                      skill_level="general", pay_min=1, pay_max=2, location="x",
                                      created_by=station_officer)
    Hire.objects.bulk_create([Hire(demand=demand, name=f"工人{n}", id_number=f"4303021990010100{n:02d}",
                                   hired_on=demand.created_at.date(), station=station, status="confirmed",
                                   confirmed_on=demand.created_at.date(), recorded_by=station_officer)
                              for n in range(30)])
    assert "金荣政务服务驿站" in admin_client.get("/stations/").content.decode()
    assert "招工" in admin_client.get(f"/stations/{station.code}/").content.decode()
    html = admin_client.get("/stations/figures/").content.decode()
    assert "30 人次" in html and "帮代办订单" in html
    assert clerk_client.get("/api/v1/station-logs/").json()["count"] == 1
    assert clerk_client.get(f"/api/v1/assist-orders/{order.number}/").json()["status"] == "requested"
    schema = clerk_client.get("/api/schema/").content.decode()
    assert "/api/v1/assist-orders/" in schema and "/api/v1/station-logs/" in schema
    assert StationService.objects.count() == 1


def test_the_upgrade_starts_todays_counter_after_the_orders_already_numbered(order, station_officer, own_enterprise):
    """Orders numbered by count() + 1 before the upgrade: the migration seeds the day's counter past them."""
    import importlib

    from django.apps import apps

    from gaoxin.core.models import DocumentCounter

    seed = importlib.import_module("gaoxin.assist.migrations.0003_seed_order_counters").seed_counters
    day = timezone.localdate()
    AssistOrder.objects.filter(pk=order.pk).update(number=f"BD{day:%Y%m%d}00007")
    DocumentCounter.objects.all().delete()
    seed(apps, None)
    seed(apps, None)  # idempotent
    again = services.order_create(actor=station_officer, enterprise=own_enterprise, channel="station",
                                  description="升级后第一单", contact_name="张", contact_phone="13800000000",
                                  commission_signed_on=TODAY, commission_valid_until=TODAY)
    assert again.number == f"BD{day:%Y%m%d}00008"

"""帮代办 orders, project chains and station logs: transition tables both ways, scoping, figures."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from gaoxin.accounts.models import OrgAssignment, Position, Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.assist import services
from gaoxin.assist.models import AssistOrder, ChainStep, ChainTemplate, OrderStatus
from gaoxin.cases import services as case_services
from gaoxin.cases.models import Case, Status
from gaoxin.catalog.tests.factories import department, make_item
from gaoxin.core.models import AuditEvent
from gaoxin.stations import services as station_services
from gaoxin.stations.models import StationService

TODAY = dt.date.today()


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


@pytest.mark.parametrize("name,status", [(n, s) for n in services.ORDER_TRANSITIONS for s in OrderStatus.values])
def test_order_transition_table(name, status, order, clerk_user, agent):
    AssistOrder.objects.filter(pk=order.pk).update(status=status, agent=agent)
    order.refresh_from_db()
    who = services.ORDER_TRANSITIONS[name][2]
    actor = agent if who == "agent" else clerk_user
    other_agent = UserFactory(role=Role.AGENT)
    audits = AuditEvent.objects.count()
    if status in services.ORDER_TRANSITIONS[name][0]:
        services.order_transition(order=order, name=name, actor=actor, reason="说明", agent=other_agent)
        assert AuditEvent.objects.count() == audits + 1
    else:
        with pytest.raises(ValidationError):
            services.order_transition(order=order, name=name, actor=actor, reason="说明", agent=other_agent)
        assert AuditEvent.objects.count() == audits


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
    s4 = ChainStep.objects.create(template=template, name="施工许可", item=d, order=3)
    s2.predecessors.set([s1])
    s3.predecessors.set([s1])
    s4.predecessors.set([s2, s3])
    return template


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
    with pytest.raises(ValidationError, match="前置环节"):
        services.project_file_step(project=project, step=steps["节能审查"], actor=agent)
    decide(services.project_file_step(project=project, step=steps["立项"], actor=agent), clerk_user, officer)
    # Both successors of 立项 are open at once (并联).
    for name in ("节能审查", "用地规划"):
        decide(services.project_file_step(project=project, step=steps[name], actor=agent), clerk_user, officer)
    permit = decide(services.project_file_step(project=project, step=steps["施工许可"], actor=agent), clerk_user, officer)
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
                                         problem=True, jobs_filled=12)
    assert entry.jobs_filled == 12
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
                                 outcome="on_the_spot", enterprise=own_enterprise, problem=True, jobs_filled=30)
    assert "金荣政务服务驿站" in admin_client.get("/stations/").content.decode()
    assert "招工" in admin_client.get(f"/stations/{station.code}/").content.decode()
    html = admin_client.get("/stations/figures/").content.decode()
    assert "30 人次" in html and "帮代办订单" in html
    assert clerk_client.get("/api/v1/station-logs/").json()["count"] == 1
    assert clerk_client.get(f"/api/v1/assist-orders/{order.number}/").json()["status"] == "requested"
    schema = clerk_client.get("/api/schema/").content.decode()
    assert "/api/v1/assist-orders/" in schema and "/api/v1/station-logs/" in schema
    assert StationService.objects.count() == 1

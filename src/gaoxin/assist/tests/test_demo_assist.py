"""The demo shows what 帮代办 and the four 即 do: a finished chain with its speed-up, valid milestones,
委托书 that staff can open, an order the agent is working."""

import pytest
from django.utils import timezone

from gaoxin.accounts.models import User
from gaoxin.assist import milestones as ms
from gaoxin.assist import services
from gaoxin.assist.models import AssistOrder, OrderStatus, Project
from gaoxin.demo import build_demo_zone

from .conftest import login


@pytest.mark.django_db
def test_the_demo_shows_the_assist_features():
    """One demo build (it takes a while), three views of it."""
    build_demo_zone(seed=7, enterprises=40, history=50)
    a_finished_chain_shows_a_real_speed_up()
    every_demo_milestone_passes_the_checks()
    demo_orders_carry_letters_staff_can_open()
    no_reform_is_marked_that_the_chain_does_not_prove()
    every_order_number_has_the_one_format()
    the_founder_is_not_offered_an_order()
    the_figures_count_the_key_projects_an_agent_works()


def a_finished_chain_shows_a_real_speed_up():
    admin_client = login(User.objects.get(username="admin"))
    finished = [(p, services.project_metrics(p)) for p in Project.objects.all()]
    done = [(p, m) for p, m in finished if m["speed_up"] is not None]
    assert done, "no demo project has every step decided"
    project, m = done[0]
    assert m["done"] == m["total"] == 8
    assert m["statutory_workdays"] == 123 and m["actual_workdays"] == 18 and m["speed_up"] == 85.4
    assert m["land_to_start"] is True and m["completion_to_certificate"] is True
    html = admin_client.get(f"/assist/projects/{project.pk}/").content.decode()
    assert 'data-testid="speed-up">85.4%' in html
    figures = admin_client.get("/stations/figures/").content.decode()
    assert "85.4%" in figures


def every_demo_milestone_passes_the_checks():
    labels = services.milestone_labels()
    projects = list(Project.objects.all())
    assert len(projects) == 4
    for project in projects:
        steps = list(services.metric_steps().filter(project=project))
        proofs = services.chain_proofs(steps)
        dates = services.project_dates(project, steps)
        assert ms.milestone_errors(dates, today=timezone.localdate(), labels=labels,
                                   fixed={k: p.pending for k, p in proofs.items()}) == {}, project.name
    reforms = [r for p in projects for r in services.project_metrics(p)["reforms"]]
    assert {r.achieved for r in reforms if r.key == "handover_with_certificate"} >= {True}


def demo_orders_carry_letters_staff_can_open():
    working = AssistOrder.objects.get(status=OrderStatus.IN_PROGRESS)
    agent = User.objects.get(username="agent")
    assert working.agent == agent and working.item.name == "企业变更登记" and working.visits.exists()
    assert working.commission_file
    response = login(agent).get(f"/assist/{working.number}/files/commission/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    page = login(agent).get(f"/assist/{working.number}/file/").content.decode()
    assert "企业变更登记申请表" in page
    assert not AssistOrder.objects.filter(contact_name="联系人").exists()


def no_reform_is_marked_that_the_chain_does_not_prove():
    """A permit or a first registration is the chain's: no ✓ of 拿地即开工 / 竣工即办证 / 交房即交证 before the step
    that proves it is granted (the QA walk saw "拿地即开工 ✓" at 0/8 and 东方金谷 with four ✓ at 0/8)."""
    for project in Project.objects.all():
        m = services.project_metrics(project)
        steps = {s.step.name: s for s in services.metric_steps().filter(project=project)}
        granted = {name: services.step_granted_on(step) for name, step in steps.items()}
        assert m["permit_on"] == granted["施工许可"], project.name
        assert m["dates"]["certificate_on"] == granted["不动产首次登记"], project.name
        if m["land_to_start"] is not None:
            assert granted["施工许可"] is not None, project.name
        for key in ("completion_to_certificate", "handover_with_certificate"):
            if m[key] is not None:
                assert granted["不动产首次登记"] is not None, project.name
    east = Project.objects.get(name="东方金谷标准厂房")
    m = services.project_metrics(east)
    assert m["done"] == m["total"] == 8 and m["handover_with_certificate"] is True and m["land_to_start"] is False


def every_order_number_has_the_one_format():
    """BD + the day the order was placed + a five-digit sequence, from core.numbering, demo orders included."""
    import re

    orders = list(AssistOrder.objects.all())
    assert len(orders) == 44  # 42 by the agents and the stations, one placed at the demo kiosk, one from a 云导办 session
    for order in orders:
        assert re.fullmatch(r"BD\d{8}\d{5}", order.number), order.number
        assert order.number[2:10] == f"{timezone.localtime(order.requested_at):%Y%m%d}", order.number


def the_founder_is_not_offered_an_order():
    founder = login(User.objects.get(username="founder"))
    assert "我要代办" not in founder.get("/assist/").content.decode()
    assert founder.get("/assist/new/").status_code == 403


def the_figures_count_the_key_projects_an_agent_works():
    figures = login(User.objects.get(username="admin")).get("/stations/figures/").content.decode()
    card = figures[figures.index('data-testid="assist-services"'):]
    assert "其中重点项目 2 件" in card[:card.index("</div></div>")]

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
        dates = {k: getattr(project, k) for k in ms.MILESTONES}
        assert ms.milestone_errors(dates, today=timezone.localdate(), labels=labels) == {}, project.name
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

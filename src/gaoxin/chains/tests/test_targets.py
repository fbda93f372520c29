"""Investment targets (招商目标): created for a node of the chain by its chief and task force, contact history, the
status table walked pair by pair (one audit event and one timeline row each), the project-started step linked to
an approval-chain project, the pages (phone masked in lists, filters, query count) and the scope: staff read,
only the chain's own chief and task force act, a firm never sees a target (page or API)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from gaoxin.accounts.models import EnterpriseMembership, Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.assist.models import ChainTemplate, Project
from gaoxin.catalog.tests.factories import department
from gaoxin.chains import services
from gaoxin.chains.models import InvestmentTarget, TargetStatus
from gaoxin.chains.workflow import TARGET_WORKFLOW
from gaoxin.core.models import AuditEvent
from gaoxin.core.testing import test_day
from gaoxin.core.tests.workflow_walk import available_from, check_pair, check_roles_refused, pairs
from gaoxin.enterprises.tests.factories import EnterpriseFactory

TODAY = test_day()
T = TargetStatus


@pytest.fixture
def people(db):
    return {
        "admin": UserFactory(role=Role.ZONE_ADMIN, username="admin"),
        "chief": UserFactory(role=Role.LEADER, username="leader", full_name="赵建国"),
        "member": UserFactory(role=Role.DEPT_OFFICER, org_unit=department("economic", "经济发展局"),
                              username="economic", full_name="招商 李明"),
        "outsider": UserFactory(role=Role.DEPT_OFFICER, org_unit=department("tax", "税务局"), username="tax"),
    }


@pytest.fixture
def chain(people):
    chain = services.chain_create(actor=people["admin"], code="new-energy", name="新能源装备产业链",
                                  chief=people["chief"])
    services.taskforce_add(actor=people["admin"], chain=chain, user=people["member"])
    services.node_create(actor=people["admin"], chain=chain, segment="up", name="氢能核心材料", keywords="氢能")
    services.node_create(actor=people["admin"], chain=chain, segment="mid", name="储能系统", keywords="储能")
    return chain


def _target(chain, people, name="苏州氢源新材料科技有限公司", **kw):
    return services.target_create(actor=people["member"], chain=chain, node=chain.nodes.get(name="氢能核心材料"),
                                  name=name, region="江苏省苏州市", contact_name="周经理",
                                  contact_phone="13912345601", **kw)


def _project(firm=None):
    template = ChainTemplate.objects.get_or_create(code="industrial", defaults={"name": "工业项目审批链"})[0]
    return Project.objects.create(name="氢能材料产业园项目", enterprise=firm or EnterpriseFactory(), template=template)


def test_the_table_matches_the_spec():
    assert available_from(TARGET_WORKFLOW, T.values) == {
        "identified": {"CONTACT", "DROP"}, "contacted": {"VISIT", "DROP"}, "visiting": {"NEGOTIATE", "DROP"},
        "negotiating": {"SIGN", "DROP"}, "signed": {"START", "DROP"}, "started": set(), "dropped": set()}


@pytest.mark.parametrize("name,state", pairs(TARGET_WORKFLOW, T.values))
def test_every_target_transition_from_every_state(chain, people, name, state):
    target = _target(chain, people)
    InvestmentTarget.objects.filter(pk=target.pk).update(status=state)
    target.refresh_from_db()
    check_pair(TARGET_WORKFLOW, target, name, actor=people["member"], history=lambda: target.events.count(),
               project=_project() if name == "START" else None)


@pytest.mark.parametrize("name", list(TARGET_WORKFLOW))
def test_only_the_chains_chief_and_task_force_act(chain, people, name):
    target = _target(chain, people)
    state = next(iter(TARGET_WORKFLOW[name].sources))
    InvestmentTarget.objects.filter(pk=target.pk).update(status=state)
    target.refresh_from_db()
    check_roles_refused(TARGET_WORKFLOW, target, name, {"admin": people["admin"], "outsider": people["outsider"]})


def test_create_checks_node_uscc_phone_and_rights(chain, people):
    other = services.chain_create(actor=people["admin"], code="other", name="别的产业链")
    foreign = services.node_create(actor=people["admin"], chain=other, segment="up", name="节点", keywords="x")
    with pytest.raises(ValidationError) as err:
        services.target_create(actor=people["member"], chain=chain, node=foreign, name="某公司", region="",
                               uscc="91430300ABC", contact_phone="12")
    assert set(err.value.error_dict) == {"node", "region", "uscc", "contact_phone"}
    with pytest.raises(PermissionDenied):
        services.target_create(
            actor=people["outsider"], chain=chain, node=chain.nodes.first(), name="某公司", region="上海")
    with pytest.raises(PermissionDenied):  # the administrator manages chains, the task force courts firms
        services.target_create(actor=people["admin"], chain=chain, node=chain.nodes.first(), name="某公司",
                               region="上海")
    target = _target(chain, people)
    assert target.status == T.IDENTIFIED and target.masked_phone == "139****5601"
    event = AuditEvent.objects.get(event_type="chains.target.create")
    assert "13912345601" not in str(event.after)
    with pytest.raises(ValidationError):
        _target(chain, people)  # once per chain


def test_contact_history_is_kept_until_the_target_is_closed(chain, people):
    target = _target(chain, people)
    services.target_contact_add(actor=people["member"], target=target, contacted_on=TODAY - dt.timedelta(days=3),
                                channel="visit", note="专班赴苏州考察")
    with pytest.raises(ValidationError):
        services.target_contact_add(actor=people["member"], target=target, contacted_on=TODAY + dt.timedelta(days=1),
                                    channel="phone", note="未来")
    with pytest.raises(PermissionDenied):
        services.target_contact_add(actor=people["outsider"], target=target, contacted_on=TODAY, channel="phone",
                                    note="x")
    assert AuditEvent.objects.filter(event_type="chains.target.contact").count() == 1
    target = services.target_transition(target=target, name="DROP", actor=people["chief"], reason="无扩产计划")
    assert target.drop_reason == "无扩产计划"
    with pytest.raises(ValidationError):
        services.target_contact_add(actor=people["member"], target=target, contacted_on=TODAY, channel="phone",
                                    note="再联系")


def test_project_started_links_the_approval_chain_project(chain, people):
    firm = EnterpriseFactory()
    target = _target(chain, people, uscc=firm.uscc)
    for step in ("CONTACT", "VISIT", "NEGOTIATE", "SIGN"):
        target = services.target_transition(target=target, name=step, actor=people["member"])
    with pytest.raises(ValidationError) as err:
        services.target_transition(target=target, name="START", actor=people["member"])
    assert "project" in err.value.error_dict
    with pytest.raises(ValidationError) as err:  # another firm's project
        services.target_transition(target=target, name="START", actor=people["member"], project=_project())
    assert "统一社会信用代码" in str(err.value)
    project = _project(firm)
    target = services.target_transition(target=target, name="START", actor=people["member"], project=project)
    assert (target.status, target.project) == (T.PROJECT_STARTED, project)
    second = _target(chain, people, name="另一家公司")
    InvestmentTarget.objects.filter(pk=second.pk).update(status=T.SIGNED)
    second.refresh_from_db()
    with pytest.raises(ValidationError):  # one project, one target
        services.target_transition(target=second, name="START", actor=people["member"], project=project)


def test_pages_list_filter_and_work_a_target(client, chain, people):
    target = _target(chain, people)
    _target(chain, people, name="上海膜材科技股份有限公司")
    services.target_transition(target=target, name="CONTACT", actor=people["member"])
    client.force_login(people["outsider"])  # staff read the list, phones masked, but do not act
    url = reverse("chain_targets", args=[chain.code])
    page = client.get(url).content.decode()
    assert "苏州氢源" in page and "139****5601" in page and "13912345601" not in page
    filtered = client.get(url, {"status": "contacted"}).content.decode()
    assert "苏州氢源" in filtered and "上海膜材" not in filtered
    detail = client.get(reverse("chain_target", args=[target.pk])).content.decode()
    assert "139****5601" in detail and 'data-testid="contact-form"' not in detail
    assert client.post(reverse("chain_target_act", args=[target.pk]), {"name": "VISIT"}).status_code == 404
    assert client.get(reverse("chain_target_new", args=[chain.code])).status_code == 403

    client.force_login(people["member"])
    detail = client.get(reverse("chain_target", args=[target.pk])).content.decode()
    assert "13912345601" in detail and 'data-testid="step-visit"' in detail
    refused = client.post(reverse("chain_target_contact", args=[target.pk]),
                          {"contacted_on": f"{TODAY:%Y-%m-%d}", "channel": "phone", "note": ""})
    assert refused.status_code == 400 and refused.context["contact_form"].errors["note"]
    done = client.post(reverse("chain_target_contact", args=[target.pk]),
                       {"contacted_on": f"{TODAY:%Y-%m-%d}", "channel": "phone", "note": "电话对接，约定下周来访"})
    assert done.status_code == 302
    assert client.post(reverse("chain_target_act", args=[target.pk]), {"name": "VISIT"}).status_code == 302
    refused = client.post(reverse("chain_target_act", args=[target.pk]), {"name": "DROP"})
    assert refused.status_code == 400
    history = client.get(reverse("chain_target", args=[target.pk])).content.decode()
    assert "约定下周来访" in history and "互访考察" in history
    made = client.post(reverse("chain_target_new", args=[chain.code]),
                       {"node": chain.nodes.get(name="储能系统").pk, "name": "新目标公司", "region": "广东省深圳市"})
    assert made.status_code == 302
    tab = client.get(reverse("chain_detail", args=[chain.code]), {"tab": "targets"}).content.decode()
    assert "新目标公司" in tab


def test_target_list_costs_the_same_queries_however_many(client, chain, people, django_assert_max_num_queries):
    for n in range(30):
        target = _target(chain, people, name=f"目标企业{n}")
        services.target_contact_add(actor=people["member"], target=target, contacted_on=TODAY, channel="phone",
                                    note="对接")
    client.force_login(people["member"])
    with django_assert_max_num_queries(14):
        assert client.get(reverse("chain_targets", args=[chain.code])).status_code == 200


def test_a_firm_never_sees_a_target(client, chain, people):
    target = _target(chain, people)
    firm = EnterpriseFactory()
    user = UserFactory(role=Role.ENTERPRISE, username="firm")
    EnterpriseMembership.objects.create(user=user, enterprise=firm)
    client.force_login(user)
    assert client.get(reverse("chain_targets", args=[chain.code])).status_code == 403
    assert client.get(reverse("chain_target", args=[target.pk])).status_code == 403
    api = client.get("/api/v1/chain-targets/")
    assert api.status_code == 200 and not api.json()["results"]
    assert client.get(f"/api/v1/chain-targets/{target.pk}/").status_code == 404
    page = client.get(reverse("chain_detail", args=[chain.code]) + "?tab=targets").content.decode()
    assert "苏州氢源" not in page


def test_api_lists_targets_with_masked_phones(client, chain, people):
    target = _target(chain, people)
    services.target_contact_add(actor=people["member"], target=target, contacted_on=TODAY, channel="phone", note="对接")
    client.force_login(people["outsider"])
    body = client.get("/api/v1/chain-targets/", {"chain": chain.code}).json()
    rows = body["results"] if isinstance(body, dict) else body
    assert rows[0]["contact_phone"] == "139****5601" and rows[0]["contacts"][0]["note"] == "对接"

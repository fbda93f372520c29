"""Industry chains: who creates and manages, suggestions refreshed from a hand-built registry, the membership table
walked (every allowed step one audit event and one timeline row, every other refused), gaps, the chain page (map,
lists, constant query counts), an enterprise's view (public information and its own memberships), API, command."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gaoxin.accounts.models import EnterpriseMembership, Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.catalog.tests.factories import department
from gaoxin.chains import selectors, services
from gaoxin.chains.models import MemberRole, Membership, MembershipStatus
from gaoxin.chains.workflow import MEMBERSHIP_WORKFLOW
from gaoxin.core.models import AuditEvent
from gaoxin.core.tests.workflow_walk import check_pair, check_roles_refused, pairs
from gaoxin.enterprises.models import EnterpriseStatus, Industry
from gaoxin.enterprises.tests.factories import EnterpriseFactory


@pytest.fixture
def admin(db):
    return UserFactory(role=Role.ZONE_ADMIN, username="admin")


@pytest.fixture
def chief(db):
    return UserFactory(role=Role.LEADER, username="leader", full_name="赵建国")


@pytest.fixture
def member(db):
    return UserFactory(role=Role.DEPT_OFFICER, org_unit=department("industry", "工业和信息化局"), username="industry")


@pytest.fixture
def outsider(db):
    return UserFactory(role=Role.DEPT_OFFICER, org_unit=department("tax", "税务局"), username="tax")


@pytest.fixture
def registry(db):
    """Storage firms (38 + 储能), a cable firm (38), a trader named 储能 (51), a closed storage firm, a car-parts
    firm (36)."""
    return {
        "storage": EnterpriseFactory(name="湖南博越储能科技有限公司", industry_id="38", industry_code="3841"),
        "storage2": EnterpriseFactory(name="湘潭金天储能有限公司", industry_id="38"),
        "cable": EnterpriseFactory(name="湘潭华昭电缆有限公司", industry_id="38"),
        "trader": EnterpriseFactory(name="湘潭宏泰储能贸易有限公司", industry_id="51"),
        "closed": EnterpriseFactory(name="湖南远景储能有限公司", industry_id="38", status=EnterpriseStatus.CANCELLED),
        "parts": EnterpriseFactory(name="湖南瑞恒汽车零部件有限公司", industry_id="36"),
    }


@pytest.fixture
def chain(admin, chief, member, registry):
    chain = services.chain_create(actor=admin, code="new-energy", name="新能源装备产业链", chief=chief)
    services.taskforce_add(actor=admin, chain=chain, user=member, duty="专班牵头", phone="0731-58581001")
    services.node_create(actor=chief, chain=chain, segment="mid", name="储能系统",
                         industries=[Industry.objects.get(code="38")], keywords="储能 电池")
    services.node_create(actor=member, chain=chain, segment="down", name="新能源汽车部件",
                         industries=[Industry.objects.get(code="36")])
    services.node_create(actor=member, chain=chain, segment="up", name="氢能材料", keywords="氢能")
    return chain


def _suggested(chain):
    return set(Membership.objects.filter(chain=chain, status=MembershipStatus.SUGGESTED)
               .values_list("node__name", "enterprise__name"))


# --- who creates and manages ------------------------------------------------------------------------------------


def test_only_the_administrator_creates_a_chain_and_its_chief_is_a_leader(admin, chief, member):
    with pytest.raises(PermissionDenied):
        services.chain_create(actor=member, code="x", name="某产业链")
    with pytest.raises(ValidationError) as exc:
        services.chain_create(actor=admin, code="x", name="某产业链", chief=member)
    assert "chief" in exc.value.message_dict
    chain = services.chain_create(actor=admin, code="x", name="某产业链", chief=chief)
    assert AuditEvent.objects.filter(event_type="chains.chain.create", subject_id=str(chain.pk)).count() == 1
    with pytest.raises(ValidationError):
        services.chain_create(actor=admin, code="x", name="另一条")


def test_the_chief_and_the_task_force_manage_their_chain_others_do_not(chain, outsider, chief, member):
    with pytest.raises(PermissionDenied):
        services.node_create(actor=outsider, chain=chain, segment="up", name="电工材料", keywords="陶瓷")
    with pytest.raises(PermissionDenied):
        services.taskforce_add(actor=outsider, chain=chain, user=outsider)
    with pytest.raises(PermissionDenied):
        services.chain_refresh(chain=chain, actor=outsider)
    with pytest.raises(ValidationError) as exc:
        services.node_create(actor=chief, chain=chain, segment="up", name="空节点")
    assert "keywords" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.node_create(actor=chief, chain=chain, segment="up", name="坏代码", industry_codes="38a")
    assert "industry_codes" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.taskforce_add(actor=chief, chain=chain, user=member)  # already on it


# --- suggestions from the registry -----------------------------------------------------------------------------


def test_refresh_suggests_from_industry_and_keywords_once_and_keeps_dismissals(chain, registry, member):
    done = services.chain_refresh(chain=chain, actor=member)
    assert done == {"suggested": 3, "withdrawn": 0}
    assert _suggested(chain) == {("储能系统", "湖南博越储能科技有限公司"), ("储能系统", "湘潭金天储能有限公司"),
                                 ("新能源汽车部件", "湖南瑞恒汽车零部件有限公司")}
    basis = Membership.objects.get(enterprise=registry["storage"]).basis
    assert basis == "行业 电气机械和器材制造业（3841）；关键词 储能"  # the finer code, when the registry has it; the division named
    assert AuditEvent.objects.filter(event_type="chains.chain.refresh").count() == 1
    # Nothing new: nothing written, no audit event.
    assert services.chain_refresh(chain=chain, actor=member) == {"suggested": 0, "withdrawn": 0}
    assert AuditEvent.objects.filter(event_type="chains.chain.refresh").count() == 1
    # A dismissed firm is not suggested again.
    dismissed = Membership.objects.get(enterprise=registry["storage2"])
    services.membership_transition(membership=dismissed, name="DISMISS", actor=member, reason="已转产")
    assert services.chain_refresh(chain=chain, actor=member)["suggested"] == 0
    # A firm that closes loses its pending suggestion; a new firm of the registry is suggested.
    registry["parts"].status = EnterpriseStatus.CANCELLED
    registry["parts"].save()
    EnterpriseFactory(name="湖南新源储能电池有限公司", industry_id="38")
    assert services.chain_refresh(chain=chain, actor=member) == {"suggested": 1, "withdrawn": 1}
    assert ("储能系统", "湖南新源储能电池有限公司") in _suggested(chain)


def test_the_daily_command_refreshes_every_chain(chain, capsys):
    call_command("refresh_chains")
    assert "新增建议 3 家" in capsys.readouterr().out
    assert Membership.objects.filter(chain=chain, status=MembershipStatus.SUGGESTED).count() == 3


def test_gaps_are_nodes_without_a_confirmed_local_firm(chain, registry, member):
    services.chain_refresh(chain=chain, actor=member)
    gap_names = lambda: {n["name"] for n in selectors.chain_map(chain=chain, show_firms=True)["gaps"]}  # noqa: E731
    assert gap_names() == {"储能系统", "新能源汽车部件", "氢能材料"}
    m = Membership.objects.get(enterprise=registry["storage"])
    services.membership_transition(membership=m, name="CONFIRM", actor=member, role=MemberRole.LEAD)
    assert gap_names() == {"新能源汽车部件", "氢能材料"}
    # An investment target is not a local firm: the node stays a gap.
    node = chain.nodes.get(name="氢能材料")
    services.membership_add(actor=member, node=node, enterprise=registry["trader"], role=MemberRole.TARGET)
    assert "氢能材料" in gap_names()


# --- the membership table on the kernel --------------------------------------------------------------------------


@pytest.mark.parametrize("name,state", pairs(MEMBERSHIP_WORKFLOW, MembershipStatus.values))
def test_every_membership_transition_from_every_state(chain, registry, member, name, state):
    m = Membership.objects.create(chain=chain, node=chain.nodes.get(name="储能系统"), enterprise=registry["cable"],
                                  status=state)
    check_pair(MEMBERSHIP_WORKFLOW, m, name, actor=member, history=lambda: m.events.count(), role="support")


def test_the_table_matches_the_spec():
    from gaoxin.core.tests.workflow_walk import available_from

    assert available_from(MEMBERSHIP_WORKFLOW, MembershipStatus.values) == {
        "suggested": {"CONFIRM", "DISMISS"}, "confirmed": {"REMOVE"}, "dismissed": set()}


@pytest.mark.parametrize("name", list(MEMBERSHIP_WORKFLOW))
def test_only_the_chains_chief_and_task_force_decide(chain, registry, admin, outsider, name):
    firm_user = UserFactory(role=Role.ENTERPRISE)
    EnterpriseMembership.objects.create(user=firm_user, enterprise=registry["cable"])
    state = MembershipStatus.CONFIRMED if name == "REMOVE" else MembershipStatus.SUGGESTED
    m = Membership.objects.create(chain=chain, node=chain.nodes.first(), enterprise=registry["cable"], status=state)
    check_roles_refused(MEMBERSHIP_WORKFLOW, m, name, {"admin": admin, "outsider": outsider, "firm": firm_user})


def test_confirm_sets_the_role_and_who_decided(chain, registry, chief):
    services.chain_refresh(chain=chain, actor=chief)
    m = Membership.objects.get(enterprise=registry["storage"])
    m = services.membership_transition(membership=m, name="CONFIRM", actor=chief, role=MemberRole.LEAD)
    assert (m.status, m.role, m.decided_by) == (MembershipStatus.CONFIRMED, MemberRole.LEAD, chief)
    event = AuditEvent.objects.get(event_type="chains.membership.confirm")
    assert event.after["role"] == "lead"


# --- pages ---------------------------------------------------------------------------------------------------------


def _client(client, user):
    client.force_login(user)
    return client


def test_the_chief_confirms_a_suggestion_on_the_chain_page(client, chain, registry, chief):
    services.chain_refresh(chain=chain, actor=chief)
    m = Membership.objects.get(enterprise=registry["storage"])
    c = _client(client, chief)
    page = c.get(reverse("chain_detail", args=[chain.code]) + "?tab=suggestions")
    assert page.status_code == 200
    assert "湖南博越储能科技有限公司" in page.content.decode() and "gx-chain-map" in page.content.decode()
    refused = c.post(reverse("chain_membership_act", args=[m.pk]), {"name": "DISMISS", "tab": "suggestions"})
    assert refused.status_code == 400 and "需要填写原因" in refused.content.decode()
    done = c.post(reverse("chain_membership_act", args=[m.pk]), {"name": "CONFIRM", "role": "lead",
                                                                 "tab": "suggestions"})
    assert done.status_code == 302
    m.refresh_from_db()
    assert (m.status, m.role) == (MembershipStatus.CONFIRMED, MemberRole.LEAD)


def test_outsiders_cannot_manage(client, chain, registry, outsider, chief):
    services.chain_refresh(chain=chain, actor=chief)
    m = Membership.objects.filter(chain=chain).first()
    c = _client(client, outsider)
    assert c.get(reverse("chain_detail", args=[chain.code])).status_code == 200  # public chain information
    assert c.get(reverse("chain_node_new", args=[chain.code])).status_code == 403
    assert c.post(reverse("chain_refresh", args=[chain.code])).status_code == 403
    assert c.post(reverse("chain_membership_act", args=[m.pk]), {"name": "CONFIRM"}).status_code == 404
    m.refresh_from_db()
    assert m.status == MembershipStatus.SUGGESTED


def _fill(chain, chief, n: int):
    node = chain.nodes.get(name="储能系统")
    for i in range(n):
        firm = EnterpriseFactory(name=f"湖南测试{i}储能有限公司", industry_id="38")
        services.membership_add(actor=chief, node=node, enterprise=firm, role=MemberRole.SUPPORT)


@pytest.mark.parametrize("tab", ["firms", "suggestions", "actions", "targets", "projects", "appeals", "demands",
                                 "talents", "policies"])
def test_the_chain_page_costs_the_same_queries_however_many_firms(client, chain, chief, tab):
    c = _client(client, chief)
    url = reverse("chain_detail", args=[chain.code]) + f"?tab={tab}"
    _fill(chain, chief, 2)
    c.get(url)
    with CaptureQueriesContext(connection) as few:
        assert c.get(url).status_code == 200
    _fill(chain, chief, 25)
    with CaptureQueriesContext(connection) as many:
        assert c.get(url).status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_the_chain_list_costs_the_same_queries_however_many_chains(client, admin, chief):
    c = _client(client, chief)
    services.chain_create(actor=admin, code="a", name="甲产业链", chief=chief)
    c.get(reverse("chain_list"))
    with CaptureQueriesContext(connection) as few:
        c.get(reverse("chain_list"))
    for i in range(6):
        services.chain_create(actor=admin, code=f"c{i}", name=f"产业链{i}", chief=chief)
    with CaptureQueriesContext(connection) as many:
        assert c.get(reverse("chain_list")).status_code == 200
    assert len(many) == len(few)


def test_an_enterprise_sees_public_chain_information_and_only_its_own_memberships(client, chain, registry, chief):
    services.chain_refresh(chain=chain, actor=chief)
    for firm in ("storage", "parts"):
        m = Membership.objects.get(enterprise=registry[firm])
        services.membership_transition(membership=m, name="CONFIRM", actor=chief, role="support")
    firm_user = UserFactory(role=Role.ENTERPRISE)
    EnterpriseMembership.objects.create(user=firm_user, enterprise=registry["storage"])
    c = _client(client, firm_user)
    body = c.get(reverse("chain_detail", args=[chain.code])).content.decode()
    assert "储能系统" in body and "氢能材料" in body  # nodes and gaps are public
    assert "湖南博越储能科技有限公司" in body  # its own membership
    assert "湖南瑞恒汽车零部件有限公司" not in body and "待确认建议" not in body
    assert c.get(reverse("chain_detail", args=[chain.code]) + "?tab=appeals").status_code == 200
    api = c.get("/api/v1/chains/").json()
    members = api["results"][0]["members"] if "results" in api else api[0]["members"]
    assert [m["enterprise"] for m in members] == ["湖南博越储能科技有限公司"]
    assert c.get(reverse("chain_node_new", args=[chain.code])).status_code == 403
    # None of the staff lists, targets, figures or tagging: the talents of the chain's firms, its investment targets,
    # its yearly figures; an appeal is not tagged by a firm.
    assert 'href="?tab=talents"' not in body and 'href="?tab=targets"' not in body and "历年指标" not in body
    assert c.get(reverse("chain_targets", args=[chain.code])).status_code == 403
    assert c.get(reverse("appeal_chain_tag", args=["SQ-any"])).status_code == 403
    # A person without a bound firm does not use the room.
    founder = UserFactory(role=Role.ENTERPRISE)
    assert _client(client, founder).get(reverse("chain_list")).status_code == 403


def test_the_api_lists_chains_with_nodes_gaps_and_members_in_constant_queries(client, chain, registry, chief, admin):
    services.chain_refresh(chain=chain, actor=chief)
    m = Membership.objects.get(enterprise=registry["storage"])
    services.membership_transition(membership=m, name="CONFIRM", actor=chief, role="lead")
    c = _client(client, chief)
    with CaptureQueriesContext(connection) as few:
        data = c.get("/api/v1/chains/").json()
    rows = data["results"] if "results" in data else data
    nodes = {n["name"]: n for n in rows[0]["nodes"]}
    assert nodes["储能系统"]["gap"] is False and nodes["氢能材料"]["gap"] is True
    assert rows[0]["chief"] == "赵建国" and rows[0]["members"][0]["role"] == "lead"
    for i in range(4):
        services.chain_create(actor=admin, code=f"c{i}", name=f"产业链{i}", chief=chief)
    with CaptureQueriesContext(connection) as many:
        c.get("/api/v1/chains/")
    assert len(many) == len(few)
    assert c.get(f"/api/v1/chains/{chain.code}/").status_code == 200

"""The chain page's live lists of the chain's projects (approval chains of its confirmed firms and of the projects
its investment targets started) and problems (appeals tagged with the chain by its chief or task force, offered
from its firms' open appeals), appeals solved per chain, the scopes: a department sees only the tagged appeals it
may read, a firm none of the lists."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from gaoxin.accounts.models import EnterpriseMembership, Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.appeals.models import Appeal
from gaoxin.assist.models import ChainTemplate, Project
from gaoxin.catalog.tests.factories import department
from gaoxin.chains import selectors, services
from gaoxin.chains.models import ChainAppeal, InvestmentTarget, MemberRole, TargetStatus
from gaoxin.core.models import AuditEvent
from gaoxin.enterprises.tests.factories import EnterpriseFactory


@pytest.fixture
def people(db):
    return {
        "admin": UserFactory(role=Role.ZONE_ADMIN, username="admin"),
        "chief": UserFactory(role=Role.LEADER, username="leader"),
        "member": UserFactory(role=Role.DEPT_OFFICER, org_unit=department("economic", "经济发展局"), username="eco"),
        "tax": UserFactory(role=Role.DEPT_OFFICER, org_unit=department("tax", "税务局"), username="tax"),
    }


@pytest.fixture
def world(people):
    chain = services.chain_create(actor=people["admin"], code="new-energy", name="新能源装备产业链",
                                  chief=people["chief"])
    services.taskforce_add(actor=people["admin"], chain=chain, user=people["member"])
    node = services.node_create(actor=people["admin"], chain=chain, segment="mid", name="储能系统", keywords="储能")
    on, off = EnterpriseFactory(name="湖南甲储能有限公司"), EnterpriseFactory(name="湖南乙机械有限公司")
    services.membership_add(actor=people["admin"], node=node, enterprise=on, role=MemberRole.SUPPORT)
    appeals = {}
    for key, firm, status, lead in (("open", on, "in_progress", "tax"), ("solved", on, "closed", None),
                                    ("off", off, "received", None)):
        appeals[key] = Appeal.objects.create(
            number=f"SQ-{key}", enterprise=firm, channel="online", contact_name="张三", contact_phone="13800000000",
            category="policy", request_type="help", title=f"诉求{key}", description="内容", received_by=people["admin"],
            status=status, lead=people["tax"].org_unit if lead else None)
    return {"chain": chain, "node": node, "on": on, "off": off, "appeals": appeals}


def test_tagging_counts_the_solved_and_is_audited(world, people):
    chain, appeals = world["chain"], world["appeals"]
    for key in ("open", "solved", "off"):  # an appeal of a firm off the chain may be the chain's problem too
        services.appeal_tag(actor=people["chief"], chain=chain, appeal=appeals[key])
    assert AuditEvent.objects.filter(event_type="chains.problem.tag").count() == 3
    with pytest.raises(ValidationError):
        services.appeal_tag(actor=people["chief"], chain=chain, appeal=appeals["open"])
    with pytest.raises(PermissionDenied):
        services.appeal_tag(actor=people["tax"], chain=chain, appeal=appeals["open"])
    assert selectors.chain_problem_counts(chain) == {"n": 3, "solved": 1}
    row = selectors.chain_list(user=people["chief"]).get(pk=chain.pk)
    assert (row.n_problems, row.n_solved, row.n_firms) == (3, 1, 1)
    services.appeal_untag(actor=people["member"], tag=ChainAppeal.objects.get(appeal=appeals["off"]))
    assert selectors.chain_problem_counts(chain) == {"n": 2, "solved": 1}


def test_a_tagger_tags_only_appeals_it_may_read(world, people):
    # the economic bureau's officer on the task force does not read the tax bureau's appeal
    with pytest.raises(ValidationError):
        services.appeal_tag(actor=people["member"], chain=world["chain"], appeal=world["appeals"]["open"])


def test_the_problem_list_offers_the_firms_open_appeals_and_is_scoped(client, world, people):
    chain, appeals = world["chain"], world["appeals"]
    url = reverse("chain_detail", args=[chain.code]) + "?tab=appeals"
    client.force_login(people["chief"])
    page = client.get(url).content.decode()
    assert 'data-testid="untagged"' in page and "诉求open" in page and "诉求off" not in page
    assert "诉求solved" not in page  # solved appeals are not offered
    refused = client.post(reverse("chain_problem_tag", args=[chain.code]), {"number": "SQ-nothing"})
    assert refused.status_code == 400 and refused.context["tag_form"].errors["number"]
    assert client.post(reverse("chain_problem_tag", args=[chain.code]), {"number": "SQ-open"}).status_code == 302
    assert client.post(reverse("chain_problem_tag", args=[chain.code]), {"number": "SQ-solved"}).status_code == 302
    page = client.get(url).content.decode()
    assert "已解决 1 件" in page and "取消标记" in page
    # the tax officer reads the tagged appeal it leads, not the other; it may not tag
    client.force_login(people["tax"])
    page = client.get(url).content.decode()
    assert "SQ-open" in page and "SQ-solved" not in page and 'data-testid="tag-form"' not in page
    assert client.post(reverse("chain_problem_tag", args=[chain.code]), {"number": "SQ-off"}).status_code == 403
    tag = ChainAppeal.objects.get(appeal=appeals["open"])
    assert client.post(reverse("chain_problem_untag", args=[chain.code, tag.pk])).status_code == 403
    # a firm sees none of the lists
    firm_user = UserFactory(role=Role.ENTERPRISE)
    EnterpriseMembership.objects.create(user=firm_user, enterprise=world["on"])
    client.force_login(firm_user)
    page = client.get(url).content.decode()
    assert "SQ-open" not in page and 'data-testid="list-appeals"' not in page


def test_the_project_list_holds_the_firms_and_the_targets_projects(client, world, people):
    template = ChainTemplate.objects.create(code="industrial", name="工业项目审批链")
    mine = Project.objects.create(name="储能电池扩产项目", enterprise=world["on"], template=template)
    landed = Project.objects.create(name="氢能材料落地项目", enterprise=EnterpriseFactory(), template=template)
    Project.objects.create(name="无关项目", enterprise=world["off"], template=template)
    target = services.target_create(actor=people["member"], chain=world["chain"], node=world["node"], name="目标",
                                    region="上海")
    InvestmentTarget.objects.filter(pk=target.pk).update(status=TargetStatus.PROJECT_STARTED, project=landed)
    assert set(selectors.chain_projects(user=people["tax"], chain=world["chain"])) == {mine, landed}
    client.force_login(people["tax"])
    page = client.get(reverse("chain_detail", args=[world["chain"].code]) + "?tab=projects").content.decode()
    assert "储能电池扩产项目" in page and "氢能材料落地项目" in page and "无关项目" not in page

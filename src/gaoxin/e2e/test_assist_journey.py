"""帮代办: an enterprise orders help and uploads its 委托书; the centre assigns an agent and opens the
letter; the agent files the case material by material and completes the order; the enterprise rates it.
And one step of a project approval chain, filed material by material too."""

import datetime as dt

import pytest

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.assist import services
from gaoxin.assist.models import AssistOrder, ChainStep, ChainTemplate
from gaoxin.catalog.tests.factories import make_item
from gaoxin.enterprises.tests.factories import EnterpriseFactory

from .conftest import session

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_order_from_request_to_completion(live_server, browser):
    admin = UserFactory(role=Role.ZONE_ADMIN)
    make_item(admin, name="企业变更登记", channels=["window", "proxy"], situations=())
    enterprise = EnterpriseFactory(name="湖南三益智宅家居有限公司")
    UserFactory(username="ent", role=Role.ENTERPRISE).enterprise_memberships.create(enterprise=enterprise)
    UserFactory(username="clerk", role=Role.WINDOW_CLERK)
    UserFactory(username="agent", role=Role.AGENT, full_name="帮代办 陈杰")

    UserFactory(username="founder", role=Role.ENTERPRISE)  # registered, no firm bound yet

    founder = session(browser, live_server, "founder")
    founder.goto(f"{live_server.url}/assist/")
    assert founder.get_by_role("link", name="我要代办").count() == 0  # nothing to order for: no dead end
    assert founder.goto(f"{live_server.url}/assist/new/").status == 403

    ent = session(browser, live_server, "ent")
    ent.goto(f"{live_server.url}/assist/")
    ent.get_by_role("link", name="我要代办").click()
    # The firm does not pick a desk channel (专窗, 热线…): it orders on the platform, or asks for a visit.
    assert ent.get_by_label("下单渠道").count() == 0 and "热线" not in ent.get_by_test_id("order-form").inner_text()
    ent.get_by_label("请专员上门服务（上门预约）").check()
    ent.get_by_label("代办事项（可选）").select_option(label="企业变更登记")
    ent.get_by_label("需求说明").fill("变更注册地址，希望上门代办")
    ent.get_by_label("联系电话").fill("1380000")  # a digit short
    ent.get_by_role("button", name="提交订单").click()
    # The error sits beside the phone field; what was typed is kept; nothing was ordered.
    assert ent.locator("#id_contact_phone ~ .invalid-feedback").inner_text() == "请填写正确的手机号或座机号"
    assert ent.get_by_label("需求说明").input_value() == "变更注册地址，希望上门代办"
    assert not AssistOrder.objects.exists()
    ent.get_by_label("联系电话").fill("13800000000")
    ent.get_by_label("委托书扫描件").set_input_files(
        {"name": "委托书.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"})
    ent.get_by_role("button", name="提交订单").click()
    assert ent.get_by_test_id("order-status").inner_text() == "已下单"
    assert "上门预约" in ent.content() and AssistOrder.objects.get().channel == "visit"
    url = ent.url

    clerk = session(browser, live_server, "clerk")
    clerk.goto(url)
    clerk.get_by_role("button", name="指派专员").click()
    assert clerk.get_by_test_id("agent").inner_text() == "帮代办 陈杰"
    assert "13800000000" in clerk.get_by_test_id("contact").inner_text()
    letter = clerk.get_by_role("link", name="代办服务委托书")
    opened = clerk.request.get(f"{live_server.url}{letter.get_attribute('href')}")
    assert opened.status == 200 and opened.headers["content-type"] == "application/pdf"

    agent = session(browser, live_server, "agent")
    agent.goto(url)
    agent.get_by_role("button", name="开始代办").click()
    assert "13800000000" in agent.get_by_test_id("contact").inner_text()  # the agent working it calls the firm
    agent.get_by_role("button", name="代为申报").click()
    rows = agent.get_by_test_id("file-case")
    assert "企业变更登记申请表" in rows.inner_text() and "住所使用证明" in rows.inner_text()
    agent.get_by_role("button", name="提交申报").click()  # nothing supplied for the required form
    assert "是必要材料" in agent.get_by_test_id("file-case").inner_text()
    agent.get_by_label("企业变更登记申请表：上传文件").set_input_files(
        {"name": "变更登记申请表.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"})
    agent.get_by_label("住所使用证明：已核验原件").check()
    agent.get_by_role("button", name="提交申报").click()
    agent.wait_for_url(url)
    assert "已代为申报" in agent.content()
    filed = {cm.material.name: cm for cm in AssistOrder.objects.get().cases.get().materials.select_related("material")}
    assert filed["企业变更登记申请表"].file and not filed["企业变更登记申请表"].original_seen
    assert filed["住所使用证明"].original_seen and not filed["住所使用证明"].file
    agent.get_by_label("走访记录").fill("上门收取营业执照正副本")
    agent.get_by_role("button", name="记录", exact=True).click()
    agent.get_by_label("办结（办结单）说明").fill("新营业执照已当面交付企业")
    agent.get_by_role("button", name="办结（办结单）").click()
    assert agent.get_by_test_id("order-status").inner_text() == "已办结"

    ent.reload()
    ent.get_by_role("button", name="提交评价").click()
    assert "企业评价：5星" in ent.content()


def test_one_step_of_a_project_chain(live_server, browser):
    admin = UserFactory(role=Role.ZONE_ADMIN)
    first = make_item(admin, code="43037109XK0001", name="企业投资项目备案", situations=(), channels=["window", "proxy"])
    second = make_item(admin, code="43037109XK0002", name="建设用地规划许可证核发", situations=(), channels=["window", "proxy"])
    template = ChainTemplate.objects.create(code="t", name="工业项目审批链")
    s1 = ChainStep.objects.create(template=template, name="立项备案", item=first, order=0)
    ChainStep.objects.create(template=template, name="用地规划许可", item=second, order=1).predecessors.set([s1])
    agent_user = UserFactory(username="agent", role=Role.AGENT)
    project = services.project_create(actor=admin, name="金杯电工智能制造基地", enterprise=EnterpriseFactory(),
                                      template=template, is_key=True, agent=agent_user, negotiation_on=dt.date.today())

    agent = session(browser, live_server, "agent")
    agent.goto(f"{live_server.url}/assist/projects/{project.pk}/")
    chain = agent.get_by_test_id("chain")
    assert "申报用地规划许可" not in chain.inner_text()  # waits for its predecessor
    agent.get_by_role("button", name="申报立项备案").click()
    # Material by material: the original of the form seen at the window, nothing claimed for the rest.
    agent.get_by_role("button", name="提交申报").click()
    assert "是必要材料" in agent.get_by_test_id("file-case").inner_text()
    agent.get_by_label("企业投资项目备案申请表：已核验原件").check()
    agent.get_by_role("button", name="提交申报").click()
    assert "已申报“立项备案”" in agent.content()
    filed = {cm.material.name: cm for cm in project.steps.get(step=s1).case.materials.select_related("material")}
    assert filed["企业投资项目备案申请表"].original_seen and not filed["住所使用证明"].original_seen
    assert "已接件" in agent.get_by_test_id("chain").inner_text()
    # A first registration with no completion acceptance is refused beside the date typed; nothing is saved.
    agent.get_by_label("不动产首次登记（办证）日期").fill(dt.date.today().isoformat())
    agent.get_by_role("button", name="保存节点").click()
    assert agent.locator("#id_certificate_on ~ .invalid-feedback").inner_text() == \
        "不动产首次登记（办证）日期需先有竣工验收日期，请先填写竣工验收日期"
    project.refresh_from_db()
    assert project.certificate_on is None

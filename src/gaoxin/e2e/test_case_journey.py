"""An enterprise applies online without one secondary material; the window accepts it with
that material owed (容缺受理); the enterprise supplies it; the department approves; the window
delivers; the enterprise sees the result and rates the service."""

import re

import pytest

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.cases import services
from gaoxin.cases.models import Case, cn_date
from gaoxin.catalog.tests.factories import department, make_item
from gaoxin.core.models import AuditEvent
from gaoxin.core.selectors import work_calendar
from gaoxin.enterprises.tests.factories import EnterpriseFactory

from .conftest import session

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_online_application_to_rating(live_server, browser, tmp_path):
    admin = UserFactory(role=Role.ZONE_ADMIN)
    market = department()
    item = make_item(admin, channels=["window", "web"], tolerance_allowed=True)
    enterprise = EnterpriseFactory(name="湖南蓝恒环保科技有限公司")
    applicant = UserFactory(username="ent", role=Role.ENTERPRISE)
    applicant.enterprise_memberships.create(enterprise=enterprise)
    UserFactory(username="clerk", role=Role.WINDOW_CLERK)
    UserFactory(username="officer", role=Role.DEPT_OFFICER, org_unit=market)
    form_pdf = tmp_path / "申请表.pdf"
    form_pdf.write_bytes(b"%PDF-1.4 demo form")

    ent = session(browser, live_server, "ent")
    ent.goto(f"{live_server.url}/guide/{item.implementation_code}/")
    # The situation picked on the guide goes with 网上办 and decides the materials asked for.
    ent.get_by_label("请选择您的办理情形：").select_option(label="有限责任公司")
    ent.wait_for_selector("[data-testid=apply-online][href*='situation=']")
    ent.get_by_test_id("apply-online").click()
    ent.wait_for_url("**/apply/?situation=*")
    assert "有限责任公司" in ent.get_by_test_id("chosen-situation").inner_text()
    assert ent.get_by_label("合伙协议").count() == 0
    ent.get_by_label("联系电话").fill("13812345678")
    for label in ("企业设立登记申请表", "公司章程"):
        ent.get_by_label(label).set_input_files(str(form_pdf))
    ent.get_by_role("button", name="提交申请").click()
    ent.wait_for_url("**/cases/GX*/")
    number = ent.get_by_test_id("case-number").inner_text()
    assert ent.get_by_test_id("case-status").inner_text() == "已接件"

    clerk = session(browser, live_server, "clerk")
    clerk.goto(f"{live_server.url}/cases/queue/intake/")
    clerk.get_by_role("link", name=number).click()
    clerk.get_by_label("住所使用证明").check()
    clerk.get_by_label("补齐期限（工作日）").fill("3")
    clerk.get_by_label("申请人已签署《容缺受理承诺书》").check()
    clerk.get_by_role("button", name="容缺受理").click()
    assert clerk.get_by_test_id("case-status").inner_text() == "已受理"
    assert "剩余" in clerk.get_by_test_id("time-left").inner_text()
    owed_until = cn_date(work_calendar().add_working_days(services.today(), 3))
    assert clerk.get_by_test_id("tolerance-due").inner_text().startswith(f"{owed_until}之前（含当日）")
    clerk.get_by_role("link", name="容缺受理通知书").click()
    assert "住所使用证明" in clerk.content() and number in clerk.content()
    assert clerk.get_by_test_id("tolerance-deadline").inner_text() == f"{owed_until}之前（含当日）"

    # The clerk opens the application form the enterprise uploaded; the opening is audited.
    clerk.goto(f"{live_server.url}/cases/{number}/")
    link = clerk.get_by_test_id("materials").get_by_role("link", name="企业设立登记申请表", exact=True)
    opened = clerk.request.get(live_server.url + link.get_attribute("href"))
    assert opened.status == 200 and opened.headers["content-type"] == "application/pdf"
    assert opened.body() == form_pdf.read_bytes()
    assert AuditEvent.objects.filter(event_type="case.material_viewed", actor__username="clerk").count() == 1

    ent.reload()
    ent.get_by_label("补交文件").set_input_files(str(form_pdf))
    ent.get_by_role("button", name="补交", exact=True).click()
    assert "容缺材料已补齐" in ent.content()

    officer = session(browser, live_server, "officer")
    officer.goto(f"{live_server.url}/cases/queue/review/")
    officer.get_by_role("link", name=number).click()
    officer.get_by_role("button", name="开始审查").click()
    officer.get_by_role("link", name="准予（办结）").click()
    officer.get_by_label("审查意见").fill("申请材料齐全、符合法定形式，经审查符合法定条件。")
    officer.get_by_label("证照编号/批准文号").fill("91430300MA4T0012XK")
    officer.get_by_label("结果文件（可选）").set_input_files(str(form_pdf))
    officer.get_by_role("button", name="下一步：确认决定").click()
    summary = officer.get_by_test_id("decision-summary").inner_text()
    assert "确认作出准予许可决定？" in summary and "91430300MA4T0012XK" in summary and "申请表.pdf" in summary
    officer.get_by_role("button", name="确认作出准予许可决定").click()
    assert officer.get_by_test_id("case-status").inner_text() == "办结（准予）"
    assert "91430300MA4T0012XK" in officer.get_by_test_id("decision").inner_text()
    officer.get_by_role("link", name="准予行政许可决定书").click()
    assert officer.get_by_role("heading", name="准予行政许可决定书").is_visible()
    assert officer.get_by_test_id("licence-number").inner_text() == "91430300MA4T0012XK"
    assert "经审查符合法定条件" in officer.get_by_test_id("opinion").inner_text()

    clerk.goto(f"{live_server.url}/cases/{number}/")
    clerk.get_by_label("送达方式").select_option("post")
    clerk.get_by_role("button", name="送达（出件）").click()
    assert "邮寄送达须填写快递单号" in clerk.get_by_test_id("delivery-form").inner_text()
    clerk.get_by_label("收件人", exact=True).fill("王磊")
    clerk.get_by_label("邮寄地址").fill("湖南省湘潭市岳塘区芙蓉中路9号")
    clerk.get_by_label("快递单号").fill("SF1400012345")
    clerk.get_by_role("button", name="送达（出件）").click()
    assert clerk.get_by_test_id("case-status").inner_text() == "已送达"
    assert "SF1400012345" in clerk.get_by_test_id("delivery").inner_text()

    ent.goto(f"{live_server.url}/cases/{number}/")
    assert ent.get_by_test_id("case-status").inner_text() == "已送达"
    assert ent.get_by_test_id("unread").inner_text() != ""  # told about acceptance, decision and delivery
    # The inbox lists the messages as links; opening one goes to the case and marks it read.
    ent.get_by_role("link", name=re.compile("^消息")).click()
    ent.get_by_test_id("inbox").get_by_role("link").filter(has_text="已容缺受理").click()
    ent.wait_for_url(f"**/cases/{number}/")
    ent.get_by_label("非常满意").check()
    ent.get_by_role("button", name="提交评价").click()
    assert "评价：非常满意" in ent.content()


def test_founder_registers_and_applies_for_startup_in_one_form(live_server, browser, tmp_path):
    """A founder without a firm registers as a natural person (the ID number's check digit is
    verified), then applies for 企业开办一件事 in one combined form, choosing the situation and
    uploading the combined application form once for both items."""
    from django.core.files.base import ContentFile

    from gaoxin.cases.models import CaseMaterial, Kind, SharedMaterial
    from gaoxin.catalog.models import Bundle, BundleItem, Material

    admin = UserFactory(role=Role.ZONE_ADMIN)
    market = department()
    item = make_item(admin, channels=["window", "web"], service_object="both")
    seal = make_item(admin, code="43037106XK0002", name="印章刻制备案", situations=(), channels=["window", "web"],
                     dept=department("public-security", "公安局"))
    Material.objects.create(version=seal.current_version, name="营业执照", necessity="required", sort_order=1)
    bundle = Bundle.objects.create(code="startup-one", name="企业开办一件事", zone=item.zone, lead_department=market,
                                   promised_limit=1)
    bundle.form.save("startup.xlsx", ContentFile(b"PK\x03\x04 combined form"))
    BundleItem.objects.bulk_create([BundleItem(bundle=bundle, item=item, sort_order=0),
                                    BundleItem(bundle=bundle, item=seal, sort_order=1)])
    upload = tmp_path / "材料.pdf"
    upload.write_bytes(b"%PDF-1.4 founder")

    page = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/guide/bundles/startup-one/")
    page.get_by_role("link", name="申请“企业开办一件事”").click()
    page.wait_for_url(re.compile(r".*/accounts/login/\?next=/guide/bundles/startup-one/apply/$"))
    page.get_by_test_id("register-link").click()
    page.get_by_label("真实姓名").fill("孙悦")
    page.get_by_label("居民身份证号码").fill("110105194912310021")
    page.get_by_role("textbox", name="手机号码").fill("13907320001")
    page.locator("#id_password1").fill("Xingfu-2026!")
    page.get_by_label("确认密码").fill("Xingfu-2026!")
    page.get_by_label("本人同意").check()
    page.get_by_role("button", name="注册").click()
    # The public page does not reveal which check digit would be right.
    assert page.get_by_test_id("error-id_number").inner_text() == "校验码不正确，请核对身份证号码的最后一位"
    page.get_by_label("居民身份证号码").fill("11010519491231002X")
    page.locator("#id_password1").fill("Xingfu-2026!")
    page.get_by_label("确认密码").fill("Xingfu-2026!")
    page.get_by_role("button", name="注册").click()
    page.wait_for_url("**/guide/bundles/startup-one/apply/")
    assert "孙悦" in page.get_by_test_id("citizen-applicant").inner_text()

    page.get_by_label("企业设立登记 · 办理情形").select_option(label="有限责任公司")
    page.wait_for_selector("#apply-form >> text=公司章程")
    assert page.get_by_label("合伙协议").count() == 0
    combined = page.get_by_label("企业开办一件事申请表（一表申请）")
    assert combined.count() == 1  # one upload for both items' application forms
    combined.set_input_files(str(upload))
    page.get_by_label("公司章程").set_input_files(str(upload))
    page.get_by_role("button", name="提交一件事申请").click()
    page.wait_for_url("**/cases/GX*/")
    assert "一表申请内容" in page.content() and "有限责任公司" in page.content()
    assert "共用于2个事项" in page.get_by_test_id("shared-materials").inner_text()

    package = Case.objects.get(kind=Kind.PACKAGE)
    assert package.applicant_type == "citizen" and package.applicant_id_number == "11010519491231002X"
    shared = SharedMaterial.objects.get(package=package, name="企业开办一件事申请表（一表申请）")
    uses = CaseMaterial.objects.filter(shared=shared)
    assert uses.count() == 2 and {u.file.name for u in uses} == {shared.file.name}
    assert {u.case.parent_id for u in uses} == {package.pk}

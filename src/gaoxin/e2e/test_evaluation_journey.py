"""亩产效益评价周期: the economic bureau opens a cycle, builds the participant list, sets one
firm aside as T class, confirms the list and starts data collection; a leader reads along."""

import fastexcel
import pytest
import xlsxwriter

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import OrgUnitFactory, UserFactory
from gaoxin.core.models import AuditEvent
from gaoxin.enterprises.tests.factories import EnterpriseFactory, LandParcelFactory
from gaoxin.evaluation import services
from gaoxin.evaluation.models import Cycle, CycleStatus

from .conftest import download_job_file, login, session

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_cycle_from_draft_to_collection(live_server, page, browser):
    UserFactory(username="econ", role=Role.DEPT_OFFICER, org_unit=OrgUnitFactory(name="经济发展局", code="economic"))
    UserFactory(username="leader", role=Role.LEADER)
    for name in ("湖南金杯电工股份有限公司", "湖南三一重工配套有限公司", "湘潭电化科技股份有限公司"):
        LandParcelFactory(enterprise=EnterpriseFactory(name=name))
    EnterpriseFactory(name="湖南无地科技有限公司")

    login(page, live_server.url, "econ", "Secret-pass-123")
    page.get_by_role("link", name="亩产评价").first.click()
    page.get_by_text("还没有评价周期").wait_for()
    page.get_by_label("数据年度").fill("2025")
    page.get_by_label("周期名称").fill("2025年度工业企业亩产效益综合评价")
    page.get_by_role("button", name="新建").click()
    page.get_by_text("评价周期已创建").wait_for()
    page.get_by_role("button", name="按企业档案生成参评名单").click()
    page.get_by_text("参评名单已按企业档案生成").wait_for()
    assert page.get_by_test_id("rated").inner_text() == "3"
    assert "用地面积无法确认" in page.get_by_role("row", name="湖南无地科技有限公司").inner_text()

    row = page.get_by_role("row", name="湘潭电化科技股份有限公司")
    row.get_by_label("湘潭电化科技股份有限公司不参评原因").fill("2025年新投产，不满一个完整年度")
    row.get_by_role("button", name="列为不参评").click()
    page.get_by_text("已列为不参评（T类）").wait_for()
    assert page.get_by_test_id("rated").inner_text() == "2"
    page.get_by_label("是否参评").select_option("0")
    page.get_by_role("button", name="筛选").click()
    assert page.get_by_test_id("participants").locator("tbody tr").count() == 2

    page.get_by_role("button", name="确认参评名单").click()
    page.get_by_text("评价周期已进入“参评名单确认”").wait_for()
    page.get_by_role("button", name="开始数据采集").click()
    page.get_by_text("评价周期已进入“数据采集”").wait_for()
    assert page.get_by_test_id("cycle-status").inner_text() == "数据采集"

    cycle = Cycle.objects.get()
    assert cycle.status == CycleStatus.COLLECTING
    assert AuditEvent.objects.filter(subject_type="evaluation.cycle", event_type__in=(
        "evaluation.cycle.confirm_scope", "evaluation.cycle.start_collection")).count() == 2
    assert [e.transition for e in cycle.events.all()] == ["CONFIRM_SCOPE", "START_COLLECTION"]

    leader = session(browser, live_server, "leader")
    leader.goto(f"{live_server.url}/evaluation/")
    leader.get_by_role("link", name="2025年度工业企业亩产效益综合评价").click()
    assert leader.get_by_test_id("cycle-status").inner_text() == "数据采集"
    assert leader.get_by_role("button", name="进入数据审核").count() == 0
    leader.context.close()


def test_department_upload_with_an_error_then_the_cross_check(live_server, page, tmp_path):
    admin = UserFactory(username="admin", role=Role.ZONE_ADMIN)
    tax = OrgUnitFactory(name="税务局", short_name="税务", code="tax")
    UserFactory(username="taxman", role=Role.DEPT_OFFICER, org_unit=tax)
    firm = EnterpriseFactory(name="湖南金杯电工股份有限公司")
    LandParcelFactory(enterprise=firm)
    owner = UserFactory(username="ent", role=Role.ENTERPRISE)
    owner.enterprise_memberships.create(enterprise=firm)
    cycle = services.cycle_create(actor=admin, data_year=2025, name="2025年度评价")
    services.participants_populate(actor=admin, cycle=cycle)
    for name in ("CONFIRM_SCOPE", "START_COLLECTION"):
        cycle = services.cycle_transition(actor=admin, cycle=cycle, name=name)

    ent = session(page.context.browser, live_server, "ent")
    ent.get_by_role("link", name="亩产填报").first.click()
    ent.get_by_label("实缴税收（万元）").fill("150")
    ent.get_by_role("button", name="保存填报").click()
    ent.get_by_text("已保存本企业填报数据").wait_for()
    ent.context.close()

    login(page, live_server.url, "taxman", "Secret-pass-123")
    page.goto(f"{live_server.url}/evaluation/{cycle.pk}/collect/")
    template = download_job_file(page, "下载税务模板", tmp_path / "tax.xlsx")
    rows = fastexcel.read_excel(str(template)).load_sheet(0, dtypes="string").to_polars()
    assert rows.columns == ["统一社会信用代码", "企业名称", "实缴税收（万元）", "销售收入（万元）"]
    assert rows["统一社会信用代码"].to_list() == [firm.uscc]

    def fill(tax):
        book = xlsxwriter.Workbook(str(template))
        book.add_worksheet().write_row(0, 0, rows.columns)
        book.worksheets()[0].write_row(1, 0, [firm.uscc, firm.name, tax, 1000])
        book.close()

    fill("一百二十")
    page.get_by_role("link", name="返回数据采集").click()
    page.get_by_label("税务数据文件").set_input_files(str(template))
    page.get_by_role("button", name="上传").click()
    page.get_by_text("未导入任何数据").wait_for()
    assert "“一百二十”不是数字" in page.content()

    fill(120)
    page.goto(f"{live_server.url}/evaluation/{cycle.pk}/collect/")
    page.get_by_label("税务数据文件").set_input_files(str(template))
    page.get_by_role("button", name="上传").click()
    page.get_by_text("新增1项，更新1项").wait_for()  # sales is new; tax was self-reported

    centre = session(page.context.browser, live_server, "admin")
    centre.goto(f"{live_server.url}/evaluation/{cycle.pk}/collect/")
    gaps = centre.get_by_test_id("gaps").inner_text()
    assert "湖南金杯电工股份有限公司" in gaps and "25.0%" in gaps
    centre.context.close()

"""亩产效益评价, the whole year in the browser: the tax bureau uploads its figures, an enterprise
disputes one and the bureau corrects it, the economic bureau scores, the leading group approves,
the result goes on public notice, an objection corrected by the tax bureau lifts the objector from
B to A (and pushes another firm down) after the whole group is re-scored, the result is released
and the utility list with electricity account numbers is downloaded. Every cycle transition
leaves exactly one audit event."""

import datetime as dt

import fastexcel
import pytest
import xlsxwriter
from django.utils import timezone

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import OrgUnitFactory, UserFactory
from gaoxin.core.models import AuditEvent
from gaoxin.enterprises.tests.factories import EnterpriseFactory, LandParcelFactory
from gaoxin.evaluation import services
from gaoxin.evaluation.models import Cycle, TierHistory
from gaoxin.evaluation.workflow import WORKFLOW

from .conftest import download_job_file, session

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
TAXES = [1000, 900, 800, 700, 600, 500, 400, 300, 200, 100]  # ours is the third: B of A2 B4 C3 D1
TRANSITIONS = [f"evaluation.cycle.{t.name.lower()}" for t in WORKFLOW.transitions]


def _advance(page, button, state, doc=("", "")):
    """Press one of the cycle's transitions (by its label); `doc` = (the document number's label, the number)."""
    if doc[1]:
        page.get_by_label(doc[0]).fill(doc[1])
    page.get_by_role("button", name=button, exact=True).click()
    page.get_by_text(f"评价周期已进入“{state}”").wait_for()


def _object(ent, field: str, claimed: str, reason: str, evidence) -> None:
    """The enterprise disputes one figure on its 亩产填报 page."""
    ent.get_by_label("数据项").select_option(label=field)
    ent.get_by_label("应为").fill(claimed)
    ent.get_by_label("证明材料（PDF、图片等，加盖公章）").set_input_files(str(evidence))
    ent.get_by_label("异议理由").fill(reason)
    ent.get_by_role("button", name="提交异议").click()
    ent.get_by_text("异议已提交").wait_for()


def _uphold(officer, url: str, firm: str, reason: str) -> None:
    """The owning department corrects the firm's figure to the claimed value."""
    officer.goto(url)
    row = officer.get_by_test_id("objections").get_by_role("row", name=firm)
    row.get_by_label("处理意见").fill(reason)
    row.get_by_role("button", name="更正数据").click()
    officer.get_by_text("已更正数据").wait_for()


def test_a_year_from_department_upload_to_the_utility_list(live_server, browser, tmp_path):
    econ = OrgUnitFactory(name="经济发展局", code="economic")
    tax = OrgUnitFactory(name="国家税务总局湘潭高新区税务局", short_name="税务", code="tax")
    admin = UserFactory(username="econ", role=Role.DEPT_OFFICER, org_unit=econ)
    UserFactory(username="taxman", role=Role.DEPT_OFFICER, org_unit=tax)
    UserFactory(username="leader", role=Role.LEADER)
    firms = [EnterpriseFactory(name=f"湖南{'甲乙丙丁戊己庚辛壬癸'[i]}电工有限公司", power_account=f"0732{i:08d}")
             for i in range(10)]
    for firm in firms:
        LandParcelFactory(enterprise=firm)
    ours = firms[2]
    owner = UserFactory(username="ent", role=Role.ENTERPRISE)
    owner.enterprise_memberships.create(enterprise=ours)
    cycle = services.cycle_create(actor=admin, data_year=2025, name="2025年度工业企业亩产效益综合评价")
    services.participants_populate(actor=admin, cycle=cycle)
    for name in ("CONFIRM_SCOPE", "START_COLLECTION"):
        cycle = services.cycle_transition(actor=admin, cycle=cycle, name=name)
    transitions = AuditEvent.objects.filter(event_type__in=TRANSITIONS).count()
    base = f"{live_server.url}/evaluation/{cycle.pk}"
    evidence = tmp_path / "完税证明.pdf"
    evidence.write_bytes(b"%PDF-1.4 demo")

    # 1. The tax bureau fills its template and uploads it.
    taxman = session(browser, live_server, "taxman")
    taxman.goto(f"{base}/collect/")
    template = download_job_file(taxman, "下载税务模板", tmp_path / "tax.xlsx")
    sheet = fastexcel.read_excel(str(template)).load_sheet(0, dtypes="string").to_polars()
    by_uscc = {f.uscc: tax_wan for f, tax_wan in zip(firms, TAXES, strict=True)}
    book = xlsxwriter.Workbook(str(template))
    book.add_worksheet().write_row(0, 0, sheet.columns)
    for r, (uscc, name) in enumerate(zip(sheet["统一社会信用代码"], sheet["企业名称"], strict=True), start=1):
        book.worksheets()[0].write_row(r, 0, [uscc, name, by_uscc[uscc], by_uscc[uscc] * 20])
    book.close()
    taxman.get_by_role("link", name="返回数据采集").click()
    taxman.get_by_label("税务数据文件").set_input_files(str(template))
    taxman.get_by_role("button", name="上传").click()
    taxman.get_by_text("新增20项").wait_for()

    bureau = session(browser, live_server, "econ")
    bureau.goto(f"{base}/")
    _advance(bureau, "进入数据审核", "数据审核")
    _advance(bureau, "交企业核实确认", "企业核实确认")

    # 2. The enterprise disputes its sales figure with evidence; the tax bureau corrects it.
    ent = session(browser, live_server, "ent")
    ent.get_by_role("link", name="亩产填报").first.click()
    _object(ent, "销售收入（万元）", "17000", "12月出口销售收入1000万元未计入，附出口报关单。", evidence)
    _uphold(taxman, f"{base}/objections/", ours.name, "核对出口退税系统，属实，予以更正")

    ent.reload()
    assert "已更正" in ent.get_by_test_id("my-objections").inner_text()
    ent.get_by_role("button", name="确认数据无误").click()
    ent.get_by_text("已确认本企业评价数据").wait_for()

    # 3. Scoring runs as a background job; the leading group approves; the notice opens.
    bureau.goto(f"{base}/")
    bureau.get_by_role("button", name="开始评价测算").click()
    bureau.get_by_text("测算完成").wait_for()
    bureau.get_by_role("link", name="查看评价结果").click()
    assert bureau.get_by_test_id(f"tier-{ours.uscc}").inner_text() == "B"
    assert bureau.get_by_test_id(f"tier-{firms[1].uscc}").inner_text() == "A"
    bureau.goto(f"{base}/")
    _advance(bureau, "审定", "审定", doc=("审定文号", "湘高新管函〔2026〕5号"))
    _advance(bureau, "发布公示", "公示")
    public = browser.new_context(locale="zh-CN").new_page()
    public.goto(f"{base}/notice/")
    assert "湘高新管函〔2026〕5号" in public.content() and ours.name in public.get_by_test_id("notice-list").inner_text()

    # 4. During the notice the enterprise objects to its tax; the tax bureau upholds it.
    ent.goto(f"{live_server.url}/evaluation/report/")
    assert "B类" in ent.get_by_test_id("my-tier").inner_text()
    _object(ent, "实缴税收（万元）", "1100", "2025年度汇算清缴补缴税款300万元未计入。", evidence)
    _uphold(taxman, f"{base}/objections/?status=OPEN", ours.name, "经核实补缴税款已入库")

    # The notice period runs out (five calendar days later).
    Cycle.objects.filter(pk=cycle.pk).update(notice_end=timezone.localdate() - dt.timedelta(days=1))
    bureau.goto(f"{base}/")
    _advance(bureau, "进入异议处理", "异议处理")
    bureau.get_by_label("测算说明").fill("公示期异议更正后重新测算")
    bureau.get_by_role("button", name="重新测算").click()
    bureau.get_by_text("测算完成").wait_for()
    bureau.get_by_role("link", name="查看评价结果").click()
    changes = bureau.get_by_test_id("tier-changes").inner_text()
    assert ours.name in changes and "本企业异议更正：实缴税收（万元） 800 → 1100" in changes
    assert firms[1].name in changes and "第2名 → 第3名" in changes
    assert bureau.get_by_test_id(f"tier-{ours.uscc}").inner_text() == "A"

    # 5. Release with a numbered notice, then the list for the utilities.
    bureau.goto(f"{base}/")
    _advance(bureau, "正式发布", "正式发布", doc=("发布文号", "湘高新管发〔2026〕15号"))
    listing = download_job_file(bureau, "导出结果名单（含电、水、气户号）", tmp_path / "list.xlsx")
    a_sheet = fastexcel.read_excel(str(listing)).load_sheet("A类 优先发展类", header_row=1, dtypes="string").to_polars()
    assert ours.uscc in a_sheet["统一社会信用代码"].to_list()
    assert "073200000002" in a_sheet["电力户号"].to_list()
    assert set(a_sheet["发布文号"].to_list()) == {"湘高新管发〔2026〕15号"}

    public.goto(f"{base}/notice/")
    assert "正式发布" in public.content() and "湘高新管发〔2026〕15号" in public.content()
    moved = public.get_by_test_id("notice-changes").inner_text()  # compared with what was on notice
    assert ours.name in moved and firms[1].name in moved
    ent.goto(f"{base}/card/{cycle.participants.get(enterprise=ours).pk}/")
    assert "A类（优先发展类）" in ent.get_by_test_id("card-tier").inner_text()
    assert TierHistory.objects.get(enterprise=ours, year=2025).tier == "A"
    # DEPT_REVIEW, ENTERPRISE_CONFIRM, SCORED, APPROVED_FOR_NOTICE, PUBLIC_NOTICE, OBJECTION_RESOLUTION, RELEASED
    assert AuditEvent.objects.filter(event_type__in=TRANSITIONS).count() - transitions == 7
    assert cycle.events.count() == 9  # the two before the browser, and these seven
    for p in (taxman, bureau, ent, public):
        p.context.close()

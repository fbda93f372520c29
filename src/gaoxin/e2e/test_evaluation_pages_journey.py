"""亩产效益评价, the bureau's and the leader's other pages: the bureau records an environmental
penalty with its evidence, scores and proposes a re-grading; a leader approves it; after release
the leader reads the zone summary, the policy table and the tier history, and the bureau imports
the years before the platform (a bad file first, every bad cell named)."""

import pytest
import xlsxwriter

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import OrgUnitFactory, UserFactory
from gaoxin.enterprises.tests.factories import EnterpriseFactory, LandParcelFactory
from gaoxin.evaluation import services
from gaoxin.evaluation.models import Cycle, CycleAdjustment, CycleStatus, Regrade, TierHistory
from gaoxin.evaluation.tests.conftest import TAXES, supply
from gaoxin.evaluation.tests.helpers import walk

from .conftest import session

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
S = CycleStatus


def _history_file(path, rows):
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["统一社会信用代码", "数据年度", "等级"])
    for r, row in enumerate(rows, start=1):
        sheet.write_row(r, 0, row)
    book.close()
    return path


def test_penalty_regrade_summary_policies_and_history(live_server, browser, tmp_path):
    econ = OrgUnitFactory(name="经济发展局", code="economic")
    tax = OrgUnitFactory(name="国家税务总局湘潭高新区税务局", short_name="税务", code="tax")
    admin = UserFactory(username="econ", role=Role.DEPT_OFFICER, org_unit=econ)
    UserFactory(username="leader", role=Role.LEADER)
    firms = [EnterpriseFactory(name=f"湖南{'甲乙丙丁戊己庚辛壬癸'[i]}机械有限公司") for i in range(10)]
    for firm in firms:
        LandParcelFactory(enterprise=firm)
    cycle = services.cycle_create(actor=admin, data_year=2025, name="2025年度工业企业亩产效益综合评价")
    services.participants_populate(actor=admin, cycle=cycle)
    cycle = walk(cycle, admin, S.SCOPE_CONFIRMED, S.COLLECTING)
    supply(cycle, admin, tax, firms, taxes=TAXES)
    walk(cycle, admin, S.DEPT_REVIEW, S.ENTERPRISE_CONFIRM)
    base = f"{live_server.url}/evaluation/{cycle.pk}"

    # The bureau records a penalty with its evidence, scores, and proposes a re-grading.
    bureau = session(browser, live_server, "econ")
    bureau.goto(f"{base}/")
    bureau.get_by_role("link", name="加减分事项").click()
    bureau.get_by_label("统一社会信用代码").fill(firms[4].uscc)
    bureau.get_by_label("规则").select_option("ENV_PENALTY")
    bureau.get_by_label("次数").fill("2")
    bureau.get_by_label("依据").fill("湘潭环罚〔2025〕12号、15号")
    bureau.get_by_role("button", name="保存").click()
    bureau.get_by_text("已保存").wait_for()
    assert "湘潭环罚〔2025〕12号" in bureau.get_by_test_id("adjustments").inner_text()
    assert CycleAdjustment.objects.get().count == 2

    bureau.goto(f"{base}/")
    bureau.get_by_role("button", name="开始评价测算").click()
    bureau.get_by_text("测算完成").wait_for()
    bureau.get_by_role("link", name="查看评价结果").click()
    assert bureau.get_by_test_id(f"tier-{firms[9].uscc}").inner_text() == "D"
    row = bureau.get_by_test_id("results").get_by_role("row", name=firms[9].name)
    row.get_by_text("调档").click()
    row.get_by_label("调整为").select_option("C")
    row.get_by_label("调档理由").fill("年内停产技改三个月，经领导小组研究")
    row.get_by_role("button", name="提交审批").click()
    bureau.get_by_text("待领导审批").first.wait_for()

    # A leader approves it.
    leader = session(browser, live_server, "leader")
    leader.goto(f"{base}/results/")
    leader.get_by_label("审批意见").fill("同意")
    leader.get_by_role("button", name="批准", exact=True).click()
    leader.get_by_text("已批准调档").wait_for()  # back on the cycle: before notice the run is the bureau's
    bureau.goto(f"{base}/results/")
    assert bureau.get_by_test_id(f"tier-{firms[9].uscc}").inner_text() == "C"
    assert Regrade.objects.get().approver.username == "leader"

    walk(Cycle.objects.get(pk=cycle.pk), admin, S.APPROVED_FOR_NOTICE, S.PUBLIC_NOTICE, S.OBJECTION_RESOLUTION,
         S.RELEASED)

    # The leader reads the zone summary, the policy table and the history.
    leader.goto(f"{live_server.url}/evaluation/")
    leader.get_by_role("link", name="全区概览").click()
    assert "2025年度（10家" in leader.get_by_test_id("tier-chart").inner_text()
    leader.goto(f"{live_server.url}/evaluation/")
    leader.get_by_role("link", name="差别化政策").click()
    assert "0.15 元/千瓦时" in leader.get_by_test_id("policies").inner_text()
    leader.goto(f"{live_server.url}/evaluation/")
    leader.get_by_role("link", name="历年等级").click()
    assert "本平台发布" in leader.get_by_test_id("history").inner_text()
    assert leader.get_by_role("button", name="导入").count() == 0  # reading only

    # The bureau imports 2023–2024 from before the platform: a bad file first.
    bureau.goto(f"{live_server.url}/evaluation/history/")
    bad = _history_file(tmp_path / "bad.xlsx", [[firms[9].uscc, "2024", "D"], [firms[9].uscc, "2025", "D"]])
    bureau.get_by_label("历年等级文件").set_input_files(str(bad))
    bureau.get_by_role("button", name="导入").click()
    bureau.get_by_text("未导入任何数据").wait_for()
    assert "2025年度已在本平台正式发布" in bureau.get_by_test_id("job-errors").inner_text()
    good = _history_file(tmp_path / "good.xlsx", [[firms[9].uscc, "2024", "D"], [firms[9].uscc, "2023", "D"]])
    bureau.goto(f"{live_server.url}/evaluation/history/")
    bureau.get_by_label("历年等级文件").set_input_files(str(good))
    bureau.get_by_role("button", name="导入").click()
    bureau.get_by_text("导入2条").wait_for()
    assert TierHistory.objects.filter(enterprise=firms[9], source="imported").count() == 2
    for p in (bureau, leader):
        p.context.close()

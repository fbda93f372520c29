"""Pages and API of scoring, objections, the public notice, report cards, the released list and the
zone summary: who sees what, empty states, constant query counts."""

import datetime as dt
import io
from decimal import Decimal

import fastexcel
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gaoxin.core.models import Job, JobStatus
from gaoxin.core.tests.test_pdf import needs_font, needs_pdf, pdf_text
from gaoxin.enterprises.tests.factories import EnterpriseFactory, LandParcelFactory
from gaoxin.evaluation import objections, policies
from gaoxin.evaluation.models import Cycle, CycleStatus, Objection, Release, ScoreResult, TierHistory, TierPolicy
from gaoxin.evaluation.tests.conftest import OWN, own_participant
from gaoxin.evaluation.tests.helpers import score, walk

S = CycleStatus


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def scored(admin_user, confirming):
    score(confirming, admin_user)
    return Cycle.objects.get(pk=confirming.pk)


@pytest.fixture
def released(admin_user, scored):
    return walk(scored, admin_user, S.APPROVED_FOR_NOTICE, S.PUBLIC_NOTICE, S.OBJECTION_RESOLUTION, S.RELEASED)


def test_results_page_filters_and_shows_tiers(client, admin_user, scored, firms):
    page = login(client, admin_user).get(reverse("evaluation_results", args=[scored.pk]))
    text = page.content.decode()
    assert page.status_code == 200 and "第1次测算" in text and firms[0].name in text
    d_only = client.get(reverse("evaluation_results", args=[scored.pk]), {"tier": "D"}).content.decode()
    assert firms[9].name in d_only and firms[0].name not in d_only


def test_results_page_before_scoring_says_so(client, admin_user, confirming):
    text = login(client, admin_user).get(reverse("evaluation_results", args=[confirming.pk])).content.decode()
    assert "还没有完成的评价测算" in text


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_results_page_queries_do_not_grow_with_firms(client, admin_user, confirming, firms, tax_unit):
    login(client, admin_user)
    score(confirming, admin_user)
    score(Cycle.objects.get(pk=confirming.pk), admin_user)  # a previous run: the tier-change list is shown
    url = reverse("evaluation_results", args=[confirming.pk])
    # the first request of a session also stamps its last-seen time (accounts.security)
    client.get(url)
    small = _queries(client, url)
    cycle = Cycle.objects.get(pk=confirming.pk)
    for _ in range(30):  # more firms in the same cycle: the next run lists 40
        p = cycle.participants.create(enterprise=LandParcelFactory(enterprise=EnterpriseFactory()).enterprise,
                                      group="ABOVE")
        p.values.create(field="tax_wan", verified=Decimal(50))
    score(cycle, admin_user)
    assert ScoreResult.objects.filter(run=Cycle.objects.get(pk=cycle.pk).current_run).count() == 40
    assert _queries(client, url) == small


@pytest.mark.parametrize("who, status", [("admin_user", 200), ("leader_user", 403), ("tax_officer", 403),
                                         ("enterprise_user", 403), ("clerk_user", 403)])
def test_who_reads_a_working_run(client, scored, who, status, request):
    """Issue 15 §2: before notice the scored list (each firm's figures at one remove) is the bureau's alone."""
    login(client, request.getfixturevalue(who))
    assert client.get(reverse("evaluation_results", args=[scored.pk])).status_code == status
    assert client.get(f"/api/v1/evaluation-cycles/{scored.pk}/results/").status_code == status
    cycle_page = client.get(reverse("evaluation_cycle", args=[scored.pk])).content.decode()
    assert (reverse("evaluation_results", args=[scored.pk]) in cycle_page) is (status == 200)


def test_leaders_read_results_on_notice_and_while_a_regrade_awaits_them(client, admin_user, leader_user,
                                                                        tax_officer, scored, firms):
    from gaoxin.evaluation import scoring

    url = reverse("evaluation_results", args=[scored.pk])
    regrade = scoring.regrade_request(actor=admin_user, participant=scored.participants.get(enterprise=firms[9]),
                                      to_tier="C", reason="停产三个月")
    login(client, leader_user)
    assert client.get(url).status_code == 200  # the 调档 awaiting the leader's decision
    scoring.regrade_decide(actor=leader_user, regrade=regrade, approve=True, note="同意")
    assert client.get(url).status_code == 403  # decided: the working run is the bureau's again
    walk(Cycle.objects.get(pk=scored.pk), admin_user, S.APPROVED_FOR_NOTICE, S.PUBLIC_NOTICE)
    assert client.get(url).status_code == 200  # on notice
    login(client, tax_officer)
    assert client.get(url).status_code == 403  # a data department: its fields on the collection page only


def test_scoring_from_the_page_runs_a_job(client, admin_user, confirming, django_capture_on_commit_callbacks):
    login(client, admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("evaluation_score", args=[confirming.pk]), {"note": "初评"})
    job = Job.objects.get(kind="evaluation_score")
    assert response["Location"] == reverse("job_detail", args=[job.pk]) and job.status == JobStatus.SUCCEEDED
    assert Cycle.objects.get(pk=confirming.pk).status == S.SCORED


def test_a_leader_cannot_start_scoring(client, leader_user, confirming):
    assert login(client, leader_user).post(reverse("evaluation_score", args=[confirming.pk])).status_code == 403


def test_enterprise_confirms_and_disputes_on_its_page(client, enterprise_user, confirming, firms, tax_officer):
    login(client, enterprise_user)
    url = reverse("evaluation_report", args=[confirming.pk])
    assert "确认数据无误" in client.get(url).content.decode()
    p = own_participant(confirming, firms)
    client.post(reverse("evaluation_object", args=[confirming.pk]), {
        "p": p.pk, "field": "tax_wan", "claimed": "850", "reason": "漏计税款",
        "evidence": SimpleUploadedFile("证明.pdf", b"%PDF-1.4", content_type="application/pdf")})
    o = Objection.objects.get()
    assert (o.owner_code, o.claimed) == ("tax", Decimal("850"))
    bad = client.post(reverse("evaluation_object", args=[confirming.pk]), {"p": p.pk, "field": "tax_wan",
                                                                         "claimed": "850", "reason": "再提"}, follow=True)
    assert "证明材料" in bad.content.decode() and Objection.objects.count() == 1
    # the tax officer sees it, the evidence opens, and the decision lands
    login(client, tax_officer)
    listing = client.get(reverse("evaluation_objections", args=[confirming.pk])).content.decode()
    assert firms[OWN].name in listing and "更正数据" in listing
    assert client.get(reverse("evaluation_evidence", args=[confirming.pk, o.pk])).status_code == 200
    client.post(reverse("evaluation_objection_decide", args=[confirming.pk, o.pk]),
                {"decision": "correct", "value": "850", "reason": "核实属实"})
    assert Objection.objects.get().status == "CORRECTED"
    login(client, enterprise_user)
    client.post(reverse("evaluation_confirm", args=[confirming.pk]), {"p": p.pk})
    assert confirming.participants.get(pk=p.pk).record_status == "CONFIRMED"


def test_other_departments_neither_see_nor_decide(client, enterprise_user, confirming, firms, stats_officer):
    p = own_participant(confirming, firms)
    o = objections.objection_file(actor=enterprise_user, participant=p, field="tax_wan", claimed="850", reason="x",
                                  evidence=SimpleUploadedFile("a.pdf", b"%PDF-1.4"))
    login(client, stats_officer)
    assert firms[OWN].name not in client.get(reverse("evaluation_objections", args=[confirming.pk])).content.decode()
    refused = client.post(reverse("evaluation_objection_decide", args=[confirming.pk, o.pk]),
                          {"decision": "correct", "reason": "越权"})
    assert refused.status_code == 404 and Objection.objects.get().status == "OPEN"  # not theirs: not there
    assert client.get(reverse("evaluation_evidence", args=[confirming.pk, o.pk])).status_code == 404


def test_public_notice_is_open_to_all_only_once_published(client, admin_user, scored, firms):
    assert client.get(reverse("evaluation_notice", args=[scored.pk])).status_code == 404
    cycle = walk(scored, admin_user, S.APPROVED_FOR_NOTICE, S.PUBLIC_NOTICE)
    text = client.get(reverse("evaluation_notice", args=[cycle.pk])).content.decode()
    assert firms[0].name in text and "公示期" in text and cycle.approval_doc_no in text
    assert "A类（优先发展类） 2家" in text
    printed = client.get(reverse("evaluation_notice_print", args=[cycle.pk])).content.decode()
    assert "予以公示" in printed and "D类（限制发展类）（1家）" in printed and firms[9].name in printed


@needs_pdf
def test_the_release_notice_prints_as_pdf(client, released):
    response = client.get(reverse("evaluation_notice_print", args=[released.pk]), {"format": "pdf"})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_report_card_for_the_firm_after_notice_only(client, admin_user, enterprise_user, scored, firms):
    login(client, enterprise_user)
    own = own_participant(scored, firms)
    url = reverse("evaluation_card", args=[scored.pk, own.pk])
    assert client.get(url).status_code == 404  # scored, not yet published
    cycle = walk(scored, admin_user, S.APPROVED_FOR_NOTICE, S.PUBLIC_NOTICE)
    text = client.get(url).content.decode()
    assert "B类（支持发展类）" in text and "第3名（共10家）" in text and "I1 单位用地税收" in text
    assert "升为A类" in text  # the what-if to the next tier
    assert "国家税务总局湘潭高新区税务局核实" in text  # where each figure came from
    mine = client.get(reverse("evaluation_report", args=[cycle.pk])).content.decode()
    assert url in mine  # listed among the firm's reports
    other = cycle.participants.get(enterprise=firms[0])
    assert client.get(reverse("evaluation_card", args=[cycle.pk, other.pk])).status_code == 404
    printable = client.get(url, {"format": "print"}).content.decode()
    assert '<meta charset="utf-8">' in printable and "近三年趋势" in printable


@needs_pdf
@needs_font
def test_report_card_pdf_embeds_a_chinese_font(client, admin_user, scored, firms):
    cycle = walk(scored, admin_user, S.APPROVED_FOR_NOTICE, S.PUBLIC_NOTICE)
    response = login(client, admin_user).get(reverse("evaluation_card", args=[cycle.pk, own_participant(cycle, firms).pk]),
                                             {"format": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and b"CJK" in pdf_text(response.content)


def test_release_list_carries_tiers_policies_and_utility_accounts(client, admin_user, released, firms,
                                                                  django_capture_on_commit_callbacks):
    TierHistory.objects.create(enterprise=firms[9], year=2024, tier="D")
    TierHistory.objects.create(enterprise=firms[9], year=2023, tier="D")
    login(client, admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("evaluation_release_export", args=[released.pk, 1]))
    job = Job.objects.get(kind="evaluation_release_list")
    assert response["Location"] == reverse("job_detail", args=[job.pk]) and job.status == JobStatus.SUCCEEDED
    data = client.get(reverse("job_download", args=[job.pk]))
    book = fastexcel.read_excel(b"".join(data.streaming_content))
    assert book.sheet_names == ["A类 优先发展类", "B类 支持发展类", "C类 提升发展类", "D类 限制发展类", "暂不评价类"]
    d = book.load_sheet("D类 限制发展类", header_row=1, dtypes="string").to_polars()
    row = d.row(0, named=True)
    assert row["统一社会信用代码"] == firms[9].uscc and row["连续D类年数"] == "3"
    assert row["差别化政策"] == "电价加价 0.15元/千瓦时" and row["电力户号"] == "073200000009"
    b = book.load_sheet("B类 支持发展类", header_row=1, dtypes="string").to_polars()
    assert "073200000002" in b["电力户号"].to_list() and set(b["发布文号"].to_list()) == {released.release_doc_no}


def test_a_formula_like_firm_name_stays_text_in_the_released_list(released, firms, tmp_path):
    import zipfile

    from gaoxin.enterprises.models import Enterprise

    name = '=HYPERLINK("http://x","点我")'
    Enterprise.objects.filter(pk=firms[0].pk).update(name=name)
    path = tmp_path / "list.xlsx"
    policies.write_release_list(str(path), Release.objects.get(cycle=released, version=1))
    with zipfile.ZipFile(path) as z:
        assert not any("<f>" in z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/"))
    book = fastexcel.read_excel(str(path))
    names = [n for sheet in book.sheet_names
             for n in book.load_sheet(sheet, header_row=1, dtypes="string").to_polars()["企业名称"].to_list()]
    assert name in names


def test_release_export_is_for_the_bureau_and_leaders(client, tax_officer, enterprise_user, released):
    for user in (tax_officer, enterprise_user):
        assert login(client, user).post(reverse("evaluation_release_export", args=[released.pk, 1])).status_code == 403


def test_streaks_follow_the_configured_breaks(firms, settings):
    e = firms[0]
    for year, tier in ((2021, "D"), (2022, "D"), (2023, "T"), (2024, "D"), (2025, "D")):
        TierHistory.objects.create(enterprise=e, year=year, tier=tier)
    assert policies.d_streaks([e.pk], 2025) == {e.pk: 2}
    settings.GAOXIN_EVALUATION_STREAK_T_BREAKS = False
    assert policies.d_streaks([e.pk], 2025) == {e.pk: 4}
    TierHistory.objects.filter(enterprise=e, year=2024).delete()
    assert policies.d_streaks([e.pk], 2025) == {e.pk: 1}
    settings.GAOXIN_EVALUATION_STREAK_GAP_BREAKS = False
    assert policies.d_streaks([e.pk], 2025) == {e.pk: 3}


def test_the_highest_matching_surcharge_applies_and_expired_rows_do_not(db):
    rows = policies.active_policies(dt.date(2026, 1, 1))
    assert [policies.policy_text(p) for p in policies.measures("D", 1, rows)] == ["电价加价 0.05元/千瓦时"]
    assert [policies.policy_text(p) for p in policies.measures("D", 5, rows)] == ["电价加价 0.15元/千瓦时"]
    assert policies.measures("A", 0, rows) == []
    TierPolicy.objects.create(tier="D", consecutive_years="", lever="electricity_surcharge", value=Decimal("0.3"),
                              unit="元/千瓦时", effective_to=dt.date(2025, 12, 31))
    assert [p.value for p in policies.measures("D", 1, policies.active_policies(dt.date(2025, 6, 1)))] == [Decimal("0.3")]
    assert [p.value for p in policies.measures("D", 1, policies.active_policies(dt.date(2026, 6, 1)))] == [Decimal("0.05")]


def test_zone_summary_empty_and_with_releases(client, leader_user, admin_user, released):
    login(client, leader_user)
    text = client.get(reverse("evaluation_summary")).content.decode()
    assert "2025年度（10家" in text and "A 2" in text
    figures = text[text.index('data-testid="zone-figures"'):text.index("</table>", text.index('data-testid="zone-figures"'))]
    # Ten firms, tax 1000…100 万元 (5500), sales twenty times that; no earlier release to compare with.
    assert "<td>5500.00</td>" in figures and "<td>110000.00</td>" in figures and "2（—）" in figures
    Release.objects.all().delete()
    assert "还没有正式发布的评价结果" in client.get(reverse("evaluation_summary")).content.decode()


def test_cycle_dashboard_shows_department_progress_and_runs(client, admin_user, scored):
    text = login(client, admin_user).get(reverse("evaluation_cycle", args=[scored.pk])).content.decode()
    assert "国家税务总局湘潭高新区税务局" in text and "20 / 20" in text and "第1次（初评）" in text


# --- API ---------------------------------------------------------------------------------

def test_api_results_score_objections_and_policies(client, admin_user, enterprise_user, tax_officer, confirming,
                                                   firms, django_capture_on_commit_callbacks):
    login(client, admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(f"/api/v1/evaluation-cycles/{confirming.pk}/score/", {"note": "接口测算"},
                              content_type="application/json")
    assert started.status_code == 202 and started.json()["run"] == 1
    rows = client.get(f"/api/v1/evaluation-cycles/{confirming.pk}/results/", {"tier": "A"}).json()["results"]
    assert [r["uscc"] for r in rows] == [firms[0].uscc, firms[1].uscc]
    assert client.get("/api/v1/evaluation-tier-policies/").json()["count"] == 3
    cycle = walk(Cycle.objects.get(pk=confirming.pk), admin_user, S.APPROVED_FOR_NOTICE, S.PUBLIC_NOTICE)
    login(client, enterprise_user)
    own = own_participant(cycle, firms)
    filed = client.post("/api/v1/evaluation-objections/", {
        "participant": own.pk, "field": "tax_wan", "claimed": "1100", "reason": "补缴税款",
        "evidence": SimpleUploadedFile("a.pdf", b"%PDF-1.4")})
    assert filed.status_code == 201, filed.content
    assert filed.json()["stage"] == "NOTICE" and filed.json()["owner_code"] == "tax"
    other = cycle.participants.get(enterprise=firms[0])
    refused = client.post("/api/v1/evaluation-objections/", {
        "participant": other.pk, "field": "tax_wan", "claimed": "1", "reason": "x",
        "evidence": SimpleUploadedFile("a.pdf", b"%PDF-1.4")})
    assert refused.status_code == 403
    assert client.get("/api/v1/evaluation-tier-policies/").status_code == 403
    login(client, tax_officer)
    listed = client.get("/api/v1/evaluation-objections/").json()
    assert listed["count"] == 1
    bad = client.post(f"/api/v1/evaluation-objections/{filed.json()['id']}/decide/", {"decision": "correct"},
                      content_type="application/json")
    assert bad.status_code == 400 and "reason" in bad.json()
    done = client.post(f"/api/v1/evaluation-objections/{filed.json()['id']}/decide/",
                       {"decision": "correct", "value": "1050", "reason": "核实部分属实", "approval_ref": "湘高新亩字〔2026〕2号"},
                       content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "CORRECTED" and done.json()["corrected"] == "1050.0000"
    assert (done.json()["decision_label"], done.json()["approval_ref"]) == ("部分采纳", "湘高新亩字〔2026〕2号")


def test_api_objections_are_scoped(client, enterprise_user, confirming, firms, stats_officer):
    objections.objection_file(actor=enterprise_user, participant=own_participant(confirming, firms), field="tax_wan",
                              claimed="1", reason="x", evidence=SimpleUploadedFile("a.pdf", b"%PDF-1.4"))
    assert login(client, stats_officer).get("/api/v1/evaluation-objections/").json()["count"] == 0
    assert login(client, enterprise_user).get("/api/v1/evaluation-objections/").json()["count"] == 1



def test_objection_and_notice_pages_queries_do_not_grow(client, admin_user, enterprise_user, in_notice_many, firms):
    cycle, mine = in_notice_many
    login(client, admin_user)
    objection_url = reverse("evaluation_objections", args=[cycle.pk])
    notice_url = reverse("evaluation_notice", args=[cycle.pk])

    def file(participant):
        objections.objection_file(actor=enterprise_user, participant=participant, field="tax_wan", claimed="1",
                                  reason="x", evidence=SimpleUploadedFile("a.pdf", b"%PDF-1.4"))

    file(mine[0])
    # the first request of a session also stamps its last-seen time (accounts.security)
    client.get(objection_url)
    small = (_queries(client, objection_url), _queries(client, notice_url))
    for participant in mine[1:]:
        file(participant)
    assert Objection.objects.count() == len(mine) > 10
    assert (_queries(client, objection_url), _queries(client, notice_url)) == small


@pytest.fixture
def in_notice_many(admin_user, enterprise_user, confirming, firms):
    """The notice open, with a dozen more firms bound to the enterprise user."""
    from gaoxin.accounts.models import EnterpriseMembership

    extra = [LandParcelFactory(enterprise=EnterpriseFactory()).enterprise for _ in range(12)]
    for e in extra:
        EnterpriseMembership.objects.create(user=enterprise_user, enterprise=e)
        p = confirming.participants.create(enterprise=e, group="ABOVE")
        p.values.create(field="tax_wan", verified=Decimal(40))
    score(confirming, admin_user)
    cycle = walk(Cycle.objects.get(pk=confirming.pk), admin_user, S.APPROVED_FOR_NOTICE, S.PUBLIC_NOTICE)
    return cycle, list(cycle.participants.filter(enterprise__in=extra))


def _history_file(rows):
    import xlsxwriter

    path = io.BytesIO()
    book = xlsxwriter.Workbook(path, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["统一社会信用代码", "数据年度", "等级"])
    for r, row in enumerate(rows, start=1):
        sheet.write_row(r, 0, row)
    book.close()
    return SimpleUploadedFile("历年等级.xlsx", path.getvalue())


def test_tier_history_import_feeds_the_streak(client, admin_user, firms, django_capture_on_commit_callbacks):
    login(client, admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("evaluation_history"), {"file": _history_file(
            [[firms[0].uscc, "2023", "D"], [firms[0].uscc, "2024年", "d类"], [firms[1].uscc, 2024, "A"]])})
    job = Job.objects.get(kind="evaluation_history_import")
    assert response["Location"] == reverse("job_detail", args=[job.pk]) and job.status == JobStatus.SUCCEEDED
    assert policies.d_streaks([firms[0].pk], 2024) == {firms[0].pk: 2}
    assert TierHistory.objects.filter(source="imported").count() == 3
    page = client.get(reverse("evaluation_history")).content.decode()
    assert "导入" in page and "2023" in page


def test_a_bad_history_file_names_every_cell_and_writes_nothing(client, admin_user, released, firms,
                                                                django_capture_on_commit_callbacks):
    login(client, admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("evaluation_history"), {"file": _history_file([
            [firms[0].uscc, "2023", "D"], ["91430300MA4000000X", "2023", "B"], [firms[1].uscc, "去年", "A"],
            [firms[2].uscc, "2023", "E"], [firms[0].uscc, "2023", "C"], [firms[3].uscc, "2025", "A"]])})
    job = Job.objects.get(kind="evaluation_history_import")
    assert job.status == JobStatus.FAILED and job.result["error_count"] == 5
    assert [e["text"] for e in job.errors] == [
        "“Sheet1”表第3行“统一社会信用代码”列（A列）：“91430300MA4000000X”不在企业档案中",
        f"“Sheet1”表第4行“数据年度”列（B列）：“去年”应为2000至{dt.date.today().year - 1}之间的年份",
        "“Sheet1”表第5行“等级”列（C列）：“E”应为A、B、C、D或T",
        "“Sheet1”表第6行“统一社会信用代码”列（A列）：与第2行重复（同一企业同一年度）",
        "“Sheet1”表第7行“数据年度”列（B列）：2025年度已在本平台正式发布，不能导入",
    ]
    assert not TierHistory.objects.filter(source="imported").exists()


def as_typed(code: str) -> str:
    """How a clerk pastes a code: groups separated by spaces, letters in lower case."""
    return f" {code[:4].lower()} {code[4:10]}\u3000{code[10:].lower()} "


def _xlsx(path, headings, rows):
    from gaoxin.core.excel import write_workbook

    write_workbook(str(path), [("Sheet1", headings, rows)])
    return path


def test_every_evaluation_upload_reads_a_code_as_typed(confirming, firms, tax_unit, tmp_path):
    from gaoxin.evaluation import adjustments, collection

    pid = {p.enterprise_id: p.pk for p in confirming.participants.all()}
    figures = _xlsx(tmp_path / "税务.xlsx", ["统一社会信用代码", "企业名称", "实缴税收（万元）", "销售收入（万元）"],
                    [[as_typed(firms[0].uscc), "甲", 120, 2400]])
    assert collection.parse_department_file(confirming, tax_unit, figures) == {
        (pid[firms[0].pk], "tax_wan"): Decimal(120), (pid[firms[0].pk], "sales_wan"): Decimal(2400)}
    events = _xlsx(tmp_path / "加减分.xlsx", ADJ_HEADER, [[as_typed(firms[4].uscc), "ENV_PENALTY", 1, "湘潭环罚〔2025〕1号"]])
    assert adjustments.parse_adjustment_file(confirming, events) == [
        (pid[firms[4].pk], "ENV_PENALTY", 1, "湘潭环罚〔2025〕1号")]
    history = _xlsx(tmp_path / "历年.xlsx", ["统一社会信用代码", "数据年度", "等级"], [[as_typed(firms[0].uscc), 2020, "d"]])
    assert policies.parse_history(history) == [(firms[0].pk, 2020, "D")]


def test_the_participant_and_result_searches_read_a_code_as_typed(client, admin_user, scored, firms):
    login(client, admin_user)
    for url in (reverse("evaluation_cycle", args=[scored.pk]), reverse("evaluation_results", args=[scored.pk])):
        text = client.get(url, {"q": as_typed(firms[9].uscc)}).content.decode()
        assert firms[9].name in text and firms[8].name not in text, url


def test_only_the_bureau_imports_history(client, leader_user):
    login(client, leader_user)
    assert client.get(reverse("evaluation_history")).status_code == 200
    assert client.post(reverse("evaluation_history"), {"file": _history_file([])}).status_code == 403


def test_adjustment_page_records_events_and_refuses_strangers(client, eco_officer, confirming, firms, clerk_user):
    from gaoxin.evaluation.models import CycleAdjustment

    url = reverse("evaluation_adjustments", args=[confirming.pk])
    login(client, eco_officer)
    assert "无需录入：高新技术企业" in client.get(url).content.decode()  # proven by the registry, not typed in
    client.post(url, {"uscc": firms[4].uscc.lower(), "rule_id": "ENV_PENALTY", "count": "2", "evidence": "湘潭环罚〔2025〕12号"})
    assert CycleAdjustment.objects.get().count == 2
    text = client.post(url, {"uscc": "91430300MA4000000X", "rule_id": "ENV_PENALTY", "count": "1", "evidence": "x"},
                       follow=True).content.decode()
    assert "不在本周期参评名单中" in text and firms[4].name in text
    login(client, clerk_user)
    assert client.get(url).status_code == 403


def test_api_adjustments(client, eco_officer, enterprise_user, confirming, firms):
    url = f"/api/v1/evaluation-cycles/{confirming.pk}/adjustments/"
    login(client, eco_officer)
    made = client.post(url, {"uscc": firms[4].uscc, "rule_id": "ENV_PENALTY", "count": 2, "evidence": "湘潭环罚〔2025〕12号"},
                       content_type="application/json")
    assert made.status_code == 201
    assert client.get(url).json()["results"] == [{"uscc": firms[4].uscc, "rule_id": "ENV_PENALTY", "count": 2,
                                                  "evidence": "湘潭环罚〔2025〕12号"}]
    bad = client.post(url, {"uscc": firms[4].uscc, "rule_id": "NOPE"}, content_type="application/json")
    assert bad.status_code == 400 and "rule_id" in bad.json()
    assert client.post(url, {"uscc": "X", "rule_id": "ENV_PENALTY"}, content_type="application/json").status_code == 400
    login(client, enterprise_user)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("scope, listed", [("changed", 2), ("all", 10)])
def test_a_renotice_lists_only_the_firms_that_moved(client, admin_user, enterprise_user, tax_officer, scored, firms,
                                                    settings, scope, listed):
    settings.GAOXIN_EVALUATION_RENOTICE_SCOPE = scope
    cycle = walk(scored, admin_user, S.APPROVED_FOR_NOTICE, S.PUBLIC_NOTICE)
    o = objections.objection_file(actor=enterprise_user, participant=own_participant(cycle, firms), field="tax_wan",
                                  claimed="1100", reason="补缴", evidence=SimpleUploadedFile("a.pdf", b"%PDF-1.4"))
    objections.objection_decide(actor=tax_officer, objection=o, correct=True, reason="属实")
    cycle = walk(Cycle.objects.get(pk=cycle.pk), admin_user, S.OBJECTION_RESOLUTION)
    score(cycle, admin_user, note="异议更正后重新测算")
    cycle = walk(Cycle.objects.get(pk=cycle.pk), admin_user, S.PUBLIC_NOTICE)
    text = client.get(reverse("evaluation_notice", args=[cycle.pk])).content.decode()
    assert text.count("<td>规模以上</td>") == listed
    assert ("更正公示" in text) == (scope == "changed")


def test_regrade_through_the_pages(client, admin_user, leader_user, scored, firms):
    from gaoxin.evaluation.models import Regrade

    p = scored.participants.get(enterprise=firms[9])
    login(client, admin_user)
    page = client.post(reverse("evaluation_regrade", args=[scored.pk, p.pk]), {"to_tier": "C", "reason": ""},
                       follow=True).content.decode()
    assert "调档必须说明理由" in page and not Regrade.objects.exists()
    client.post(reverse("evaluation_regrade", args=[scored.pk, p.pk]), {"to_tier": "C", "reason": "停产三个月"})
    regrade = Regrade.objects.get()
    assert client.post(reverse("evaluation_regrade_decide", args=[scored.pk, regrade.pk]),
                       {"approve": "1"}).status_code == 403  # the bureau cannot approve
    login(client, leader_user)
    assert "待审批" in client.get(reverse("evaluation_results", args=[scored.pk])).content.decode()
    client.post(reverse("evaluation_regrade_decide", args=[scored.pk, regrade.pk]), {"approve": "1", "note": "同意"})
    login(client, admin_user)
    text = client.get(reverse("evaluation_results", args=[scored.pk]), {"regraded": "1"}).content.decode()
    assert firms[9].name in text and firms[0].name not in text
    assert ScoreResult.objects.get(run=scored.current_run, participant=p).final_tier == "C"


def _sheet(header, rows, name="加减分.xlsx"):
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, header)
    for r, row in enumerate(rows, start=1):
        sheet.write_row(r, 0, row)
    book.close()
    return SimpleUploadedFile(name, out.getvalue())


ADJ_HEADER = ["统一社会信用代码", "规则编号", "次数", "依据"]


def test_a_penalty_list_imports_all_or_nothing(client, admin_user, confirming, firms,
                                              django_capture_on_commit_callbacks):
    from gaoxin.evaluation.models import CycleAdjustment

    login(client, admin_user)  # the bureau records every rule (a department its own: test_adjustment_authority)
    url = reverse("evaluation_adjustment_upload", args=[confirming.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"file": _sheet(ADJ_HEADER, [
            [firms[4].uscc, "ENV_PENALTY", 2, "湘潭环罚〔2025〕12号"], [firms[5].uscc, "NOPE", 1, "x"],
            [firms[6].uscc, "ENV_PENALTY", 1, ""], [firms[7].uscc, "HNTE", 1, "证书"],
            [firms[4].uscc, "ENV_PENALTY", 1, "重复"]])})
    failed = Job.objects.get(kind="evaluation_adjustment_import")
    assert failed.status == JobStatus.FAILED and not CycleAdjustment.objects.exists()
    assert [e["text"] for e in failed.errors] == [
        "“Sheet1”表第3行“规则编号”列（B列）：“NOPE”不是评价方法中的规则（ENV_PENALTY、HNTE、MAJOR_SAFETY、SUBLET）",
        "“Sheet1”表第4行“依据”列（D列）：请填写依据（如处罚决定书文号）",
        "“Sheet1”表第5行“规则编号”列（B列）：该规则按企业档案资质自动认定，无需录入",
        "“Sheet1”表第6行“统一社会信用代码”列（A列）：与第2行重复（同一企业同一规则）",
    ]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"file": _sheet(ADJ_HEADER, [
            [firms[4].uscc, "ENV_PENALTY", 2, "湘潭环罚〔2025〕12号"], [firms[0].uscc, "MAJOR_SAFETY", 1, "事故调查报告"]])})
    ok = Job.objects.filter(kind="evaluation_adjustment_import").order_by("-pk").first()
    assert ok.status == JobStatus.SUCCEEDED and CycleAdjustment.objects.count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"file": _sheet(ADJ_HEADER, [[firms[0].uscc, "MAJOR_SAFETY", 0, ""]])})
    assert list(CycleAdjustment.objects.values_list("rule_id", flat=True)) == ["ENV_PENALTY"]


def test_while_an_amendment_is_prepared_firms_still_see_the_released_version(client, admin_user, enterprise_user,
                                                                            released, firms):
    from gaoxin.evaluation.models import CycleValue

    cycle = walk(released, admin_user, S.AMENDED)
    CycleValue.objects.filter(participant__enterprise=firms[OWN], field="tax_wan").update(verified=Decimal("5000"))
    score(cycle, admin_user, note="更正")
    login(client, enterprise_user)
    own = own_participant(cycle, firms)
    assert "B类（支持发展类）" in client.get(reverse("evaluation_card", args=[cycle.pk, own.pk])).content.decode()
    assert "B类" in client.get(reverse("evaluation_report", args=[cycle.pk])).content.decode()
    login(client, admin_user)  # the bureau sees the working run
    assert "A类（优先发展类）" in client.get(reverse("evaluation_card", args=[cycle.pk, own.pk])).content.decode()


def test_a_firm_in_d_for_three_years_has_a_streak_of_four_before_and_after_release(client, admin_user, scored, firms):
    """Issue 14 §1: the card said "连续列为D类 1 年 / 电价加价0.05元" before release for a D-D-D firm."""
    last = scored.participants.get(enterprise=firms[9])  # the group's last firm: D in this run
    assert ScoreResult.objects.get(run=scored.current_run, participant=last).final_tier == "D"
    for year in range(scored.data_year - 3, scored.data_year):
        TierHistory.objects.create(enterprise=firms[9], year=year, tier="D", source="imported")
    login(client, admin_user)

    def card(cycle):
        html = client.get(reverse("evaluation_card", args=[cycle.pk, last.pk])).content.decode()
        return html[html.index('data-testid="measures"'):]

    proposed = card(scored)
    assert "（拟）" in proposed and "0.15" in proposed and "0.05" not in proposed
    assert "连续列为D类 4 年（拟，以正式发布为准）" in proposed
    final = card(walk(scored, admin_user, S.APPROVED_FOR_NOTICE, S.PUBLIC_NOTICE, S.OBJECTION_RESOLUTION, S.RELEASED))
    assert "（拟）" not in final and "0.15" in final and "连续列为D类 4 年。" in final


def test_the_results_page_speaks_chinese_not_codes(client, admin_user, scored, firms):
    """Issue 14 §3: indicator names beside I1…, hashes only under 技术信息, no tier chosen for a 调档 by default;
    the public notice's title does not say 亩产效益综合评价 twice."""
    from gaoxin.evaluation.models import Regrade

    html = login(client, admin_user).get(reverse("evaluation_results", args=[scored.pk])).content.decode()
    assert "I1</span> <span class=\"small fw-normal\">单位用地税收" in html
    assert html.index("<summary class=\"d-inline\">技术信息</summary>") < html.index('data-testid="input-hash"')
    assert '<option value="" selected>请选择等级</option>' in html
    p = scored.participants.get(enterprise=firms[9])
    refused = client.post(reverse("evaluation_regrade", args=[scored.pk, p.pk]), {"reason": "停产"})
    assert refused.status_code == 400 and "请选择A、B、C、D之一" in refused.content.decode()
    assert not Regrade.objects.exists()
    cycle = walk(scored, admin_user, S.APPROVED_FOR_NOTICE, S.PUBLIC_NOTICE)
    notice = client.get(reverse("evaluation_notice", args=[cycle.pk])).content.decode()
    assert notice.count("亩产效益综合评价") == notice.count("亩产效益综合评价结果") >= 1
    assert "亩产效益综合评价亩产效益" not in notice


def test_the_card_and_the_verification_page_show_the_land_the_engine_used(client, admin_user, enterprise_user, scored,
                                                                         firms):
    """Issue 14 §2: the land behind "per mu" was never shown. Each kind in m², the counted area in m² and 亩
    equal to the run's own area, the source (registry parcels here) and who answers a land objection."""
    import io

    import polars as pl

    from gaoxin.accounts.tests.factories import OrgUnitFactory
    from gaoxin.enterprises.models import LandKind
    from gaoxin.evaluation import scoring

    OrgUnitFactory(code="natural-resources", name="自然资源和规划分局")
    own = own_participant(scored, firms)
    LandParcelFactory(enterprise=firms[OWN], kind=LandKind.LEASED_OUT, area_m2=Decimal("2000"))
    run = scoring.score_compute(scoring.score_start(actor=admin_user, cycle=Cycle.objects.get(pk=scored.pk)))
    engine_mu = pl.read_parquet(io.BytesIO(bytes(run.frame))).filter(pl.col("uscc") == firms[OWN].uscc)["area_mu"][0]
    land = scoring.land_of(own)
    assert (land["m2"], land["mu"]) == (8000, pytest.approx(engine_mu)) and engine_mu == pytest.approx(12)

    html = login(client, admin_user).get(reverse("evaluation_card", args=[scored.pk, own.pk])).content.decode()
    assert 'data-testid="land-m2">8000.00<' in html and "合 12.0000 亩" in html
    assert "企业档案登记的地块" in html and "2000.00 平方米" in html and "由自然资源和规划分局核实处理" in html
    dashboard = client.get(reverse("evaluation_cycle", args=[scored.pk])).content.decode()
    progress = dashboard[dashboard.index('data-testid="department-progress"'):]
    assert "自然资源和规划分局" in progress and "另有 10 家企业的用地按企业档案地块计" in progress
    page = login(client, enterprise_user).get(reverse("evaluation_report", args=[scored.pk])).content.decode()
    assert "合 12.0000 亩" in page


def test_qa_walk_of_the_results_and_the_card(client, admin_user, leader_user, scored, firms):
    """QA walk of issue 14: a leader deciding a 调档 could not open the firm's card (404); a vetoed firm could be
    put up for a 调档; a regraded firm's card still offered "raise I1 … for C"; the card's tier before release
    was not marked 拟."""
    from gaoxin.evaluation import adjustments, scoring
    from gaoxin.evaluation.models import Participant

    last = scored.participants.get(enterprise=firms[9])
    card = reverse("evaluation_card", args=[scored.pk, last.pk])
    html = login(client, admin_user).get(card).content.decode()
    assert "（拟，以正式发布为准）" in html
    scoring.regrade_request(actor=admin_user, participant=last, to_tier="C", reason="停产技改")
    assert login(client, leader_user).get(card).status_code == 200  # the 调档 awaits this leader
    regrade = scored.regrades.get()
    scoring.regrade_decide(actor=leader_user, regrade=regrade, approve=True, note="同意")
    assert 'data-testid="card-whatif"' not in login(client, admin_user).get(card).content.decode()

    Cycle.objects.filter(pk=scored.pk).update(status=S.ENTERPRISE_CONFIRM)
    first = Participant.objects.get(cycle=scored, enterprise=firms[0])
    adjustments.adjustment_set(actor=admin_user, participant=first, rule_id="MAJOR_SAFETY", count=1,
                               evidence="湘潭应急〔2025〕3号事故调查报告")
    vetoed = walk(Cycle.objects.get(pk=scored.pk), admin_user, S.SCORED)
    with pytest.raises(ValidationError, match="一票否决"):
        scoring.regrade_request(actor=admin_user, participant=first, to_tier="C", reason="整改完成")
    assert vetoed.pk == scored.pk


def test_the_policy_table_reads_its_years_in_words(client, leader_user):
    """QA walk of issue 14: the 差别化政策 page showed ">=3" and "政策是配置数据而不是程序"."""
    html = login(client, leader_user).get(reverse("evaluation_policies")).content.decode()
    assert "3年及以上" in html and ">=3" not in html and "&gt;=3" not in html and "不是程序" not in html

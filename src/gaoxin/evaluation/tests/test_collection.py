"""Data collection: department templates, atomic uploads with per-cell errors, enterprise
self-reporting, verified values winning, the cross-check and who may do what."""

import io
from decimal import Decimal

import fastexcel
import pytest
import xlsxwriter
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import OrgUnitFactory, UserFactory
from gaoxin.core.models import AuditEvent, Job
from gaoxin.enterprises.models import SizeGroup
from gaoxin.enterprises.tests.factories import EnterpriseFactory, LandParcelFactory
from gaoxin.evaluation import collection, services
from gaoxin.evaluation.models import Cycle, CycleStatus, CycleValue

S = CycleStatus


@pytest.fixture
def firms(db):
    out = [EnterpriseFactory(size_group=SizeGroup.ABOVE), EnterpriseFactory(size_group=SizeGroup.BELOW)]
    for e in out:
        LandParcelFactory(enterprise=e)
    return out


@pytest.fixture
def cycle(admin_user, firms):
    cycle = services.cycle_create(actor=admin_user, data_year=2025, name="2025年度评价")
    services.participants_populate(actor=admin_user, cycle=cycle)
    for name in ("CONFIRM_SCOPE", "START_COLLECTION"):
        cycle = services.cycle_transition(actor=admin_user, cycle=cycle, name=name)
    return cycle


def xlsx(rows):
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    for r, row in enumerate(rows):
        sheet.write_row(r, 0, row)
    book.close()
    return out.getvalue()


def upload(client, cycle, unit, content, django_capture_on_commit_callbacks, name="税务.xlsx"):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("evaluation_upload", args=[cycle.pk, unit.pk]),
                               {"file": SimpleUploadedFile(name, content)})
    return client.get(response["Location"])


def test_template_has_only_the_departments_fields_for_participants(tax_officer, cycle, tax_unit, firms, client,
                                                                    django_capture_on_commit_callbacks):
    client.force_login(tax_officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("evaluation_template", args=[cycle.pk, tax_unit.pk]))
    job = Job.objects.get(kind="evaluation_template")
    assert response["Location"] == reverse("job_detail", args=[job.pk])
    download = client.get(reverse("job_download", args=[job.pk]))
    assert "attachment" in download["Content-Disposition"]
    sheet = fastexcel.read_excel(b"".join(download.streaming_content)).load_sheet(0, dtypes="string").to_polars()
    assert sheet.columns == ["统一社会信用代码", "企业名称", "实缴税收（万元）", "销售收入（万元）"]
    assert sorted(sheet["统一社会信用代码"].to_list()) == sorted(e.uscc for e in firms)


def test_upload_writes_verified_values_and_the_verified_value_wins(tax_officer, cycle, tax_unit, firms, client,
                                                                    enterprise_user, django_capture_on_commit_callbacks):
    enterprise_user.enterprise_memberships.create(enterprise=firms[0])
    participant = cycle.participants.get(enterprise=firms[0])
    collection.enterprise_report(actor=enterprise_user, participant=participant,
                                 values={"tax_wan": "150", "sales_wan": "1,000"})
    client.force_login(tax_officer)
    page = upload(client, cycle, tax_unit, xlsx([["统一社会信用代码", "企业名称", "实缴税收（万元）", "销售收入（万元）"],
                                          [firms[0].uscc, "甲", 120, 1020], [firms[1].uscc, "乙", 30.5, None]]),
                  django_capture_on_commit_callbacks)
    assert "新增1项，更新2项" in page.content.decode()
    value = CycleValue.objects.get(participant=participant, field="tax_wan")
    assert (value.reported, value.verified, value.value, value.verified_by) == (Decimal(150), Decimal(120), Decimal(120), tax_unit)
    assert AuditEvent.objects.filter(event_type="evaluation.data.department_import").count() == 1
    check = collection.cross_check(Cycle.objects.get(pk=cycle.pk))
    assert [(g["enterprise"], g["field"], g["gap"]) for g in check["gaps"]] == [(firms[0], "实缴税收（万元）", Decimal("25.0"))]
    # value added, energy, R&D and employees of the one above-scale firm; the below-scale group needs none
    assert check["unverified_by_department"]["statistics"] == 4  # no such department here: the code stands in
    assert check["unverified_by_department"][tax_unit.name] == 1  # the below-scale firm's sales were left blank
    assert collection.expected_counts(cycle)["tax"] == 4 and collection.expected_counts(cycle)["statistics"] == 4
    assert any(m["enterprise"] == firms[1] for m in check["missing_by_enterprise"])


def test_a_bad_file_names_every_cell_and_writes_nothing(tax_officer, cycle, tax_unit, firms, client,
                                                        django_capture_on_commit_callbacks):
    client.force_login(tax_officer)
    page = upload(client, cycle, tax_unit, xlsx([["统一社会信用代码", "企业名称", "实缴税收（万元）", "销售收入（万元）"],
                                          [firms[0].uscc, "甲", 120, 1000],
                                          ["91430300MA4XXXXXXX", "外", 1, 1],
                                          [firms[1].uscc, "乙", "abc", -5],
                                          [firms[0].uscc, "甲", 1, 1]]),
                  django_capture_on_commit_callbacks)
    job = Job.objects.get()
    texts = [e["text"] for e in job.errors]
    assert job.status == "failed" and "未导入任何数据" in page.content.decode()
    assert "“Sheet1”表第3行“统一社会信用代码”列（A列）：“91430300MA4XXXXXXX”不在本周期参评名单中" in texts
    assert "“Sheet1”表第4行“实缴税收（万元）”列（C列）：“abc”不是数字" in texts
    assert "“Sheet1”表第4行“销售收入（万元）”列（D列）：不能为负数" in texts
    assert "“Sheet1”表第5行“统一社会信用代码”列（A列）：与第2行重复" in texts
    assert not CycleValue.objects.exists()
    missing = upload(client, cycle, tax_unit, xlsx([["统一社会信用代码", "实缴税收（万元）"]]), django_capture_on_commit_callbacks)
    assert "<td>表头</td><td>销售收入（万元）</td><td>缺少此列</td>" in missing.content.decode()


def test_departments_only_touch_their_own_data(cycle, tax_unit, client, django_capture_on_commit_callbacks):
    stats_officer = UserFactory(role=Role.DEPT_OFFICER, org_unit=OrgUnitFactory(code="statistics", name="统计局"))
    client.force_login(stats_officer)
    assert client.post(reverse("evaluation_template", args=[cycle.pk, tax_unit.pk])).status_code == 403
    assert client.post(reverse("evaluation_upload", args=[cycle.pk, tax_unit.pk])).status_code == 403
    page = client.get(reverse("evaluation_collect", args=[cycle.pk])).content.decode()
    assert "统计局" in page and "税务局" not in page and "交叉比对" not in page
    market = UserFactory(role=Role.DEPT_OFFICER, org_unit=OrgUnitFactory(code="market2", name="市场局"))
    client.force_login(market)
    assert client.get(reverse("evaluation_collect", args=[cycle.pk])).status_code == 403


def test_uploads_close_outside_collection(admin_user, tax_officer, cycle, tax_unit, firms):
    Cycle.objects.filter(pk=cycle.pk).update(status=S.SCORED)
    with pytest.raises(ValidationError, match="不能上报部门数据"):
        collection.department_import(actor=tax_officer, cycle=cycle, unit=tax_unit,
                                     values={(cycle.participants.first().pk, "tax_wan"): Decimal(1)})
    assert not CycleValue.objects.exists()


def test_enterprise_reports_only_its_own_figures(client, enterprise_user, cycle, firms, other_enterprise):
    enterprise_user.enterprise_memberships.create(enterprise=firms[1])
    client.force_login(enterprise_user)
    page = client.get(reverse("evaluation_my_report")).content.decode()
    assert firms[1].name in page and "实缴税收（万元）" in page
    assert "研发经费支出（万元）" not in page  # the below-scale group is rated on tax_unit and sales per mu only
    bad = client.post(reverse("evaluation_report", args=[cycle.pk]), {"tax_wan": "十万"}).content.decode()
    assert "不是数字" in bad and "十万" in bad and not CycleValue.objects.exists()
    # 1e999999 is a finite Decimal: stored it became infinity and the whole cycle's next scoring failed.
    huge = client.post(reverse("evaluation_report", args=[cycle.pk]), {"tax_wan": "1e999999"}).content.decode()
    assert "超出允许的数值范围" in huge and not CycleValue.objects.exists()
    client.post(reverse("evaluation_report", args=[cycle.pk]), {"tax_wan": "88.5"})
    participant = cycle.participants.get(enterprise=firms[1])
    assert CycleValue.objects.get(participant=participant).reported == Decimal("88.5")
    participant.refresh_from_db()
    assert participant.record_status == "FILLED"
    t_class = cycle.participants.get(enterprise=enterprise_user.enterprise_memberships.first().enterprise)
    assert not t_class.participating
    with pytest.raises(ValidationError, match="不参评"):
        collection.enterprise_report(actor=enterprise_user, participant=t_class, values={"tax_wan": "1"})
    other = UserFactory(role=Role.ENTERPRISE)
    other.enterprise_memberships.create(enterprise=other_enterprise)
    client.force_login(other)
    assert "无需填报" in client.get(reverse("evaluation_my_report")).content.decode()
    assert client.get(reverse("evaluation_report", args=[cycle.pk])).status_code == 404


def test_collect_page_queries_do_not_grow_with_departments_or_firms(admin_client, admin_user, cycle, tax_unit, firms):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert admin_client.get(reverse("evaluation_collect", args=[cycle.pk])).status_code == 200
        return len(ctx)

    # the first request of a session also stamps its last-seen time (accounts.security)
    admin_client.get(reverse("evaluation_collect", args=[cycle.pk]))
    small = count()
    for code in ("statistics", "natural-resources", "ecology"):
        OrgUnitFactory(code=code, name=code)
    Cycle.objects.filter(pk=cycle.pk).update(status=S.DRAFT)
    for _ in range(30):
        LandParcelFactory(enterprise=EnterpriseFactory())
    services.participants_populate(actor=admin_user, cycle=cycle)
    rows = cycle.participants.values_list("pk", flat=True)
    collection.CycleValue.objects.bulk_create(
        [collection.CycleValue(participant_id=pk, field="tax_wan", reported=100, verified=50, verified_by=tax_unit) for pk in rows])
    assert count() == small and small <= 14

"""Bonus, penalty and veto events are recorded by the department that is the rule's evidence source
(settings.GAOXIN_EVALUATION_ADJUSTMENT_OWNERS) or by the bureau (issue 15 §1): the tax bureau records no
accident veto and the statistics bureau deletes no ecology penalty, by page, API, upload or service call;
an upload's audit event records each changed record before and after."""

import io

import pytest
import xlsxwriter
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gaoxin.core.models import AuditEvent, Job, JobStatus
from gaoxin.evaluation import adjustments
from gaoxin.evaluation.models import CycleAdjustment

HEADER = ["统一社会信用代码", "规则编号", "次数", "依据"]


def _sheet(rows):
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out)
    sheet = book.add_worksheet("Sheet1")
    for r, row in enumerate([HEADER, *rows]):
        sheet.write_row(r, 0, row)
    book.close()
    return SimpleUploadedFile("加减分.xlsx", out.getvalue())


@pytest.fixture
def penalty(confirming, firms, eco_officer):
    """An ecology penalty the ecology department recorded."""
    return adjustments.adjustment_set(actor=eco_officer, participant=confirming.participants.get(enterprise=firms[4]),
                                      rule_id="ENV_PENALTY", count=2, evidence="湘潭环罚〔2025〕12号")


def test_a_department_records_only_its_own_rules_through_the_service(confirming, firms, eco_officer, tax_officer,
                                                                     stats_officer, penalty):
    p0 = confirming.participants.get(enterprise=firms[0])
    with pytest.raises(PermissionDenied, match="应急管理局"):  # the rule's evidence source is named
        adjustments.adjustment_set(actor=eco_officer, participant=p0, rule_id="MAJOR_SAFETY", count=1, evidence="x")
    for outsider in (tax_officer, stats_officer):
        with pytest.raises(PermissionDenied):
            adjustments.adjustment_set(actor=outsider, participant=p0, rule_id="MAJOR_SAFETY", count=1,
                                       evidence="重大安全事故")
        with pytest.raises(PermissionDenied):  # deleting another department's penalty
            adjustments.adjustment_set(actor=outsider, participant=penalty.participant, rule_id="ENV_PENALTY",
                                       count=0, evidence="")
    assert list(CycleAdjustment.objects.values_list("rule_id", "count")) == [("ENV_PENALTY", 2)]
    assert [r.id for r in adjustments.recordable_rules(confirming, eco_officer)] == ["ENV_PENALTY"]
    assert adjustments.recordable_rules(confirming, tax_officer) == []


def test_the_page_and_the_api_refuse_another_departments_rule(client, confirming, firms, eco_officer, tax_officer,
                                                              penalty):
    page = reverse("evaluation_adjustments", args=[confirming.pk])
    api = f"/api/v1/evaluation-cycles/{confirming.pk}/adjustments/"
    veto = {"uscc": firms[0].uscc, "rule_id": "MAJOR_SAFETY", "count": 1, "evidence": "重大安全事故"}
    wipe = {"uscc": firms[4].uscc, "rule_id": "ENV_PENALTY", "count": 0, "evidence": ""}
    events = AuditEvent.objects.filter(event_type__startswith="evaluation.").count()
    client.force_login(tax_officer)  # records no rule at all: the page is read-only for it
    html = client.get(page).content.decode()
    assert "湘潭环罚〔2025〕12号" in html and 'name="rule_id"' not in html
    for data in (veto, wipe):
        assert client.post(page, data).status_code == 403
        assert client.post(api, data, content_type="application/json").status_code == 403
    client.force_login(eco_officer)  # offered its own rule only; another one is an error beside the field
    assert "MAJOR_SAFETY" not in client.get(page).content.decode()
    refused = client.post(page, veto)
    assert refused.status_code == 400 and 'value="重大安全事故"' in refused.content.decode()
    assert client.post(api, veto, content_type="application/json").status_code == 400
    assert list(CycleAdjustment.objects.values_list("rule_id", "count")) == [("ENV_PENALTY", 2)]
    assert AuditEvent.objects.filter(event_type__startswith="evaluation.").count() == events


def test_an_upload_with_another_departments_rule_names_the_cell_and_writes_nothing(
        client, confirming, firms, eco_officer, penalty, django_capture_on_commit_callbacks):
    client.force_login(eco_officer)
    url = reverse("evaluation_adjustment_upload", args=[confirming.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"file": _sheet([[firms[5].uscc, "ENV_PENALTY", 1, "湘潭环罚〔2025〕20号"],
                                          [firms[0].uscc, "MAJOR_SAFETY", 1, "事故调查报告"]])})
    job = Job.objects.get(kind="evaluation_adjustment_import")
    assert job.status == JobStatus.FAILED
    assert [e["text"] for e in job.errors] == [
        "“Sheet1”表第3行“规则编号”列（B列）：“较大及以上生产安全事故”由应急管理局录入，本部门不能录入或删除"]
    assert CycleAdjustment.objects.count() == 1


def test_an_upload_records_each_changed_record_before_and_after(confirming, firms, eco_officer, admin_user, penalty):
    p4, p5 = (confirming.participants.get(enterprise=firms[i]).pk for i in (4, 5))
    adjustments.adjustments_import(actor=eco_officer, cycle=confirming, source_name="环保处罚.xlsx", rows=[
        (p4, "ENV_PENALTY", 3, "湘潭环罚〔2025〕12号、18号"), (p5, "ENV_PENALTY", 1, "湘潭环罚〔2025〕20号")])
    event = AuditEvent.objects.filter(event_type="evaluation.adjustment.import").get()
    assert event.after["changes"] == [
        {"uscc": firms[4].uscc, "rule": "ENV_PENALTY", "before": {"count": 2, "evidence": "湘潭环罚〔2025〕12号"},
         "after": {"count": 3, "evidence": "湘潭环罚〔2025〕12号、18号"}},
        {"uscc": firms[5].uscc, "rule": "ENV_PENALTY", "before": None,
         "after": {"count": 1, "evidence": "湘潭环罚〔2025〕20号"}}]
    with pytest.raises(PermissionDenied):  # a list is refused whole when one rule is not the actor's
        adjustments.adjustments_import(actor=eco_officer, cycle=confirming, rows=[
            (p4, "ENV_PENALTY", 0, ""), (p5, "MAJOR_SAFETY", 1, "事故调查报告")])
    assert CycleAdjustment.objects.count() == 2

"""Issue 15 §3: an objection's evidence is checked by content, not by its name (an HTML page named .pdf, an SVG
drawing with a script named .png), on the page, in the API and in the service alike; department tables, bonus and
penalty lists and earlier tiers are real .xlsx or .csv files within the 20 MB limit. Nothing is written or queued
when a file is refused."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gaoxin.core.models import Job
from gaoxin.core.tests.samples import HTML, SVG, docx_bytes, pdf, xlsx_bytes
from gaoxin.evaluation import objections
from gaoxin.evaluation.models import Cycle, CycleStatus, Objection
from gaoxin.evaluation.tests.conftest import own_participant

S = CycleStatus
TWENTY_MB = 20 * 1024 * 1024


def dispute(participant, evidence) -> dict:
    return {"p": participant.pk, "participant": participant.pk, "field": "tax_wan", "claimed": "850",
            "reason": "漏计税款", "evidence": evidence}


@pytest.mark.parametrize("name,content,kind", [("证明.pdf", HTML, "PDF 文件"), ("证明.png", SVG, "PNG 图片")])
def test_the_objection_page_the_api_and_the_service_refuse_the_same_impostor(client, enterprise_user, confirming,
                                                                             firms, name, content, kind):
    message = f"证明材料：文件内容是网页或 SVG 等标记代码，不是 {kind}，不能上传"
    client.force_login(enterprise_user)
    own = own_participant(confirming, firms)
    page = client.post(reverse("evaluation_object", args=[confirming.pk]),
                       dispute(own, SimpleUploadedFile(name, content)))
    assert page.status_code == 400 and message in page.content.decode()
    api = client.post("/api/v1/evaluation-objections/", dispute(own, SimpleUploadedFile(name, content)))
    assert api.status_code == 400 and api.json() == {"evidence": [message]}
    with pytest.raises(ValidationError) as caught:
        objections.objection_file(actor=enterprise_user, participant=own, field="tax_wan", claimed="850",
                                  reason="漏计税款", evidence=SimpleUploadedFile(name, content))
    assert caught.value.message_dict == {"evidence": [message]}
    assert not Objection.objects.exists()
    filed = client.post("/api/v1/evaluation-objections/", dispute(own, pdf("证明.pdf")))
    assert filed.status_code == 201, filed.content


@pytest.fixture
def collecting(confirming):
    Cycle.objects.filter(pk=confirming.pk).update(status=S.COLLECTING)
    return confirming


@pytest.mark.parametrize("name,content,message", [
    ("税务.csv", b"x" * (TWENTY_MB + 1), "税务数据文件：文件不能超过 20 MB（此文件 20.0 MB）"),
    ("税务.csv", HTML, "税务数据文件：文件内容是网页或 SVG 等标记代码，不是 CSV 表格，不能上传"),
    ("税务.csv", b"uscc,tax_wan\n\x00\x01\x02", "税务数据文件：文件内容不是有效的 CSV 表格"),
    ("税务.xlsx", docx_bytes(), "税务数据文件：文件内容不是有效的 Excel 表格"),
])
def test_a_department_table_over_the_limit_or_not_a_table_is_refused(client, tax_officer, tax_unit, collecting,
                                                                     name, content, message):
    client.force_login(tax_officer)
    response = client.post(reverse("evaluation_upload", args=[collecting.pk, tax_unit.pk]),
                           {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 400 and message in response.content.decode()
    assert not Job.objects.exists()


def test_bonus_penalty_lists_and_earlier_tiers_are_real_tables(client, admin_user, collecting):
    client.force_login(admin_user)
    adjustments = client.post(reverse("evaluation_adjustment_upload", args=[collecting.pk]),
                              {"file": SimpleUploadedFile("加减分.xlsx", HTML)})
    assert adjustments.status_code == 400
    assert "加减分事项文件：文件内容是网页或 SVG 等标记代码，不是 Excel 表格" in adjustments.content.decode()
    history = client.post(reverse("evaluation_history"), {"file": SimpleUploadedFile("历年等级.csv", xlsx_bytes())})
    assert history.status_code == 400 and "历年等级文件：文件内容不是有效的 CSV 表格" in history.content.decode()
    assert not Job.objects.exists()

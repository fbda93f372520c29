"""Issue 15 §3: the catalogue's uploads are checked by content — the import is a real .xlsx workbook, a material's
blank or sample form (which the public downloads from the guide) a real document, never a page named .pdf."""

from django.core.files.uploadedfile import SimpleUploadedFile

from gaoxin.catalog.models import Material
from gaoxin.core.models import Job
from gaoxin.core.tests.samples import HTML, docx_bytes

from .factories import make_item
from .test_import_manage import browser_post


def test_the_import_refuses_a_file_that_is_not_a_workbook(admin_client):
    for name, content, message in (("清单.xlsx", docx_bytes(),
                                    "文件内容不是有效的 Excel 表格（与扩展名 .xlsx 不符或文件已损坏），请上传原始文件"),
                                   ("清单.xlsx", HTML, "文件内容是网页或 SVG 等标记代码，不是 Excel 表格，不能上传"),
                                   ("清单.csv", b"a,b\n", "文件类型 .csv 不支持，请上传 xlsx 文件")):
        response = admin_client.post("/catalog/manage/import/", {"file": SimpleUploadedFile(name, content)})
        assert response.context["form"].errors["file"] == [f"事项清单文件（.xlsx）：{message}"]
    assert not Job.objects.exists()


def test_a_page_named_pdf_is_refused_as_a_materials_blank_form(admin_client, admin_user):
    item = make_item(admin_user)
    edit_url = admin_client.post(f"/catalog/manage/{item.implementation_code}/draft/")["Location"]
    page = admin_client.get(edit_url)
    data = browser_post(page.context["form"])
    for prefix, formset in (("sit", page.context["situations"]), ("mat", page.context["materials"])):
        data |= {f"{prefix}-TOTAL_FORMS": len(formset.forms), f"{prefix}-INITIAL_FORMS": formset.initial_form_count()}
        for f in formset.forms:
            data |= browser_post(f)
    data["mat-0-blank_form"] = SimpleUploadedFile("申请表.pdf", HTML)
    response = admin_client.post(edit_url, data)
    assert response.status_code == 200
    assert response.context["materials"].forms[0].errors["blank_form"] == [
        "空白表格：文件内容是网页或 SVG 等标记代码，不是 PDF 文件，不能上传"]
    assert not Material.objects.filter(blank_form__endswith=".pdf").exists()


def test_a_drafts_materials_name_their_files_not_their_storage_paths(admin_client, admin_user):
    item = make_item(admin_user)
    stored = item.current_version.materials.exclude(blank_form="").first().blank_form.name
    edit_url = admin_client.post(f"/catalog/manage/{item.implementation_code}/draft/")["Location"]
    text = admin_client.get(edit_url).content.decode()
    assert stored.rsplit("/", 1)[-1] in text and f">{stored}<" not in text  # the name, not catalog/<code>/v1/…
    assert "现有文件" in text and "更换为" in text
    assert f"编辑 {item.current_version.name}（第2版）" in text  # the draft, in words (not “v2”)

"""Catalogue maintenance pages and the Excel import/export (all or nothing)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gaoxin.catalog import catalog_io
from gaoxin.catalog.models import ItemVersion, ServiceItem, VersionStatus
from gaoxin.core.excel import write_workbook
from gaoxin.core.models import AuditEvent, Job

from .factories import make_item, theme


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def post(client, url, data=None):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, data or {})
        return client.get(response["Location"]) if response.status_code == 302 else response
    return post


def exported(run, client) -> bytes:
    run(client, "/catalog/manage/export/")
    job = Job.objects.filter(kind="catalog_export").latest("id")
    assert job.status == "succeeded", job.message
    return b"".join(client.get(f"/jobs/{job.pk}/download/").streaming_content)


def rows_of(content: bytes) -> dict[str, list[list]]:
    import fastexcel

    reader = fastexcel.read_excel(content)
    return {name: [list(r) for r in reader.load_sheet(name, dtypes="string").to_polars().iter_rows()]
            for name in reader.sheet_names}


def rewrite(sheets: dict[str, list[list]], mutate) -> bytes:
    mutate(sheets)
    buffer = io.BytesIO()
    columns = {catalog_io.ITEM_SHEET: catalog_io.ITEM_COLUMNS, catalog_io.SITUATION_SHEET: catalog_io.SITUATION_COLUMNS,
               catalog_io.MATERIAL_SHEET: catalog_io.MATERIAL_COLUMNS}
    write_workbook(buffer, [(name, columns[name], sheets[name]) for name in columns])
    return buffer.getvalue()


def upload(run, client, content):
    return run(client, "/catalog/manage/import/", {"file": SimpleUploadedFile("清单.xlsx", content)})


def test_export_then_import_changes_nothing(admin_client, admin_user, run):
    make_item(admin_user)
    content = exported(run, admin_client)
    upload(run, admin_client, content)
    job = Job.objects.filter(kind="catalog_import").get()
    assert job.status == "succeeded" and job.result == {"created": 0, "updated": 0, "unchanged": 1}


def test_import_creates_and_versions(admin_client, admin_user, run):
    item = make_item(admin_user)
    sheets = rows_of(exported(run, admin_client))

    def mutate(s):
        s["事项"][0][11] = "0"  # promised limit 1 -> 0
        new = list(s["事项"][0])
        new[0], new[1] = "43037105XK0100", "企业名称自主申报"
        s["事项"].append(new)
        s["材料"].append(["43037105XK0100", "名称申报承诺书", "必要", "1", "0", "纸质", "申请人自备", "A4", "", ""])

    response = upload(run, admin_client, rewrite(sheets, mutate))
    assert "新增1项，更新1项" in response.content.decode()
    item.refresh_from_db()
    assert item.current_version.number == 2 and item.current_version.promised_limit == 0
    # The blank form of the unchanged material name is carried over.
    form = item.current_version.materials.get(name__endswith="申请表")
    assert form.blank_form.name == item.versions.get(number=1).materials.get(name__endswith="申请表").blank_form.name
    new = ServiceItem.objects.get(implementation_code="43037105XK0100")
    assert new.status == "published" and new.current_version.materials.get().name == "名称申报承诺书"
    assert AuditEvent.objects.filter(event_type="catalog.imported").count() == 1


def test_one_bad_row_names_the_row_and_writes_nothing(admin_client, admin_user, run):
    make_item(admin_user)
    sheets = rows_of(exported(run, admin_client))

    def mutate(s):
        s["事项"][0][1] = "改过的名称"
        bad = list(s["事项"][0])
        bad[0], bad[9] = "43037105XK0200", "很多"  # statutory limit is text
        s["事项"].append(bad)
        s["材料"].append(["43037105XK0200", "某材料", "大概需要", "1", "0", "", "", "", "", ""])

    response = upload(run, admin_client, rewrite(sheets, mutate))
    html = response.content.decode()
    job = Job.objects.filter(kind="catalog_import").get()
    assert job.status == "failed"
    found = {(e["sheet"], e["row"], e["column"]) for e in job.errors}
    assert ("事项", 3, "法定时限") in found and ("材料", len(sheets["材料"]) + 1, "必要性") in found
    assert "未写入任何数据" in html and "法定时限" in html
    assert not ServiceItem.objects.filter(implementation_code="43037105XK0200").exists()
    assert ServiceItem.objects.get(implementation_code="43037105XK0001").name == "企业设立登记"
    assert ItemVersion.objects.count() == 1


def test_import_refuses_items_with_an_open_draft(admin_client, admin_user, run):
    item = make_item(admin_user)
    content = exported(run, admin_client)
    admin_client.post(f"/catalog/manage/{item.implementation_code}/draft/")
    upload(run, admin_client, content)
    job = Job.objects.filter(kind="catalog_import").get()
    assert job.status == "failed" and "草稿" in job.errors[0]["message"]


def test_manage_pages_are_for_administrators(clerk_client, enterprise_client, admin_user):
    item = make_item(admin_user)
    for c in (clerk_client, enterprise_client):
        assert c.get("/catalog/manage/").status_code == 403
        assert c.post(f"/catalog/manage/{item.implementation_code}/draft/").status_code == 403
    assert not ItemVersion.objects.filter(status=VersionStatus.DRAFT).exists()


def browser_post(form) -> dict:
    """What a browser submits for a rendered form: every field's shown value."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False or name in ("blank_form", "sample_form"):
            continue
        if isinstance(value, (list, tuple)):
            value = [getattr(v, "pk", v) for v in value]
        data[form.add_prefix(name)] = getattr(value, "pk", value)
    return data


def test_edit_draft_and_publish_in_the_browser_forms(admin_client, admin_user):
    item = make_item(admin_user)
    response = admin_client.post(f"/catalog/manage/{item.implementation_code}/draft/")
    edit_url = response["Location"]
    page = admin_client.get(edit_url)
    form = page.context["form"]
    data = browser_post(form)
    data |= {"channels": ["window", "web", "kiosk"], "promised_limit": 2}
    for prefix, formset in (("sit", page.context["situations"]), ("mat", page.context["materials"])):
        data |= {f"{prefix}-TOTAL_FORMS": len(formset.forms), f"{prefix}-INITIAL_FORMS": formset.initial_form_count()}
        for f in formset.forms:
            data |= browser_post(f)
    data["publish"] = "1"
    before = AuditEvent.objects.count()
    response = admin_client.post(edit_url, data)
    assert response.status_code == 302, [response.context[k].errors for k in ("form", "situations", "materials")]
    item.refresh_from_db()
    assert item.current_version.number == 2 and item.current_version.promised_limit == 2
    assert "kiosk" in item.current_version.channels
    assert item.current_version.materials.count() == 4
    assert AuditEvent.objects.count() == before + 2  # draft saved, version published


def test_edit_page_shows_errors(admin_client, admin_user):
    item = make_item(admin_user)
    edit_url = admin_client.post(f"/catalog/manage/{item.implementation_code}/draft/")["Location"]
    response = admin_client.post(edit_url, {"name": "", "sit-TOTAL_FORMS": 0, "sit-INITIAL_FORMS": 0,
                                            "mat-TOTAL_FORMS": 0, "mat-INITIAL_FORMS": 0})
    assert response.status_code == 200 and "该字段是必填项" in response.content.decode()


def test_create_item_page(admin_client):
    from .factories import department, zone

    dept, z = department(), zone()
    theme()
    response = admin_client.post("/catalog/manage/new/", {"implementation_code": "43037105XK0300", "name": "新事项",
                                                           "department": dept.pk, "zone": z.pk})
    assert response.status_code == 302
    assert ServiceItem.objects.get(implementation_code="43037105XK0300").status == "draft"
    again = admin_client.post("/catalog/manage/new/", {"implementation_code": "43037105XK0300", "name": "重复",
                                                        "department": dept.pk, "zone": z.pk})
    assert again.status_code == 200 and "已存在" in again.content.decode()


def test_keywords_column_round_trips_and_changes_no_version(admin_client, admin_user, run):
    item = make_item(admin_user, keywords="营业执照")
    sheets = rows_of(exported(run, admin_client))
    keywords_at = catalog_io.ITEM_COLUMNS.index("检索关键词")
    assert sheets["事项"][0][keywords_at] == "营业执照"

    def mutate(s):
        s["事项"][0][keywords_at] = "营业执照，开公司"

    upload(run, admin_client, rewrite(sheets, mutate))
    job = Job.objects.filter(kind="catalog_import").get()
    assert job.status == "succeeded" and job.result == {"created": 0, "updated": 1, "unchanged": 0}
    item.refresh_from_db()
    assert item.keywords == "营业执照、开公司" and " kaigongsi " in item.search_text
    assert item.current_version.number == 1 and item.versions.count() == 1


def test_a_workbook_without_the_keywords_column_still_imports(admin_client, admin_user, run):
    item = make_item(admin_user, keywords="营业执照")
    sheets = rows_of(exported(run, admin_client))
    old_columns = [c for c in catalog_io.ITEM_COLUMNS if c != "检索关键词"]
    buffer = io.BytesIO()
    write_workbook(buffer, [
        (catalog_io.ITEM_SHEET, old_columns, [row[:len(old_columns)] for row in sheets["事项"]]),
        (catalog_io.SITUATION_SHEET, catalog_io.SITUATION_COLUMNS, sheets["情形"]),
        (catalog_io.MATERIAL_SHEET, catalog_io.MATERIAL_COLUMNS, sheets["材料"]),
    ])
    upload(run, admin_client, buffer.getvalue())
    job = Job.objects.filter(kind="catalog_import").get()
    assert job.status == "succeeded" and job.result == {"created": 0, "updated": 0, "unchanged": 1}
    item.refresh_from_db()
    assert item.keywords == "营业执照"  # kept: the old workbook says nothing about them


def test_a_bad_keyword_names_its_cell(admin_client, admin_user, run):
    make_item(admin_user)
    sheets = rows_of(exported(run, admin_client))

    def mutate(s):
        s["事项"][0][catalog_io.ITEM_COLUMNS.index("检索关键词")] = "开公司、" + "很" * 21

    upload(run, admin_client, rewrite(sheets, mutate))
    job = Job.objects.filter(kind="catalog_import").get()
    assert job.status == "failed"
    assert [(e["sheet"], e["row"], e["column"]) for e in job.errors] == [("事项", 2, "检索关键词")]
    assert ServiceItem.objects.get().keywords == ""

"""Registry Excel import and export: all-or-nothing with row-level errors."""

import datetime as dt
import io
import zipfile
from decimal import Decimal

import fastexcel
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gaoxin.core.excel import SheetError, write_workbook
from gaoxin.core.masking import mask_id_number
from gaoxin.core.models import AuditEvent, Job
from gaoxin.enterprises.models import Contact, Enterprise, LandParcel, Qualification
from gaoxin.enterprises.registry import (
    CONTACT_COLUMNS,
    ENTERPRISE_COLUMNS,
    PARCEL_COLUMNS,
    QUALIFICATION_COLUMNS,
    parse_registry,
)

from .factories import EnterpriseFactory, LandParcelFactory

GOOD = [
    ["91110000600037341L", "湖南博越新材料有限公司", "杨杰", "C3985", "规模以上", "2015-03-01", "5000", "芙蓉大道1号", "金荣·湘潭国际工业园", ""],
    ["91430300MA4L000020", "湖南三益智宅家居有限公司", "李明", "21", "规模以下", "", "", "", "", "存续"],
]


def workbook(enterprises=GOOD, parcels=None, qualifications=None, contacts=None, columns=ENTERPRISE_COLUMNS) -> bytes:
    buf = io.BytesIO()
    sheets = [("企业", columns, enterprises)]
    if parcels is not None:
        sheets.append(("用地", PARCEL_COLUMNS, parcels))
    if qualifications is not None:
        sheets.append(("资质", QUALIFICATION_COLUMNS, qualifications))
    if contacts is not None:
        sheets.append(("联系人", CONTACT_COLUMNS, contacts))
    write_workbook(buf, sheets)
    return buf.getvalue()


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """POST, run the task the view scheduled after commit, then follow the redirect
    to the job page, as the browser's polling would."""

    def post(client, url, data=None):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, data or {})
        return client.get(response["Location"]) if response.status_code == 302 else response

    return post


@pytest.fixture
def upload(run):
    return lambda client, content, name="名录.xlsx": run(client, "/enterprises/import/", {"file": SimpleUploadedFile(name, content)})


def test_import_creates_enterprises_with_children(admin_client, upload):
    content = workbook(
        parcels=[["91110000600037341L", "自有", "20000", "XT-1", "", ""], ["91110000600037341L", "出租", "2000", "", "", "某公司"]],
        qualifications=[["91110000600037341L", "高新技术企业", "", "GR2024", "2024-01-01", "2026-12-31"]],
        contacts=[["91430300MA4L000020", "王芳", "财务", "13912345678", "", "是"]],
    )
    response = upload(admin_client, content)
    job = Job.objects.get()
    assert job.status == "succeeded", job.errors
    assert "新增2家" in response.content.decode()
    e = Enterprise.objects.get(uscc="91110000600037341L")
    assert e.industry_id == "39" and e.industry_code == "3985" and e.registered_capital == Decimal("5000")
    assert e.park_area.name == "金荣·湘潭国际工业园"
    e = Enterprise.objects.prefetch_related("parcels").get(pk=e.pk)
    assert e.land_totals()["net_m2"] == Decimal("18000") and e.land_totals()["net_mu"] == Decimal("27.00")
    assert Qualification.objects.get().kind == "hnte"
    assert Contact.objects.get().is_primary
    assert AuditEvent.objects.filter(event_type="enterprise.registry_imported").count() == 1


def test_one_bad_row_writes_nothing_and_names_row_and_column(admin_client, upload):
    existing = EnterpriseFactory(uscc="91430300MA4L000020", name="旧名称")
    bad = GOOD + [["91110000600037341A", "错误企业", "赵六", "38", "规模以上", "", "", "", "", ""]]
    response = upload(admin_client, workbook(bad))
    html = response.content.decode()
    job = Job.objects.get()
    assert job.status == "failed"
    assert job.errors[0]["sheet"] == "企业" and job.errors[0]["row"] == 4
    assert job.errors[0]["column"] == "统一社会信用代码" and job.errors[0]["letter"] == "A"
    assert "校验码错误" in html and "未写入任何数据" in html
    assert Enterprise.objects.count() == 1
    existing.refresh_from_db()
    assert existing.name == "旧名称"
    assert not AuditEvent.objects.filter(event_type="enterprise.registry_imported").exists()


def test_every_kind_of_bad_cell_is_reported():
    rows = [
        ["91110000600037341L", "", "张三", "99", "中型", "2024-13-01", "很多", "", "", ""],
        ["91110000600037341L", "重复企业", "张三", "38", "规模以上", "", "-5", "", "", ""],
    ]
    with pytest.raises(SheetError) as caught:
        parse_registry(
            workbook(rows, parcels=[["91350100M000100Y43", "自有", "0", "", "", ""]],
                     qualifications=[["91110000600037341L", "高新技术企业", "", "", "2025-01-01", "2024-01-01"]]),
            industry_codes={"38", "39"},
        )
    errors = caught.value.errors
    found = {(e.sheet, e.row, e.column) for e in errors}
    assert {
        ("企业", 2, "企业名称"), ("企业", 2, "行业代码"), ("企业", 2, "规模"), ("企业", 2, "成立日期"),
        ("企业", 2, "注册资本（万元）"), ("企业", 3, "统一社会信用代码"), ("企业", 3, "注册资本（万元）"),
        ("用地", 2, "统一社会信用代码"), ("用地", 2, "面积（平方米）"), ("资质", 2, "有效期止"),
    } <= found
    assert any("与第2行重复" in e.message for e in errors)


def test_missing_required_column_is_reported():
    with pytest.raises(SheetError) as caught:
        parse_registry(workbook([["91110000600037341L"]], columns=["统一社会信用代码"]), industry_codes={"38"})
    assert {e.column for e in caught.value.errors} >= {"企业名称", "法定代表人", "行业代码", "规模"}


def test_upload_must_be_xlsx(admin_client):
    response = admin_client.post("/enterprises/import/", {"file": SimpleUploadedFile("a.xlsx", b"not a zip")})
    assert "企业名录文件（.xlsx）：文件内容不是有效的 Excel 表格" in response.content.decode()
    response = admin_client.post("/enterprises/import/", {"file": SimpleUploadedFile("a.csv", b"x,y")})
    assert "文件类型 .csv 不支持，请上传 xlsx 文件" in response.content.decode()
    from gaoxin.core.tests.samples import HTML, docx_bytes  # a Word document or a page renamed .xlsx (issue 15 §3)

    for content in (docx_bytes(), HTML):
        response = admin_client.post("/enterprises/import/", {"file": SimpleUploadedFile("名录.xlsx", content)})
        assert response.context["form"].errors["file"][0].startswith("企业名录文件（.xlsx）：文件内容")
    assert not Job.objects.exists()


def test_reimport_updates_and_replaces_children(admin_client, upload):
    e = EnterpriseFactory(uscc="91110000600037341L")
    LandParcelFactory(enterprise=e, area_m2=Decimal("999"))
    upload(admin_client, workbook(GOOD[:1], parcels=[["91110000600037341L", "承租", "500", "", "", ""]]))
    e.refresh_from_db()
    assert e.name == "湖南博越新材料有限公司"
    assert list(LandParcel.objects.filter(enterprise=e).values_list("kind", "area_m2")) == [("leased_in", Decimal("500"))]


def test_utility_accounts_import_and_an_older_workbook_keeps_them(admin_client, upload):
    upload(admin_client, workbook([GOOD[0] + ["0732000123", "XTGS0001", ""]]))
    e = Enterprise.objects.get(uscc="91110000600037341L")
    assert (e.power_account, e.water_account, e.gas_account) == ("0732000123", "XTGS0001", "")
    upload(admin_client, workbook([GOOD[0]], columns=ENTERPRISE_COLUMNS[:10]))
    e.refresh_from_db()
    assert e.power_account == "0732000123"


def test_the_legal_representatives_id_number_imports_checked_and_audits_masked(admin_client, upload):
    """The kiosk logs a legal representative in by this number (issue 23): the registry carries it, checked."""
    rep = "430302198001011234"
    upload(admin_client, workbook([GOOD[0]], columns=ENTERPRISE_COLUMNS[:10]))
    upload(admin_client, workbook([GOOD[0] + ["", "", "", rep]]))
    e = Enterprise.objects.get(uscc="91110000600037341L")
    assert e.legal_representative_id_number == rep
    event = AuditEvent.objects.filter(event_type="enterprise.registry_imported").latest("id")
    assert event.after["changes"][0]["after"] == {"legal_representative_id_number": mask_id_number(rep)}
    with pytest.raises(SheetError) as caught:
        parse_registry(workbook([GOOD[0] + ["", "", "", rep[:-1] + "5"]]), industry_codes={"39"})
    (error,) = caught.value.errors
    assert (error.sheet, error.row, error.column) == ("企业", 2, "法定代表人身份证号码") and "校验" in error.message


def test_import_forbidden_for_clerks(clerk_client, upload):
    assert clerk_client.get("/enterprises/import/").status_code == 403
    assert upload(clerk_client, workbook()).status_code == 403
    assert not Enterprise.objects.exists()


def test_export_round_trips_through_import(admin_client, run):
    e = EnterpriseFactory(uscc="91110000600037341L", name="导出企业", power_account="0732009",
                          legal_representative_id_number="430302198001011234")
    LandParcelFactory(enterprise=e, area_m2=Decimal("1234.5"))
    response = run(admin_client, "/enterprises/export/")
    job = Job.objects.get(kind="enterprise_export")
    assert job.status == "succeeded" and "下载结果文件" in response.content.decode()
    download = admin_client.get(f"/jobs/{job.pk}/download/")
    content = b"".join(download.streaming_content)
    reader = fastexcel.read_excel(content)
    assert reader.sheet_names == ["企业", "用地", "资质", "联系人"]
    frame = reader.load_sheet("企业", dtypes="string").to_polars()
    assert frame["统一社会信用代码"].to_list() == ["91110000600037341L"]
    assert frame["电力户号"].to_list() == ["0732009"]
    parsed = parse_registry(content, industry_codes={"38"})
    assert parsed.parcels[0]["area_m2"] == Decimal("1234.50")
    assert parsed.enterprises[0]["legal_representative_id_number"] == "430302198001011234"


def test_a_leaders_export_masks_the_contacts_phones(admin_client, leader_client, run):
    """Issue 15 §2: the leader's registry export had full phones; the administrator's (re-importable) keeps them."""
    from gaoxin.enterprises.tests.factories import ContactFactory

    e = EnterpriseFactory(uscc="91110000600037341L", name="导出企业", legal_representative_id_number="430302198001011234")
    ContactFactory(enterprise=e, name="王芳", phone="13812345678")

    def personal(client):
        run(client, "/enterprises/export/")
        job = Job.objects.filter(kind="enterprise_export").latest("pk")
        reader = fastexcel.read_excel(b"".join(client.get(f"/jobs/{job.pk}/download/").streaming_content))
        return (reader.load_sheet("联系人", dtypes="string").to_polars()["电话"].to_list(),
                reader.load_sheet("企业", dtypes="string").to_polars()["法定代表人身份证号码"].to_list())

    assert personal(leader_client) == (["138****5678"], [mask_id_number("430302198001011234")])
    assert personal(admin_client) == (["13812345678"], ["430302198001011234"])


def test_export_forbidden_for_department_officer(officer_client):
    assert officer_client.post("/enterprises/export/").status_code == 403


def test_other_users_cannot_see_a_job(admin_client, clerk_client, run):
    run(admin_client, "/enterprises/export/")
    job = Job.objects.get()
    assert clerk_client.get(f"/jobs/{job.pk}/").status_code == 404
    assert clerk_client.get(f"/jobs/{job.pk}/download/").status_code == 404
    assert clerk_client.get(f"/api/v1/jobs/{job.pk}/").status_code == 404
    assert admin_client.get(f"/api/v1/jobs/{job.pk}/").json()["status"] == "succeeded"


def test_codes_are_read_as_typed_in_every_sheet(admin_client, upload):
    typed = " 9111 0000 6000\u30003734 1l "
    upload(admin_client, workbook([[typed, *GOOD[0][1:]]], contacts=[["91110000600037341l", "王芳", "", "", "", "否"]]))
    assert Job.objects.get().status == "succeeded"
    assert Contact.objects.get().enterprise == Enterprise.objects.get(uscc="91110000600037341L")


def test_a_formula_like_name_is_exported_as_text_and_imported_back(admin_client, run):
    name = '=HYPERLINK("http://x","点我")'
    EnterpriseFactory(uscc="91110000600037341L", name=name, address="+86 芙蓉大道1号", legal_representative="@张三")
    run(admin_client, "/enterprises/export/")
    job = Job.objects.get(kind="enterprise_export")
    content = b"".join(admin_client.get(f"/jobs/{job.pk}/download/").streaming_content)
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        assert "<f>" not in z.read("xl/worksheets/sheet1.xml").decode()  # text cells, never formulas
    frame = fastexcel.read_excel(content).load_sheet("企业", dtypes="string").to_polars()
    assert frame["企业名称"].to_list() == [name]
    assert frame["注册地址"].to_list() == ["+86 芙蓉大道1号"] and frame["法定代表人"].to_list() == ["@张三"]
    firm = parse_registry(content, industry_codes={"38"}).enterprises[0]
    assert (firm["name"], firm["address"], firm["legal_representative"]) == (name, "+86 芙蓉大道1号", "@张三")


# --- absent columns and the audit of changes (issue 15 §3) -----------------------------------------------------

REQUIRED_ONLY = ENTERPRISE_COLUMNS[:5]  # 统一社会信用代码, 企业名称, 法定代表人, 行业代码, 规模


@pytest.fixture
def firm_on_file(db):
    from gaoxin.enterprises.tests.factories import ParkAreaFactory

    return EnterpriseFactory(
        uscc="91110000600037341L", name="旧名称有限公司", industry_id="38", registered_on=dt.date(2015, 3, 1),
        registered_capital=Decimal("5000"), address="芙蓉大道1号", park_area=ParkAreaFactory(name="天易园"),
        status="cancelled", power_account="0732000123")


def test_a_workbook_without_optional_columns_leaves_those_fields_on_file(admin_client, upload, firm_on_file):
    upload(admin_client, workbook([["91110000600037341L", "新名称有限公司", "杨杰", "3985", "规模以上"]],
                                  columns=REQUIRED_ONLY))
    assert Job.objects.get().status == "succeeded"
    e = Enterprise.objects.select_related("park_area").get(pk=firm_on_file.pk)
    assert e.name == "新名称有限公司" and e.industry_id == "39" and e.industry_code == "3985"
    assert (e.registered_on, e.registered_capital, e.address, e.park_area.name, e.status, e.power_account) == (
        dt.date(2015, 3, 1), Decimal("5000.00"), "芙蓉大道1号", "天易园", "cancelled", "0732000123")
    event = AuditEvent.objects.get(event_type="enterprise.registry_imported")
    assert event.after["columns_absent"] == ["成立日期", "注册资本（万元）", "注册地址", "园区", "经营状态",
                                             "电力户号", "用水户号", "用气户号", "法定代表人身份证号码"]


def test_a_new_firm_from_such_a_workbook_gets_the_defaults(admin_client, upload):
    upload(admin_client, workbook([["91430300MA4L000020", "湖南三益智宅家居有限公司", "李明", "21", "规模以下"]],
                                  columns=REQUIRED_ONLY))
    e = Enterprise.objects.get(uscc="91430300MA4L000020")
    assert (e.registered_on, e.registered_capital, e.address, e.park_area, e.status) == (None, None, "", None,
                                                                                          "operating")


def test_an_empty_cell_of_a_present_column_clears_the_field_but_keeps_the_status(firm_on_file, admin_user):
    from gaoxin.enterprises.services import registry_import

    row = ["91110000600037341L", "旧名称有限公司", "张三", "38", "规模以上", "", "", "", "", "", "", "", ""]
    registry_import(parsed=parse_registry(workbook([row]), industry_codes={"38"}), actor=admin_user)
    e = Enterprise.objects.get(pk=firm_on_file.pk)
    assert (e.registered_on, e.registered_capital, e.address, e.park_area, e.power_account) == (None, None, "", None, "")
    assert e.status == "cancelled"  # 经营状态 cannot be empty: an empty cell keeps it


def test_the_audit_event_holds_each_changed_firm_before_and_after(firm_on_file, admin_user, settings):
    from gaoxin.enterprises.services import registry_import

    unchanged = EnterpriseFactory(uscc="91430300MA4L000020", name="不变企业", legal_representative="李明",
                                  industry_id="21", registered_on=None)
    rows = [["91110000600037341L", "新名称有限公司", "张三", "38", "规模以上", "2015-03-01", "6000", "芙蓉大道1号",
             "昭山园", "存续"],
            ["91430300MA4L000020", "不变企业", "李明", "21", "规模以上", "", "", "", "", ""],
            ["91350100M000100Y43", "新设企业", "王五", "38", "规模以下", "", "", "", "", ""]]
    counts = registry_import(parsed=parse_registry(workbook(rows, columns=ENTERPRISE_COLUMNS[:10]),
                                                   industry_codes={"21", "38"}), actor=admin_user, source_name="名录.xlsx")
    assert counts == {"created": 1, "updated": 2, "changed": 1}
    event = AuditEvent.objects.get(event_type="enterprise.registry_imported")
    assert event.after["changes"] == [{
        "uscc": "91110000600037341L", "name": "新名称有限公司",
        "before": {"name": "旧名称有限公司", "registered_capital": "5000.00", "park_area": "天易园", "status": "cancelled"},
        "after": {"name": "新名称有限公司", "registered_capital": "6000.00", "park_area": "昭山园", "status": "operating"},
    }]
    assert event.after["created_firms"] == ["91350100M000100Y43"] and event.after["changed"] == 1
    assert event.after["columns_absent"] == ["电力户号", "用水户号", "用气户号", "法定代表人身份证号码"]
    assert Enterprise.objects.get(pk=unchanged.pk).updated_at == unchanged.updated_at  # not rewritten

    settings.GAOXIN_REGISTRY_AUDIT_MAX_FIRMS = 1  # a whole zone's import stays one bounded event
    rows = [[code, "又改名", "赵六", "38", "规模以上"] for code in ("91110000600037341L", "91430300MA4L000020")]
    registry_import(parsed=parse_registry(workbook(rows, columns=REQUIRED_ONLY), industry_codes={"38"}),
                    actor=admin_user)
    event = AuditEvent.objects.filter(event_type="enterprise.registry_imported").latest("id")
    assert len(event.after["changes"]) == 1 and event.after["changes_omitted"] == 1

"""Online application: by 办理情形, 一件事一表申请 with one set of materials, and founders who
apply as natural persons before their firm exists (issue 12, defects 1–3)."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from gaoxin.accounts.models import EnterpriseMembership, Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.cases import application, services, workflow
from gaoxin.cases.models import ApplicantType, Case, CaseMaterial, Kind, SharedMaterial
from gaoxin.catalog.models import Bundle, BundleItem, Material
from gaoxin.catalog.tests.factories import department, make_item
from gaoxin.core.models import AuditEvent, Notification
from gaoxin.core.validators import uscc_check_char
from gaoxin.enterprises.models import Enterprise, Industry

from .conftest import FOUNDER_ID


def pdf(name="材料.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 test", content_type="application/pdf")


def situation(item, name):
    return item.current_version.situations.get(name=name)


def material(item, name):
    return item.current_version.materials.get(name=name)


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client



@pytest.fixture
def founder_client(founder):
    return login(founder)


# --- defect 1: the chosen situation ---------------------------------------------------------

def test_guide_link_carries_the_chosen_situation(client, item):
    partner = situation(item, "合伙企业")
    html = client.get(f"/guide/{item.implementation_code}/?situation={partner.pk}").content.decode()
    assert f'href="/guide/{item.implementation_code}/apply/?situation={partner.pk}"' in html
    # Changing the situation on the guide swaps the checklist and, out of band, the link.
    partial = client.get(f"/guide/{item.implementation_code}/?situation={partner.pk}", HTTP_HX_REQUEST="true")
    html = partial.content.decode()
    assert 'hx-swap-oob="true"' in html and f"apply/?situation={partner.pk}" in html
    assert "<html" not in html
    # Staff register cases at the window instead: no 网上办 button they could not use.
    clerk = login(UserFactory(role=Role.WINDOW_CLERK))
    assert 'data-testid="apply-online"' not in clerk.get(f"/guide/{item.implementation_code}/").content.decode()


def test_apply_form_asks_only_for_the_situation_materials(enterprise_client, item):
    partner = situation(item, "合伙企业")
    html = enterprise_client.get(f"/guide/{item.implementation_code}/apply/?situation={partner.pk}").content.decode()
    assert "合伙协议" in html and "公司章程" not in html
    assert 'data-testid="chosen-situation"' in html and "合伙企业" in html
    # The applicant can change it: a select of every situation, reloading the form.
    assert f'<option value="{situation(item, "有限责任公司").pk}">有限责任公司</option>' in html
    assert 'hx-select="#apply-form"' in html
    html = enterprise_client.get(f"/guide/{item.implementation_code}/apply/").content.decode()
    assert 'data-testid="choose-situation"' in html and "合伙协议" not in html and "公司章程" not in html


def test_online_case_keeps_its_situation_and_only_its_materials(enterprise_client, item, own_enterprise):
    partner = situation(item, "合伙企业")
    response = enterprise_client.post(f"/guide/{item.implementation_code}/apply/", {
        "situation": partner.pk, "enterprise": own_enterprise.pk, "contact_phone": "13812345678",
        f"material_{material(item, '企业设立登记申请表').pk}": pdf(),
        f"material_{material(item, '合伙协议').pk}": pdf(),
    })
    case = Case.objects.get()
    assert response.status_code == 302 and case.situation == partner
    assert set(case.materials.values_list("material__name", flat=True)) == {"企业设立登记申请表", "合伙协议", "住所使用证明"}
    page = enterprise_client.get(f"/cases/{case.number}/").content.decode()
    assert 'data-testid="case-situation"' in page and "办理情形：<strong>合伙企业</strong>" in page


def test_apply_without_a_situation_is_refused_beside_the_picker(enterprise_client, item, own_enterprise):
    response = enterprise_client.post(f"/guide/{item.implementation_code}/apply/", {
        "enterprise": own_enterprise.pk, "contact_phone": "13812345678", "note": "尽快",
        f"material_{material(item, '企业设立登记申请表').pk}": pdf(),
    })
    html = response.content.decode()
    assert response.status_code == 200 and "请先在上方选择您的办理情形" in html
    assert 'value="13812345678"' in html and "尽快" in html and "重新选择" in html
    assert not Case.objects.exists()


def test_missing_required_material_of_the_situation_is_named_beside_its_field(enterprise_client, item, own_enterprise):
    partner = situation(item, "合伙企业")
    response = enterprise_client.post(f"/guide/{item.implementation_code}/apply/", {
        "situation": partner.pk, "enterprise": own_enterprise.pk, "contact_phone": "13812345678",
        f"material_{material(item, '企业设立登记申请表').pk}": pdf(),
    })
    html = response.content.decode()
    field = f"material_{material(item, '合伙协议').pk}"
    assert f'data-testid="error-{field}">请上传“合伙协议”（必要材料）' in html
    assert not Case.objects.exists()


def test_service_refuses_a_material_of_another_situation(item, enterprise_user, own_enterprise):
    partner = situation(item, "合伙企业")
    applicant = services.Applicant(type="enterprise", name=own_enterprise.name, enterprise=own_enterprise, phone="13812345678")
    with pytest.raises(ValidationError, match="不属于所选办理情形：公司章程"):
        services.case_submit(item=item, applicant=applicant, channel="web", actor=enterprise_user, situation=partner,
                             files={material(item, "企业设立登记申请表").pk: pdf(), material(item, "合伙协议").pk: pdf(),
                                    material(item, "公司章程").pk: pdf()})
    assert not Case.objects.exists() and not AuditEvent.objects.filter(event_type="case.submitted").exists()


def test_service_requires_the_situation_required_materials_online(item, enterprise_user, own_enterprise):
    partner = situation(item, "合伙企业")
    applicant = services.Applicant(type="enterprise", name=own_enterprise.name, enterprise=own_enterprise, phone="13812345678")
    with pytest.raises(ValidationError) as caught:
        services.case_submit(item=item, applicant=applicant, channel="web", actor=enterprise_user, situation=partner,
                             files={material(item, "企业设立登记申请表").pk: pdf()})
    assert caught.value.message_dict == {f"material_{material(item, '合伙协议').pk}": ["请上传“合伙协议”（必要材料）"]}
    # At the window the originals are checked there: the case is registered and asks for 补正 if needed.
    case = services.case_submit(item=item, applicant=applicant, channel="window", actor=enterprise_user, situation=partner)
    assert case.situation == partner and not case.materials.filter(material__name="公司章程").exists()


def test_service_refuses_a_situation_of_another_item(item, admin_user, enterprise_user, own_enterprise):
    other = make_item(admin_user, code="43037105XK0077", name="个体工商户设立登记", situations=("个人经营", "家庭经营"))
    applicant = services.Applicant(type="enterprise", name=own_enterprise.name, enterprise=own_enterprise, phone="13812345678")
    with pytest.raises(ValidationError, match="不属于“企业设立登记”"):
        services.case_submit(item=item, applicant=applicant, channel="window", actor=enterprise_user,
                             situation=situation(other, "个人经营"))


# --- defect 2: 一件事一表申请, one set of materials ---------------------------------------------

@pytest.fixture
def bundle(admin_user, item, market):
    """企业开办: 企业设立登记 (both natural and legal persons, situations) + 印章刻制备案 (firms only).
    Both need the business licence, under two spellings; each has its own application form."""
    item.current_version.service_object = "both"
    item.current_version.save(update_fields=["service_object"])
    seal = make_item(admin_user, code="43037106XK0002", name="印章刻制备案", situations=(),
                     dept=department("public-security", "公安局"))
    Material.objects.create(version=item.current_version, name="营业执照", necessity="required", sort_order=5)
    Material.objects.create(version=seal.current_version, name="营业执照（电子证照可免交）", necessity="required",
                            source="government", sort_order=1)
    Material.objects.create(version=seal.current_version, name="法定代表人身份证件", necessity="required", sort_order=2)
    bundle = Bundle.objects.create(code="startup-one", name="企业开办一件事", zone=item.zone, lead_department=market,
                                   promised_limit=1)
    bundle.form.save("startup.xlsx", ContentFile(b"PK\x03\x04 combined form"))
    BundleItem.objects.bulk_create([BundleItem(bundle=bundle, item=item, sort_order=0),
                                    BundleItem(bundle=bundle, item=seal, sort_order=1)])
    return bundle


def groups_of(bundle, situation_name="有限责任公司", applicant_type="enterprise"):
    parts = application.bundle_parts(bundle)
    chosen = {p.item.pk: next((s for s in p.situations if s.name == situation_name), None) for p in parts}
    return parts, chosen, {g.name: g for g in application.material_groups(bundle, parts, chosen, applicant_type)}


def test_material_identity_is_the_normalised_name():
    key = application.material_key
    assert key("营业执照（电子证照可免交）") == key("营业执照") == key(" 营业执照 (副本) ") == "营业执照"
    assert key("法定代表人身份证件") != key("经办人身份证件")


def test_combined_checklist_is_the_union_deduplicated(bundle, item):
    _, _, groups = groups_of(bundle)
    assert list(groups) == ["企业开办一件事申请表（一表申请）", "公司章程", "住所使用证明", "营业执照", "法定代表人身份证件"]
    assert groups["营业执照"].item_names == ["企业设立登记", "印章刻制备案"] and groups["营业执照"].required
    assert groups["企业开办一件事申请表（一表申请）"].item_names == ["企业设立登记", "印章刻制备案"]
    assert groups["住所使用证明"].necessity == "tolerance" and not groups["住所使用证明"].required


def test_combined_form_asks_the_applicant_once_and_each_material_once(enterprise_client, bundle, item):
    partner = situation(item, "有限责任公司")
    html = enterprise_client.get(f"/guide/bundles/{bundle.code}/apply/?situation_{item.pk}={partner.pk}").content.decode()
    assert html.count(">营业执照 <") == 1 and "共用于：企业设立登记、印章刻制备案" in html
    assert html.count('name="enterprise"') == 1 and html.count('name="contact_phone"') == 1
    assert f'name="situation_{item.pk}"' in html and "企业设立登记 · 办理情形" in html
    assert "公司章程" in html and "合伙协议" not in html


def test_application_pages_keep_a_query_budget(enterprise_client, founder_client, bundle, item,
                                                django_assert_max_num_queries):
    partner = situation(item, "有限责任公司")
    for client in (enterprise_client, founder_client):  # the session's first write after log-in is not the page's
        client.get("/")
    with django_assert_max_num_queries(14):
        assert enterprise_client.get(f"/guide/bundles/{bundle.code}/apply/?situation_{item.pk}={partner.pk}").status_code == 200
    with django_assert_max_num_queries(13):
        assert enterprise_client.get(f"/guide/{item.implementation_code}/apply/?situation={partner.pk}").status_code == 200
    with django_assert_max_num_queries(12):
        assert founder_client.get(f"/guide/{bundle.items.get(name='印章刻制备案').implementation_code}/apply/").status_code == 200


def bundle_post(bundle, item, enterprise=None, **overrides):
    _, _, groups = groups_of(bundle)
    data = {f"situation_{item.pk}": situation(item, "有限责任公司").pk, "contact_phone": "13812345678",
            "note": "拟设立新公司"}
    if enterprise is not None:
        data["enterprise"] = enterprise.pk
    for name, group in groups.items():
        if group.required:
            data[group.field_name] = pdf(f"{name}.pdf")
    data.update(overrides)
    return data


def test_one_upload_serves_every_child_that_needs_it(enterprise_client, bundle, item, own_enterprise):
    response = enterprise_client.post(f"/guide/bundles/{bundle.code}/apply/", bundle_post(bundle, item, own_enterprise))
    package = Case.objects.get(kind=Kind.PACKAGE)
    assert response.status_code == 302 and response["Location"] == f"/cases/{package.number}/"
    children = list(package.children.order_by("id"))
    assert [c.item.name for c in children] == ["企业设立登记", "印章刻制备案"]
    licence = SharedMaterial.objects.get(package=package, key="营业执照")
    uses = CaseMaterial.objects.filter(shared=licence)
    # Stored once; each child's checklist entry refers to that one file.
    assert uses.count() == 2 and {cm.case_id for cm in uses} == {c.pk for c in children}
    assert {cm.file.name for cm in uses} == {licence.file.name}
    assert SharedMaterial.objects.filter(package=package).count() == 4  # 一表, 章程, 营业执照, 法定代表人身份证件
    form = SharedMaterial.objects.get(package=package, key=application.BUNDLE_FORM_KEY)
    assert set(CaseMaterial.objects.filter(shared=form).values_list("material__name", flat=True)) == {
        "企业设立登记申请表", "印章刻制备案申请表"}
    registration = children[0]
    assert registration.situation == situation(item, "有限责任公司")
    assert not registration.materials.filter(material__name="合伙协议").exists()
    assert workflow.missing_required(registration) == [] and workflow.missing_required(children[1]) == []
    assert package.answers["items"][0] == {"item": item.implementation_code, "name": "企业设立登记",
                                           "situation": "有限责任公司"}


def test_package_and_children_show_answers_and_materials(enterprise_client, bundle, item, own_enterprise):
    enterprise_client.post(f"/guide/bundles/{bundle.code}/apply/", bundle_post(bundle, item, own_enterprise))
    package = Case.objects.get(kind=Kind.PACKAGE)
    html = enterprise_client.get(f"/cases/{package.number}/").content.decode()
    assert "一表申请内容" in html and "有限责任公司" in html
    assert "营业执照<span class=\"text-muted\"> · 共用于2个事项：企业设立登记、印章刻制备案" in html
    child = package.children.get(item=item)
    html = enterprise_client.get(f"/cases/{child.number}/").content.decode()
    assert "办理情形：<strong>有限责任公司</strong>" in html and 'data-testid="from-package"' in html


def test_combined_form_errors_beside_fields_keep_what_was_typed(enterprise_client, bundle, item, own_enterprise):
    data = bundle_post(bundle, item, own_enterprise, contact_phone="12345", note="拟设立新公司")
    _, _, groups = groups_of(bundle)
    data.pop(groups["营业执照"].field_name)
    response = enterprise_client.post(f"/guide/bundles/{bundle.code}/apply/", data)
    html = response.content.decode()
    assert response.status_code == 200 and not Case.objects.exists() and not SharedMaterial.objects.exists()
    assert 'data-testid="error-contact_phone">请填写正确的手机号或座机号' in html
    assert f'data-testid="error-{groups["营业执照"].field_name}">请上传“营业执照”（必要材料）' in html
    assert 'value="12345"' in html and "拟设立新公司" in html and "已选择的文件需要重新选择" in html


def test_combined_form_without_the_situation_is_refused(enterprise_client, bundle, item, own_enterprise):
    data = bundle_post(bundle, item, own_enterprise)
    data.pop(f"situation_{item.pk}")
    html = enterprise_client.post(f"/guide/bundles/{bundle.code}/apply/", data).content.decode()
    assert "请先在上方选择“企业设立登记”的办理情形" in html and not Case.objects.exists()


def test_bundle_service_refuses_foreign_or_missing_materials(bundle, item, enterprise_user, own_enterprise):
    parts, chosen, groups = groups_of(bundle)
    applicant = services.Applicant(type="enterprise", name=own_enterprise.name, enterprise=own_enterprise, phone="13812345678")
    files = {g.key: pdf() for g in groups.values() if g.required}
    with pytest.raises(ValidationError, match="不属于本次申请"):
        services.bundle_submit(bundle=bundle, applicant=applicant, channel="web", actor=enterprise_user,
                               situations=chosen, files={**files, "合伙协议": pdf()})
    files.pop("营业执照")
    with pytest.raises(ValidationError) as caught:
        services.bundle_submit(bundle=bundle, applicant=applicant, channel="web", actor=enterprise_user,
                               situations=chosen, files=files)
    assert caught.value.message_dict == {groups["营业执照"].field_name: ["请上传“营业执照”（必要材料）"]}
    assert not Case.objects.exists() and not SharedMaterial.objects.exists()


def test_window_registers_a_bundle_for_a_citizen_by_id_number(clerk_client, bundle, item):
    partner = situation(item, "有限责任公司")
    url = f"/guide/bundles/{bundle.code}/apply/"
    bad = clerk_client.post(url, {"applicant_type": "citizen", "applicant_name": "王五", f"situation_{item.pk}": partner.pk,
                                  "applicant_id_number": "110105194912310021", "contact_phone": "13800000000"})
    assert 'data-testid="error-applicant_id_number">校验码错误' in bad.content.decode() and not Case.objects.exists()
    ok = clerk_client.post(url, {"applicant_type": "citizen", "applicant_name": "王五", f"situation_{item.pk}": partner.pk,
                                 "applicant_id_number": "11010519491231002x", "contact_phone": "13800000000"})
    package = Case.objects.get(kind=Kind.PACKAGE)
    assert ok.status_code == 302 and package.channel == "window" and package.applicant_id_number == "11010519491231002X"


# --- defect 3: founders without a firm --------------------------------------------------------

def test_founder_applies_for_the_startup_bundle_as_a_natural_person(founder_client, founder, bundle, item):
    url = f"/guide/bundles/{bundle.code}/apply/"
    html = founder_client.get(url).content.decode()
    assert 'data-testid="citizen-applicant">个人申请人：孙悦（身份证号码 430302********' in html
    assert "尚未绑定企业" not in html and 'name="enterprise"' not in html
    # The seal is done for the firm being set up: its own materials follow once the firm exists.
    _, _, groups = groups_of(bundle, applicant_type="citizen")
    assert groups["法定代表人身份证件"].deferred and not groups["法定代表人身份证件"].required
    assert groups["营业执照"].required  # 企业设立登记 accepts natural persons and lists it here
    data = {f"situation_{item.pk}": situation(item, "有限责任公司").pk, "contact_phone": "13907320001"}
    for name, group in groups.items():
        if group.required:
            data[group.field_name] = pdf(f"{name}.pdf")
    response = founder_client.post(url, data)
    package = Case.objects.get(kind=Kind.PACKAGE)
    assert response.status_code == 302
    assert package.applicant_type == ApplicantType.CITIZEN and package.applicant_id_number == FOUNDER_ID
    assert package.enterprise is None and package.applicant_name == "孙悦"
    assert all(c.applicant_type == ApplicantType.CITIZEN for c in package.children.all())
    assert founder_client.get(f"/cases/{package.number}/").status_code == 200


def test_founder_applies_for_a_registration_item_in_their_own_name(founder_client, item):
    item.current_version.service_object = "both"
    item.current_version.save(update_fields=["service_object"])
    partner = situation(item, "合伙企业")
    response = founder_client.post(f"/guide/{item.implementation_code}/apply/", {
        "situation": partner.pk, "contact_phone": "13907320001",
        f"material_{material(item, '企业设立登记申请表').pk}": pdf(), f"material_{material(item, '合伙协议').pk}": pdf(),
    })
    case = Case.objects.get()
    assert response.status_code == 302 and case.applicant_type == "citizen" and case.applicant_id_number == FOUNDER_ID


def test_founder_on_an_item_for_firms_only_gets_a_next_step(founder_client, item, bundle):
    # 印章刻制备案 is for firms only; the startup bundle (through 企业设立登记) accepts natural persons.
    seal = bundle.items.get(name="印章刻制备案")
    response = founder_client.get(f"/guide/{seal.implementation_code}/apply/")
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="next-step"' in html
    assert "企业登记办结后，新企业会自动绑定到您的账号" in html
    assert f'href="/guide/bundles/{bundle.code}/apply/"' in html  # the way on: 企业开办 as a natural person
    assert f'href="/guide/{item.implementation_code}/apply/"' in html


def test_user_without_firm_or_id_number_is_shown_what_to_do(item, bundle):
    stray = login(UserFactory(role=Role.ENTERPRISE))
    for url in (f"/guide/{item.implementation_code}/apply/", f"/guide/bundles/{bundle.code}/apply/"):
        response = stray.get(url)
        html = response.content.decode()
        assert response.status_code == 200 and 'data-testid="next-step"' in html
        assert "自然人注册" in html and "企业绑定" in html and 'href="/accounts/logout/"' not in html


def test_anonymous_applicant_is_sent_to_log_in_which_offers_registration(client, item):
    response = client.get(f"/guide/{item.implementation_code}/apply/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")
    html = client.get(response["Location"]).content.decode()
    assert f'href="/accounts/register/?next=/guide/{item.implementation_code}/apply/"' in html


# --- the firm is registered: bind it to the founder -----------------------------------------

@pytest.fixture
def approved_registration(item, founder, clerk_user, officer):
    item.current_version.service_object = "both"
    item.current_version.save(update_fields=["service_object"])
    applicant = services.Applicant(type="citizen", name=founder.full_name, id_number=founder.id_number, phone=founder.phone)
    case = services.case_submit(item=item, applicant=applicant, channel="window", actor=founder,
                                situation=situation(item, "有限责任公司"),
                                originals_seen=set(item.current_version.materials.filter(necessity="required")
                                                   .values_list("pk", flat=True)))
    case = services.case_transition(case=case, name="ACCEPT", actor=clerk_user)
    case = services.case_transition(case=case, name="START_REVIEW", actor=officer)
    return services.case_transition(case=case, name="APPROVE", actor=officer, opinion="符合法定条件",
                                    licence_number="91430300MA4T000012")


NEW_USCC = "91430300MA4N00012" + uscc_check_char("91430300MA4N00012")


def test_officer_enters_the_new_firm_and_the_founder_is_bound(approved_registration, officer, founder, founder_client,
                                                              django_capture_on_commit_callbacks, item):
    case = approved_registration
    officer_client = login(officer)
    page = officer_client.get(f"/cases/{case.number}/").content.decode()
    assert f'href="/cases/{case.number}/new-firm/"' in page
    bad = officer_client.post(f"/cases/{case.number}/new-firm/", {"uscc": "91430300MA4N000120", "name": "湘潭星火科技有限公司"})
    assert "校验码错误" in bad.content.decode() and 'value="湘潭星火科技有限公司"' in bad.content.decode()
    industry = Industry.objects.get(code="39")
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(f"/cases/{case.number}/new-firm/", {
            "uscc": NEW_USCC.lower(), "name": "湘潭星火科技有限公司", "industry": industry.code, "address": "湘潭高新区"})
    assert response.status_code == 302
    firm = Enterprise.objects.get(uscc=NEW_USCC)
    assert firm.legal_representative == "孙悦" and firm.industry == industry
    assert EnterpriseMembership.objects.get(user=founder, enterprise=firm).is_manager
    case.refresh_from_db()
    assert case.registered_enterprise == firm
    assert AuditEvent.objects.filter(event_type="account.enterprise_bound", subject_id=str(founder.pk)).count() == 1
    assert AuditEvent.objects.filter(event_type="case.enterprise_registered", subject_id=str(case.pk)).count() == 1
    assert Notification.objects.filter(user=founder, kind="ENTERPRISE_BOUND", message__contains=NEW_USCC).exists()
    # The founder now applies in the firm's name too, and the case page names the firm.
    html = founder_client.get(f"/guide/{item.implementation_code}/apply/",
                              {"situation": situation(item, "有限责任公司").pk}).content.decode()
    assert "湘潭星火科技有限公司" in html and 'name="applicant_type"' in html
    assert 'data-testid="registered-enterprise"' in founder_client.get(f"/cases/{case.number}/").content.decode()
    # Once only.
    assert officer_client.get(f"/cases/{case.number}/new-firm/").status_code == 302


def test_new_firm_already_in_the_registry_is_bound_without_a_copy(approved_registration, clerk_user, founder):
    existing = Enterprise.objects.create(uscc=NEW_USCC, name="湘潭星火科技有限公司", legal_representative="孙悦",
                                         industry=Industry.objects.get(code="39"), size_group="BELOW")
    firm = services.case_register_enterprise(case=approved_registration, actor=clerk_user, uscc=NEW_USCC, name="",
                                             industry=None)
    assert firm == existing and Enterprise.objects.filter(uscc=NEW_USCC).count() == 1
    assert founder.enterprises.get() == existing


def test_only_approved_registration_cases_of_natural_persons_record_a_firm(item, founder, clerk_user, officer,
                                                                          other_officer, approved_registration, submit):
    with pytest.raises(Exception, match="无权"):
        services.case_register_enterprise(case=approved_registration, actor=other_officer, uscc=NEW_USCC, name="x",
                                          industry=None)
    assert login(other_officer).get(f"/cases/{approved_registration.number}/new-firm/").status_code == 404
    firm_case = submit(item)  # an enterprise applicant, still at intake
    with pytest.raises(ValidationError, match="只有自然人申请、已准予的设立登记办件"):
        services.case_register_enterprise(case=firm_case, actor=clerk_user, uscc=NEW_USCC, name="x", industry=None)
    assert not Enterprise.objects.filter(uscc=NEW_USCC).exists()


def test_founders_bind_finds_accounts_by_id_number_once(founder, clerk_user, own_enterprise):
    from gaoxin.accounts.services import founders_bind

    assert founders_bind(enterprise=own_enterprise, id_number=FOUNDER_ID.lower(), actor=clerk_user, source="企业名录") == [founder]
    assert founders_bind(enterprise=own_enterprise, id_number=FOUNDER_ID, actor=clerk_user, source="企业名录") == []
    assert EnterpriseMembership.objects.filter(user=founder).count() == 1
    assert AuditEvent.objects.filter(event_type="account.enterprise_bound").count() == 1

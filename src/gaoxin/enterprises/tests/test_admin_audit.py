"""The registry in the administration (/django-admin/): a firm's record and each of its parcels,
qualifications, contacts and account bindings changed there is one audit event with its
before/after; a failed form writes nothing; reference data is read-only."""

from decimal import Decimal

import pytest
from django.urls import reverse

from gaoxin.accounts.models import EnterpriseMembership, Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.core.tests.admin_forms import (
    add_inline_row,
    events_after,
    inline_prefix,
    inline_row,
    last_event_id,
    page_data,
)
from gaoxin.enterprises.models import (
    Contact,
    Enterprise,
    EnterpriseStatus,
    Industry,
    LandParcel,
    ParkArea,
    Qualification,
)
from gaoxin.enterprises.tests.factories import EnterpriseFactory, LandParcelFactory, ParkAreaFactory


@pytest.fixture
def firm(db):
    return EnterpriseFactory(name="湖南档案电工有限公司", power_account="0731000001")


def _url(firm):
    return reverse("admin:enterprises_enterprise_change", args=[firm.pk])


def _post(client, firm, edit):
    page = client.get(_url(firm))
    data = page_data(page)
    edit(data, page)
    return client.post(_url(firm), data)


def _empty_inlines(client) -> dict:
    data = page_data(client.get(reverse("admin:enterprises_enterprise_add")))
    return {k: v for k, v in data.items() if k.endswith(("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS",
                                                           "MAX_NUM_FORMS"))}


def test_opening_a_record_by_hand_is_one_event(admin_client):
    from gaoxin.core.validators import uscc_check_char

    uscc = "91430300MA4K00001" + uscc_check_char("91430300MA4K00001")
    last = last_event_id()
    response = admin_client.post(reverse("admin:enterprises_enterprise_add"), {
        **_empty_inlines(admin_client), "uscc": uscc, "name": "湖南手建材料有限公司", "legal_representative": "孙五",
        "industry": "30", "size_group": "BELOW", "status": EnterpriseStatus.OPERATING,
    })
    assert response.status_code == 302, response.context["adminform"].form.errors
    firm = Enterprise.objects.get(uscc=uscc)
    (event,) = events_after(last)
    assert (event.event_type, event.subject_id) == ("enterprise.created", str(firm.pk))
    assert event.after["uscc"] == uscc and event.after["size_group"] == "BELOW"
    assert event.after["industry"] == str(firm.industry)


def test_a_failed_add_form_writes_nothing(admin_client):
    last, count = last_event_id(), Enterprise.objects.count()
    response = admin_client.post(reverse("admin:enterprises_enterprise_add"), {
        **_empty_inlines(admin_client), "uscc": "91430300MA4K000010", "name": "校验位错误有限公司",
        "legal_representative": "孙五", "industry": "30", "size_group": "BELOW", "status": EnterpriseStatus.OPERATING,
    })
    assert response.status_code == 200 and "uscc" in response.context["adminform"].form.errors
    assert Enterprise.objects.count() == count and events_after(last) == []


def test_changing_a_record_is_one_event_with_the_changed_fields(admin_client, firm):
    park = ParkAreaFactory(name="东区")
    last = last_event_id()

    def edit(data, page):
        data["size_group"] = "BELOW"
        data["park_area"] = str(park.pk)
        data["status"] = EnterpriseStatus.RELOCATED

    assert _post(admin_client, firm, edit).status_code == 302
    firm.refresh_from_db()
    assert firm.status == EnterpriseStatus.RELOCATED and firm.park_area == park
    (event,) = events_after(last)
    assert (event.event_type, event.subject_id) == ("enterprise.changed", str(firm.pk))
    assert event.before == {"size_group": "ABOVE", "park_area": None, "status": "operating"}
    assert event.after == {"size_group": "BELOW", "park_area": "东区", "status": "relocated"}


def test_a_failed_change_form_writes_nothing(admin_client, firm):
    other = EnterpriseFactory()
    last = last_event_id()
    response = _post(admin_client, firm, lambda d, p: d.update(uscc=other.uscc, name="改不了"))
    assert response.status_code == 200 and "uscc" in response.context["adminform"].form.errors
    firm.refresh_from_db()
    assert firm.name == "湖南档案电工有限公司" and events_after(last) == []


def test_a_record_is_not_deleted_here(admin_client, firm):
    response = admin_client.post(reverse("admin:enterprises_enterprise_delete", args=[firm.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert Enterprise.objects.filter(pk=firm.pk).exists()


def test_each_parcel_added_changed_or_removed_is_one_event(admin_client, firm):
    parcel = LandParcelFactory(enterprise=firm, area_m2=Decimal("10000"))
    last = last_event_id()

    def edit(data, page):
        prefix = inline_prefix(page, LandParcel)
        data[f"{prefix}-{inline_row(data, prefix, parcel.pk)}-area_m2"] = "12000.50"
        add_inline_row(data, prefix, kind="leased_in", area_m2="3000", counterparty="湖南出租方有限公司")

    assert _post(admin_client, firm, edit).status_code == 302
    new = LandParcel.objects.get(enterprise=firm, kind="leased_in")
    changed, added = events_after(last)
    assert (changed.event_type, changed.subject_id) == ("enterprise.parcel_changed", str(firm.pk))
    assert changed.before == {"record": str(parcel.pk), "area_m2": "10000.00"}
    assert changed.after == {"record": str(parcel.pk), "area_m2": "12000.50"}
    assert added.event_type == "enterprise.parcel_added"
    assert added.after == {"kind": "leased_in", "parcel_no": "", "certificate_no": "", "area_m2": "3000.00",
                           "counterparty": "湖南出租方有限公司"}

    last = last_event_id()

    def remove(data, page):
        prefix = inline_prefix(page, LandParcel)
        data[f"{prefix}-{inline_row(data, prefix, new.pk)}-DELETE"] = "on"

    assert _post(admin_client, firm, remove).status_code == 302
    assert not LandParcel.objects.filter(pk=new.pk).exists()
    (event,) = events_after(last)
    assert event.event_type == "enterprise.parcel_removed" and event.before["record"] == str(new.pk)


def test_a_bad_parcel_fails_the_whole_form(admin_client, firm):
    last = last_event_id()

    def edit(data, page):
        data["name"] = "不会保存"
        add_inline_row(data, inline_prefix(page, LandParcel), kind="own", area_m2="-5")

    response = _post(admin_client, firm, edit)
    assert response.status_code == 200
    firm.refresh_from_db()
    assert firm.name == "湖南档案电工有限公司" and not firm.parcels.exists() and events_after(last) == []


def test_a_qualification_and_a_contact_are_audited_with_the_phone_masked(admin_client, firm):
    last = last_event_id()

    def edit(data, page):
        add_inline_row(data, inline_prefix(page, Qualification), kind="hnte", level="national", cert_no="GR2023",
                       valid_from="2023-10-16", valid_to="2026-10-15")
        add_inline_row(data, inline_prefix(page, Contact), name="周联系", title="办公室主任", phone="13712345678",
                       email="", is_primary=True)

    assert _post(admin_client, firm, edit).status_code == 302
    qualification, contact = events_after(last)
    assert qualification.event_type == "enterprise.qualification_added"
    assert qualification.after == {"kind": "hnte", "level": "national", "cert_no": "GR2023",
                                   "valid_from": "2023-10-16", "valid_to": "2026-10-15"}
    assert contact.event_type == "enterprise.contact_added"
    assert contact.after["phone"] == "137****5678" and "13712345678" not in str(contact.after)


def test_accounts_are_bound_to_the_firm_on_its_page(admin_client, firm):
    user = UserFactory(role=Role.ENTERPRISE, full_name="吴企业")
    last = last_event_id()

    def edit(data, page):
        add_inline_row(data, inline_prefix(page, EnterpriseMembership), user=user.pk, is_manager=True)

    assert _post(admin_client, firm, edit).status_code == 302
    (event,) = events_after(last)
    assert (event.event_type, event.subject_id) == ("account.membership_granted", str(user.pk))
    assert event.after == {"enterprise": firm.name, "uscc": firm.uscc, "is_manager": True}
    assert EnterpriseMembership.objects.filter(user=user, enterprise=firm, is_manager=True).exists()


def test_a_save_without_changes_writes_nothing(admin_client, firm):
    LandParcelFactory(enterprise=firm)
    last = last_event_id()
    assert _post(admin_client, firm, lambda d, p: None).status_code == 302
    assert events_after(last) == []


@pytest.mark.parametrize("model", ["industry", "parkarea"])
def test_reference_data_is_read_only(admin_client, model):
    obj = Industry.objects.get(code="38") if model == "industry" else ParkAreaFactory(name="北区")
    change = reverse(f"admin:enterprises_{model}_change", args=[obj.pk])
    assert admin_client.get(change).status_code == 200  # may look
    assert admin_client.post(change, {"name": "改名"}).status_code == 403
    assert admin_client.post(reverse(f"admin:enterprises_{model}_add"), {"name": "新"}).status_code == 403
    assert admin_client.post(reverse(f"admin:enterprises_{model}_delete", args=[obj.pk]),
                           {"post": "yes"}).status_code == 403
    if model == "parkarea":
        assert ParkArea.objects.get(pk=obj.pk).name == "北区"

"""Accounts in the administration (/django-admin/): every change of a user, an org unit, a firm
binding or a post is one audit event with its before/after, through the admin's own forms; a
form that fails writes nothing."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from gaoxin.accounts import services
from gaoxin.accounts.models import EnterpriseMembership, OrgAssignment, OrgKind, OrgUnit, Position, Role, User
from gaoxin.accounts.tests.factories import MembershipFactory, OrgUnitFactory, UserFactory
from gaoxin.core import events
from gaoxin.core.tests.admin_forms import (
    add_inline_row,
    events_after,
    inline_prefix,
    inline_row,
    last_event_id,
    page_data,
    set_bool,
)
from gaoxin.enterprises.tests.factories import EnterpriseFactory

STRONG = "Zhouming-2024-strong"


def _change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def _post_change(client, obj, edit=lambda data, response: None):
    url = _change_url(obj)
    page = client.get(url)
    data = page_data(page)
    edit(data, page)
    return client.post(url, data)


@pytest.fixture
def clerk(db):
    return UserFactory(username="clerk-li", full_name="李窗口", role=Role.WINDOW_CLERK, phone="13812345678")


# --- users -------------------------------------------------------------------------------------

def test_creating_a_user_is_one_event_without_the_password(admin_client, department):
    last = last_event_id()
    response = admin_client.post(reverse("admin:accounts_user_add"), {
        "username": "officer-wang", "usable_password": "true", "password1": STRONG, "password2": STRONG,
        "full_name": "王审批", "role": Role.DEPT_OFFICER, "org_unit": department.pk, "phone": "13900001111",
    })
    assert response.status_code == 302
    user = User.objects.get(username="officer-wang")
    assert user.check_password(STRONG) and user.role == Role.DEPT_OFFICER and user.org_unit == department
    (event,) = events_after(last)
    assert event.event_type == "account.user_created" and event.subject_id == str(user.pk)
    assert event.before is None
    assert event.after == {
        "username": "officer-wang", "full_name": "王审批", "email": "", "phone": "139****1111",
        "role": Role.DEPT_OFFICER, "org_unit": department.name, "is_active": True, "is_staff": False,
        "is_superuser": False, "usable_password": True,
    }
    assert STRONG not in str(event.after) and "pbkdf2" not in str(event.after)


def test_a_user_without_password_log_in(admin_client):
    last = last_event_id()
    response = admin_client.post(reverse("admin:accounts_user_add"), {
        "username": "sso-only", "usable_password": "false", "role": Role.LEADER,
    })
    assert response.status_code == 302
    assert not User.objects.get(username="sso-only").has_usable_password()
    (event,) = events_after(last)
    assert event.after["usable_password"] is False


def test_a_failed_add_form_writes_nothing(admin_client, clerk):
    last, users = last_event_id(), User.objects.count()
    response = admin_client.post(reverse("admin:accounts_user_add"), {
        "username": "someone", "usable_password": "true", "password1": STRONG, "password2": STRONG + "x",
        "role": Role.LEADER,
    })
    assert response.status_code == 200 and response.context["adminform"].form.errors
    response = admin_client.post(reverse("admin:accounts_user_add"), {  # a taken username
        "username": clerk.username, "usable_password": "true", "password1": STRONG, "password2": STRONG,
        "role": Role.LEADER,
    })
    assert response.status_code == 200 and "username" in response.context["adminform"].form.errors
    assert User.objects.count() == users and events_after(last) == []


def test_a_role_and_unit_change_is_one_access_event(admin_client, clerk, department):
    last = last_event_id()

    def edit(data, page):
        data["role"] = Role.DEPT_OFFICER
        data["org_unit"] = str(department.pk)

    assert _post_change(admin_client, clerk, edit).status_code == 302
    clerk.refresh_from_db()
    assert clerk.role == Role.DEPT_OFFICER and clerk.org_unit == department
    (event,) = events_after(last)
    assert event.event_type == "account.user_access_changed" and event.subject_id == str(clerk.pk)
    assert event.before == {"role": Role.WINDOW_CLERK, "org_unit": None}
    assert event.after == {"role": Role.DEPT_OFFICER, "org_unit": department.name}
    assert events.label(event.event_type) == "变更用户角色、机构或后台权限"


def test_deactivating_and_activating_are_audited(admin_client, clerk):
    last = last_event_id()
    assert _post_change(admin_client, clerk, lambda d, p: set_bool(d, "is_active", False)).status_code == 302
    clerk.refresh_from_db()
    assert not clerk.is_active
    (event,) = events_after(last)
    assert (event.event_type, event.before, event.after) == (
        "account.user_deactivated", {"is_active": True}, {"is_active": False})

    last = last_event_id()
    assert _post_change(admin_client, clerk, lambda d, p: set_bool(d, "is_active", True)).status_code == 302
    (event,) = events_after(last)
    assert (event.event_type, event.after) == ("account.user_activated", {"is_active": True})


def test_a_phone_change_is_masked_and_a_save_without_changes_writes_nothing(admin_client, clerk):
    last = last_event_id()
    assert _post_change(admin_client, clerk, lambda d, p: d.update(phone="13812349999")).status_code == 302
    (event,) = events_after(last)
    assert event.event_type == "account.user_changed"
    assert (event.before, event.after) == ({"phone": "138****5678"}, {"phone": "138****9999"})

    last = last_event_id()
    assert _post_change(admin_client, clerk).status_code == 302
    assert events_after(last) == []


def test_a_failed_change_form_writes_nothing(admin_client, clerk):
    last = last_event_id()
    response = _post_change(admin_client, clerk, lambda d, p: d.update(role="janitor", full_name="新名字"))
    assert response.status_code == 200 and "role" in response.context["adminform"].form.errors
    clerk.refresh_from_db()
    assert clerk.role == Role.WINDOW_CLERK and clerk.full_name == "李窗口"
    assert events_after(last) == []


def test_an_administrator_sets_a_password_audited_without_it(admin_client, clerk):
    url = reverse("admin:auth_user_password_change", args=[clerk.pk])
    last = last_event_id()
    response = admin_client.post(url, {"usable_password": "true", "password1": STRONG, "password2": STRONG,
                                     "set-password": "1"})
    assert response.status_code == 302
    clerk.refresh_from_db()
    assert clerk.check_password(STRONG)
    (event,) = events_after(last)
    assert event.event_type == "account.password_set" and event.subject_id == str(clerk.pk)
    assert (event.before, event.after) == ({"usable_password": True}, {"usable_password": True})
    assert clerk.password not in str(event.after) and STRONG not in str(event.after)


def test_an_administrator_turns_password_log_in_off(admin_client, clerk):
    url = reverse("admin:auth_user_password_change", args=[clerk.pk])
    last = last_event_id()
    response = admin_client.post(url, {"usable_password": "false", "unset-password": "1"})
    assert response.status_code == 302
    clerk.refresh_from_db()
    assert not clerk.has_usable_password()
    (event,) = events_after(last)
    assert (event.event_type, event.after) == ("account.password_disabled", {"usable_password": False})


def test_a_failed_password_form_writes_nothing(admin_client, clerk):
    url = reverse("admin:auth_user_password_change", args=[clerk.pk])
    last = last_event_id()
    response = admin_client.post(url, {"usable_password": "true", "password1": "123", "password2": "123",
                                     "set-password": "1"})
    assert response.status_code == 200 and response.context["form"].errors
    clerk.refresh_from_db()
    assert clerk.check_password("Secret-pass-123")
    assert events_after(last) == []


def test_an_administrator_keeps_their_session_after_setting_their_own_password(admin_client, admin_user):
    url = reverse("admin:auth_user_password_change", args=[admin_user.pk])
    assert admin_client.post(url, {"usable_password": "true", "password1": STRONG, "password2": STRONG,
                                 "set-password": "1"}).status_code == 302
    assert admin_client.get(reverse("admin:index")).status_code == 200


def test_deleting_a_user_records_their_bindings_and_posts(admin_client, department):
    user = UserFactory(username="ent-zhao", full_name="赵企业", role=Role.ENTERPRISE)
    firm = EnterpriseFactory(name="湖南删号科技有限公司")
    MembershipFactory(user=user, enterprise=firm, is_manager=True)
    OrgAssignment.objects.create(org_unit=department, user=user, position=Position.LIAISON)
    last = last_event_id()
    response = admin_client.post(reverse("admin:accounts_user_delete", args=[user.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()
    (event,) = events_after(last)
    assert event.event_type == "account.user_deleted" and event.subject_id == str(user.pk)
    assert event.subject_repr == "赵企业"
    assert event.before["memberships"] == [f"湖南删号科技有限公司（{firm.uscc}）"]
    assert event.before["assignments"] == [f"{department.name} 部门联络员 赵企业"]


def test_the_delete_action_deletes_each_user_through_the_service(admin_client):
    users = [UserFactory(role=Role.LEADER) for _ in range(2)]
    last = last_event_id()
    response = admin_client.post(reverse("admin:accounts_user_changelist"), {
        "action": "delete_selected", "_selected_action": [u.pk for u in users], "post": "yes"})
    assert response.status_code == 302
    assert not User.objects.filter(pk__in=[u.pk for u in users]).exists()
    assert sorted((e.event_type, e.subject_id) for e in events_after(last)) == sorted(
        ("account.user_deleted", str(u.pk)) for u in users)


def test_a_user_who_acted_cannot_be_deleted(admin_client, clerk):
    services.user_update(user=clerk, actor=clerk, changes={"full_name": "李窗口二"})  # clerk is now an actor
    last = last_event_id()
    response = admin_client.post(reverse("admin:accounts_user_delete", args=[clerk.pk]), {"post": "yes"})
    assert response.status_code == 200  # Django lists the protecting audit events
    assert User.objects.filter(pk=clerk.pk).exists() and events_after(last) == []


# --- firm bindings ------------------------------------------------------------------------------

@pytest.fixture
def firm_user(db):
    return UserFactory(username="ent-qian", full_name="钱企业", role=Role.ENTERPRISE)


def test_granting_changing_and_revoking_a_binding_on_the_user_page(admin_client, firm_user):
    firm = EnterpriseFactory(name="湖南绑定电子有限公司")
    last = last_event_id()

    def grant(data, page):
        add_inline_row(data, inline_prefix(page, EnterpriseMembership), enterprise=firm.pk, is_manager=False)

    assert _post_change(admin_client, firm_user, grant).status_code == 302
    membership = EnterpriseMembership.objects.get(user=firm_user, enterprise=firm)
    (event,) = events_after(last)
    assert (event.event_type, event.subject_id) == ("account.membership_granted", str(firm_user.pk))
    assert event.after == {"enterprise": "湖南绑定电子有限公司", "uscc": firm.uscc, "is_manager": False}

    last = last_event_id()

    def make_manager(data, page):
        prefix = inline_prefix(page, EnterpriseMembership)
        data[f"{prefix}-{inline_row(data, prefix, membership.pk)}-is_manager"] = "on"

    assert _post_change(admin_client, firm_user, make_manager).status_code == 302
    (event,) = events_after(last)
    assert (event.event_type, event.before, event.after) == (
        "account.membership_changed", {"is_manager": False}, {"is_manager": True})

    last = last_event_id()

    def revoke(data, page):
        prefix = inline_prefix(page, EnterpriseMembership)
        data[f"{prefix}-{inline_row(data, prefix, membership.pk)}-DELETE"] = "on"

    assert _post_change(admin_client, firm_user, revoke).status_code == 302
    assert not EnterpriseMembership.objects.filter(pk=membership.pk).exists()
    (event,) = events_after(last)
    assert (event.event_type, event.subject_id) == ("account.membership_revoked", str(firm_user.pk))
    assert event.before == {"enterprise": "湖南绑定电子有限公司", "uscc": firm.uscc, "is_manager": True}


def test_a_user_change_and_two_bindings_in_one_save_are_three_events(admin_client, firm_user):
    firms = [EnterpriseFactory(), EnterpriseFactory()]

    def edit(data, page):
        data["full_name"] = "钱企业（法人）"
        prefix = inline_prefix(page, EnterpriseMembership)
        for firm in firms:
            add_inline_row(data, prefix, enterprise=firm.pk)

    last = last_event_id()
    assert _post_change(admin_client, firm_user, edit).status_code == 302
    assert [e.event_type for e in events_after(last)] == [
        "account.user_changed", "account.membership_granted", "account.membership_granted"]


def test_a_duplicate_binding_fails_the_form_and_writes_nothing(admin_client, firm_user):
    firm = EnterpriseFactory()
    MembershipFactory(user=firm_user, enterprise=firm)

    def edit(data, page):
        data["full_name"] = "不会保存"
        add_inline_row(data, inline_prefix(page, EnterpriseMembership), enterprise=firm.pk)

    last = last_event_id()
    response = _post_change(admin_client, firm_user, edit)
    assert response.status_code == 200
    firm_user.refresh_from_db()
    assert firm_user.full_name == "钱企业" and firm_user.enterprise_memberships.count() == 1
    assert events_after(last) == []


def test_the_bindings_list_page_is_audited_too(admin_client, firm_user):
    firm = EnterpriseFactory()
    last = last_event_id()
    response = admin_client.post(reverse("admin:accounts_enterprisemembership_add"),
                               {"user": firm_user.pk, "enterprise": firm.pk})
    assert response.status_code == 302
    (event,) = events_after(last)
    assert event.event_type == "account.membership_granted"
    membership = EnterpriseMembership.objects.get(user=firm_user)
    last = last_event_id()
    response = admin_client.post(reverse("admin:accounts_enterprisemembership_delete", args=[membership.pk]),
                               {"post": "yes"})
    assert response.status_code == 302
    assert [e.event_type for e in events_after(last)] == ["account.membership_revoked"]


# --- org units and posts ------------------------------------------------------------------------

def test_creating_changing_and_deleting_an_org_unit(admin_client):
    last = last_event_id()
    response = admin_client.post(reverse("admin:accounts_orgunit_add"), {
        "code": "station-east", "name": "东区政务服务驿站", "short_name": "", "kind": OrgKind.STATION,
        "parent": "", "address": "", "phone": "0731-58581234", "is_active": "on", "sort_order": "0",
        "assignments-TOTAL_FORMS": "0", "assignments-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302, response.context["adminform"].form.errors
    unit = OrgUnit.objects.get(code="station-east")
    (event,) = events_after(last)
    assert (event.event_type, event.subject_id) == ("account.org_unit_created", str(unit.pk))
    assert event.after["name"] == "东区政务服务驿站" and event.after["phone"] == "073******1234"

    last = last_event_id()
    assert _post_change(admin_client, unit, lambda d, p: set_bool(d, "is_active", False)).status_code == 302
    (event,) = events_after(last)
    assert (event.event_type, event.before, event.after) == (
        "account.org_unit_changed", {"is_active": True}, {"is_active": False})

    last = last_event_id()
    response = admin_client.post(reverse("admin:accounts_orgunit_delete", args=[unit.pk]), {"post": "yes"})
    assert response.status_code == 302 and not OrgUnit.objects.filter(pk=unit.pk).exists()
    (event,) = events_after(last)
    assert event.event_type == "account.org_unit_deleted" and event.before["code"] == "station-east"


def test_a_unit_cannot_be_its_own_ancestor(admin_client):
    parent = OrgUnitFactory()
    child = OrgUnitFactory(parent=parent)
    last = last_event_id()
    response = _post_change(admin_client, parent, lambda d, p: d.update(parent=str(child.pk)))
    assert response.status_code == 200 and "parent" in response.context["adminform"].form.errors
    parent.refresh_from_db()
    assert parent.parent is None and events_after(last) == []


def test_a_station_team_is_kept_on_the_unit_page(admin_client, clerk):
    station = OrgUnitFactory(kind=OrgKind.STATION, name="西区驿站")
    last = last_event_id()

    def appoint(data, page):
        add_inline_row(data, inline_prefix(page, OrgAssignment), user=clerk.pk, position=Position.WINDOW_SPECIALIST,
                       since="2024-03-01")

    assert _post_change(admin_client, station, appoint).status_code == 302
    post = OrgAssignment.objects.get(org_unit=station, user=clerk)
    (event,) = events_after(last)
    assert (event.event_type, event.subject_id) == ("account.assignment_added", str(clerk.pk))
    assert event.after == {"org_unit": "西区驿站", "user": "李窗口", "position": Position.WINDOW_SPECIALIST,
                           "since": "2024-03-01"}

    last = last_event_id()

    def promote(data, page):
        prefix = inline_prefix(page, OrgAssignment)
        data[f"{prefix}-{inline_row(data, prefix, post.pk)}-position"] = Position.HEAD

    assert _post_change(admin_client, station, promote).status_code == 302
    (event,) = events_after(last)
    assert (event.event_type, event.before, event.after) == (
        "account.assignment_changed", {"position": Position.WINDOW_SPECIALIST}, {"position": Position.HEAD})

    last = last_event_id()

    def dismiss(data, page):
        prefix = inline_prefix(page, OrgAssignment)
        data[f"{prefix}-{inline_row(data, prefix, post.pk)}-DELETE"] = "on"

    assert _post_change(admin_client, station, dismiss).status_code == 302
    assert not OrgAssignment.objects.filter(pk=post.pk).exists()
    (event,) = events_after(last)
    assert event.event_type == "account.assignment_removed" and event.before["position"] == Position.HEAD


def test_the_posts_page_is_audited_and_a_failed_form_writes_nothing(admin_client, clerk, department):
    last = last_event_id()
    response = admin_client.post(reverse("admin:accounts_orgassignment_add"),
                               {"org_unit": department.pk, "user": clerk.pk, "position": "boss"})
    assert response.status_code == 200 and events_after(last) == []
    response = admin_client.post(reverse("admin:accounts_orgassignment_add"),
                               {"org_unit": department.pk, "user": clerk.pk, "position": Position.LIAISON})
    assert response.status_code == 302
    post = OrgAssignment.objects.get(user=clerk)
    (event,) = events_after(last)
    assert event.event_type == "account.assignment_added"
    last = last_event_id()
    response = admin_client.post(reverse("admin:accounts_orgassignment_changelist"), {
        "action": "delete_selected", "_selected_action": [post.pk], "post": "yes"})
    assert response.status_code == 302
    assert [e.event_type for e in events_after(last)] == ["account.assignment_removed"]


def test_django_groups_are_not_offered(admin_client, clerk):
    from django.contrib import admin

    assert not admin.site.is_registered(Group)
    form = admin_client.get(_change_url(clerk)).context["adminform"].form
    assert "groups" not in form.fields and "user_permissions" not in form.fields


# --- API keys and lock-outs ---------------------------------------------------------------------

def test_issuing_and_revoking_an_api_key_is_audited_without_the_key(admin_client, clerk):
    from rest_framework.authtoken.models import Token

    last = last_event_id()
    assert admin_client.post(reverse("admin:authtoken_tokenproxy_add"), {"user": clerk.pk}).status_code == 302
    token = Token.objects.get(user=clerk)
    (event,) = events_after(last)
    assert (event.event_type, event.subject_id) == ("account.api_token_issued", str(clerk.pk))
    assert (event.before, event.after) == ({"api_token": False}, {"api_token": True})
    assert token.key not in f"{event.subject_repr}{event.before}{event.after}"

    last = last_event_id()
    assert admin_client.post(reverse("admin:authtoken_tokenproxy_add"), {"user": clerk.pk}).status_code == 200
    assert events_after(last) == []  # one key per account: the form says so, nothing written

    change = reverse("admin:authtoken_tokenproxy_change", args=[clerk.pk])
    other = UserFactory()
    assert admin_client.post(change, {"user": other.pk}).status_code == 403  # a key does not change hands
    assert admin_client.post(reverse("admin:authtoken_tokenproxy_delete", args=[clerk.pk]),
                           {"post": "yes"}).status_code == 302
    assert not Token.objects.filter(user=clerk).exists()
    (event,) = events_after(last)
    assert (event.event_type, event.after) == ("account.api_token_revoked", {"api_token": False})


def test_clearing_a_lock_out_is_audited(admin_client, clerk):
    from axes.models import AccessAttempt, AccessLog

    attempt = AccessAttempt.objects.create(username=clerk.username, ip_address="10.0.0.8", failures_since_start=5,
                                           user_agent="", http_accept="", path_info="/accounts/login/")
    last = last_event_id()
    response = admin_client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
    assert response.status_code == 302 and not AccessAttempt.objects.exists()
    (event,) = events_after(last)
    assert (event.event_type, event.subject_id) == ("account.lockout_cleared", str(clerk.pk))
    assert event.before == {"username": clerk.username, "ip_address": "10.0.0.8", "failures_since_start": 5}

    log = AccessLog.objects.create(username=clerk.username, ip_address="10.0.0.8", user_agent="", http_accept="",
                                   path_info="/accounts/login/")
    assert admin_client.post(reverse("admin:axes_accesslog_delete", args=[log.pk]), {"post": "yes"}).status_code == 403
    assert AccessLog.objects.filter(pk=log.pk).exists()


def test_a_lock_out_of_a_phone_number_is_masked(admin_client):
    from axes.models import AccessAttempt

    attempt = AccessAttempt.objects.create(username="13812345678", ip_address="10.0.0.9", failures_since_start=5,
                                           user_agent="", http_accept="", path_info="/accounts/login/")
    last = last_event_id()
    services.login_lockout_clear(attempt=attempt, actor=User.objects.get(username="admin"))
    (event,) = events_after(last)
    assert event.subject_repr == "138****5678" and event.before["username"] == "138****5678"

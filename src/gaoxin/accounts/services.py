"""Writes to accounts: a natural person's self-registration (自然人注册) and binding a firm to
the accounts of its founders (企业绑定)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from gaoxin.core.changes import apply_changes, snapshot
from gaoxin.core.masking import mask_id_number, mask_phone
from gaoxin.core.notify import notify
from gaoxin.core.services import audit_record
from gaoxin.core.validators import id_number_problem, normalize_code

from .models import EnterpriseMembership, OrgAssignment, OrgUnit, Role, User

# One answer whether the phone or the ID number is taken, so the form cannot be used to find out
# who has an account (no enumeration); the way out is the log-in page or the window.
ALREADY_REGISTERED = "该手机号或身份证号码不能用于注册。如您已注册，请直接登录；如有疑问，请携带身份证件到政务服务中心窗口办理。"


@transaction.atomic
def user_register_citizen(*, full_name: str, id_number: str, phone: str, password: str) -> User:
    """A natural person registers: real name, resident ID number (check digit verified), mobile
    phone (the log-in name) and a password that passes the configured validators. The account is
    an enterprise-side account without a firm; it can apply as a citizen, e.g. to set up a firm."""
    full_name = (full_name or "").strip()
    id_number = normalize_code(id_number or "")
    phone = "".join((phone or "").split())
    errors = {}
    if not full_name:
        errors["full_name"] = "请填写真实姓名"
    if problem := id_number_problem(id_number):
        errors["id_number"] = problem
    if not (len(phone) == 11 and phone.isdigit() and phone.startswith("1")):
        errors["phone"] = "请填写11位手机号码"
    candidate = User(username=phone, full_name=full_name, phone=phone, id_number=id_number, role=Role.ENTERPRISE)
    try:
        password_validation.validate_password(password, candidate)
    except ValidationError as exc:
        errors["password1"] = exc.messages
    if errors:
        raise ValidationError(errors)
    if User.objects.filter(username__iexact=phone).exists() or User.objects.filter(id_number=id_number).exists():
        raise ValidationError(ALREADY_REGISTERED)
    candidate.set_password(password)
    try:
        with transaction.atomic():
            candidate.save()
    except IntegrityError:  # registered at the same moment by someone else
        raise ValidationError(ALREADY_REGISTERED) from None
    audit_record(event_type="account.registered", actor=candidate, subject=candidate,
                 after={"role": candidate.role, "id_number": mask_id_number(id_number), "phone": mask_phone(phone)})
    return candidate


@transaction.atomic
def founders_bind(*, enterprise, id_number: str, actor, source: str) -> list[User]:
    """Bind a newly registered firm to the self-registered accounts of the person with this
    resident ID number (its founder / legal representative), as the firm's manager. Audited per
    account; each account is told in the app and by SMS after commit. Idempotent."""
    id_number = normalize_code(id_number or "")
    if not id_number:
        return []
    users = list(User.objects.select_for_update().filter(id_number=id_number, role=Role.ENTERPRISE, is_active=True)
                 .exclude(enterprise_memberships__enterprise=enterprise))
    for user in users:
        EnterpriseMembership.objects.create(user=user, enterprise=enterprise, is_manager=True)
        audit_record(event_type="account.enterprise_bound", actor=actor, subject=user,
                     after={"enterprise": enterprise.name, "uscc": enterprise.uscc, "source": source})
    if users:
        _tell_bound(users, enterprise)
    return users


def _tell_bound(users: list[User], enterprise) -> None:
    from django.urls import reverse

    text = (f"您的企业“{enterprise.name}”（统一社会信用代码 {enterprise.uscc}）已登记，并已绑定到您的账号。"
            "现在可以以企业名义在网上办理业务。")
    notify(users, kind="ENTERPRISE_BOUND", message=text, url=reverse("enterprise_detail", args=[enterprise.pk]), sms=True)


# --- administration (/django-admin/): every edit of who is who and who may see what, audited ---------

USER_FIELDS = ("username", "full_name", "email", "phone", "role", "org_unit", "is_active", "is_staff", "is_superuser")
# Fields that decide what a user may see and do: a change of any of them is an access change.
ACCESS_FIELDS = frozenset({"role", "org_unit", "is_staff", "is_superuser"})
ORG_UNIT_FIELDS = ("code", "name", "short_name", "kind", "parent", "address", "phone", "is_active", "sort_order")
MEMBERSHIP_FIELDS = ("user", "enterprise", "is_manager")
ASSIGNMENT_FIELDS = ("org_unit", "user", "position", "since")


def _validate(obj, *, exclude: list[str] | None = None) -> None:
    """The model's own checks (field validators, unique fields and constraints), as the forms run them."""
    obj.full_clean(exclude=exclude)


def _user_snapshot(user: User) -> dict[str, Any]:
    return {**snapshot(user, USER_FIELDS), "usable_password": user.has_usable_password()}


def _user_posts(user: User) -> dict[str, list[str]]:
    return {
        "memberships": [f"{m.enterprise.name}（{m.enterprise.uscc}）" for m in
                        user.enterprise_memberships.select_related("enterprise").order_by("enterprise__name")],
        "assignments": [str(a) for a in user.assignments.select_related("org_unit", "user")],
    }


@transaction.atomic
def user_create(*, actor, username: str, password: str | None, full_name: str = "", role: str = Role.ENTERPRISE,
                org_unit: OrgUnit | None = None, phone: str = "", email: str = "", is_active: bool = True,
                is_staff: bool = False, is_superuser: bool = False) -> User:
    """An administrator opens an account. `password` None: no password log-in (an unusable
    password). The audit event records that a password was set, never the password or its hash."""
    user = User(username=username, full_name=full_name, role=role, org_unit=org_unit, phone=phone, email=email,
                is_active=is_active, is_staff=is_staff, is_superuser=is_superuser)
    if password is None:
        user.set_unusable_password()
    else:
        try:
            password_validation.validate_password(password, user)
        except ValidationError as exc:
            raise ValidationError({"password1": exc.messages}) from None
        user.set_password(password)
    _validate(user)
    user.save()
    audit_record(event_type="account.user_created", actor=actor, subject=user, after=_user_snapshot(user))
    return user


@transaction.atomic
def user_update(*, user: User, actor, changes: Mapping[str, Any]) -> User:
    """Change an account's fields (not its password: `user_set_password`). One audit event with the
    changed fields; activation alone and access changes (role, unit, staff or superuser flag) have
    their own event types so the audit log can be searched for them. Nothing changed: nothing written."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    before, after = apply_changes(locked, changes, allowed=USER_FIELDS)
    if not after:
        return locked
    _validate(locked, exclude=["password"])
    locked.save(update_fields=list(after))
    if set(after) == {"is_active"}:
        event_type = "account.user_activated" if locked.is_active else "account.user_deactivated"
    elif ACCESS_FIELDS & set(after):
        event_type = "account.user_access_changed"
    else:
        event_type = "account.user_changed"
    audit_record(event_type=event_type, actor=actor, subject=locked, before=before, after=after)
    return locked


@transaction.atomic
def user_set_password(*, user: User, actor, password: str | None) -> User:
    """An administrator sets an account's password, or with None turns password log-in off. The
    audit event says which, never the password or its hash. `user` gets the new hash too, so the
    caller can keep its own session when it changed its own password."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    before = {"usable_password": locked.has_usable_password()}
    if password is None:
        locked.set_unusable_password()
    else:
        try:
            password_validation.validate_password(password, locked)
        except ValidationError as exc:
            raise ValidationError({"password1": exc.messages}) from None
        locked.set_password(password)
    locked.save(update_fields=["password"])
    user.password = locked.password
    audit_record(event_type="account.password_set" if password is not None else "account.password_disabled",
                 actor=actor, subject=locked, before=before, after={"usable_password": password is not None})
    return locked


@transaction.atomic
def user_delete(*, user: User, actor) -> None:
    """Delete an account that nothing refers to (a user who ever acted is kept by the audit log's
    protection: deactivate those). Its firm bindings and posts go with it and are in the event."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    before = {**_user_snapshot(locked), **_user_posts(locked)}
    pk, label = locked.pk, str(locked)
    locked.delete()
    audit_record(event_type="account.user_deleted", actor=actor, subject_type=User._meta.label_lower,
                 subject_id=pk, subject_repr=label, before=before)


@transaction.atomic
def org_unit_create(*, actor, values: Mapping[str, Any]) -> OrgUnit:
    unit = OrgUnit()
    _, after = apply_changes(unit, values, allowed=ORG_UNIT_FIELDS)
    _validate(unit)
    unit.save()
    audit_record(event_type="account.org_unit_created", actor=actor, subject=unit,
                 after=snapshot(unit, ORG_UNIT_FIELDS))
    return unit


@transaction.atomic
def org_unit_update(*, org_unit: OrgUnit, actor, changes: Mapping[str, Any]) -> OrgUnit:
    locked = OrgUnit.objects.select_for_update().get(pk=org_unit.pk)
    before, after = apply_changes(locked, changes, allowed=ORG_UNIT_FIELDS)
    if not after:
        return locked
    if "parent" in after and org_unit_is_within(locked.parent, locked):
        raise ValidationError({"parent": "上级机构不能是本机构或其下级机构"})
    _validate(locked)
    locked.save(update_fields=list(after))
    audit_record(event_type="account.org_unit_changed", actor=actor, subject=locked, before=before, after=after)
    return locked


def org_unit_is_within(parent: OrgUnit | None, unit: OrgUnit) -> bool:
    """Whether `parent` is `unit` or one of its sub-units (it cannot then be `unit`'s parent)."""
    while parent is not None:
        if parent.pk == unit.pk:
            return True
        parent = parent.parent
    return False


@transaction.atomic
def org_unit_delete(*, org_unit: OrgUnit, actor) -> None:
    """Delete a unit nobody belongs to (members and sub-units protect it); its posts go with it."""
    locked = OrgUnit.objects.select_for_update().get(pk=org_unit.pk)
    before = {**snapshot(locked, ORG_UNIT_FIELDS),
              "assignments": [str(a) for a in locked.assignments.select_related("org_unit", "user")]}
    pk, label = locked.pk, str(locked)
    locked.delete()
    audit_record(event_type="account.org_unit_deleted", actor=actor, subject_type=OrgUnit._meta.label_lower,
                 subject_id=pk, subject_repr=label, before=before)


def _person(user: User) -> str:
    return f"{user.get_full_name()}（{user.get_username()}）"


def _membership_snapshot(membership: EnterpriseMembership) -> dict[str, Any]:
    return {"enterprise": membership.enterprise.name, "uscc": membership.enterprise.uscc,
            "is_manager": membership.is_manager}


@transaction.atomic
def membership_grant(*, user: User, enterprise, is_manager: bool = False, actor) -> EnterpriseMembership:
    """Bind an account to a firm: it acts for the firm from now on. The event's subject is the account."""
    membership = EnterpriseMembership(user=user, enterprise=enterprise, is_manager=is_manager)
    _validate(membership)
    membership.save()
    audit_record(event_type="account.membership_granted", actor=actor, subject=user,
                 after=_membership_snapshot(membership))
    return membership


@transaction.atomic
def membership_update(*, membership: EnterpriseMembership, actor, changes: Mapping[str, Any]) -> EnterpriseMembership:
    locked = EnterpriseMembership.objects.select_for_update().select_related("user", "enterprise").get(pk=membership.pk)
    old = _membership_snapshot(locked)
    old_user = _person(locked.user)
    _, after = apply_changes(locked, changes, allowed=MEMBERSHIP_FIELDS)
    if not after:
        return locked
    _validate(locked)
    locked.save(update_fields=list(after))
    new = _membership_snapshot(locked)
    before, after = {**old, "user": old_user}, {**new, "user": _person(locked.user)}
    changed = [k for k in before if before[k] != after[k]]
    audit_record(event_type="account.membership_changed", actor=actor, subject=locked.user,
                 before={k: before[k] for k in changed}, after={k: after[k] for k in changed})
    return locked


@transaction.atomic
def membership_revoke(*, membership: EnterpriseMembership, actor) -> None:
    """Unbind an account from a firm: it no longer sees or acts for the firm."""
    locked = EnterpriseMembership.objects.select_for_update().select_related("user", "enterprise").get(pk=membership.pk)
    before = _membership_snapshot(locked)
    user = locked.user
    locked.delete()
    audit_record(event_type="account.membership_revoked", actor=actor, subject=user, before=before)


@transaction.atomic
def assignment_add(*, org_unit: OrgUnit, user: User, position: str, since=None, actor) -> OrgAssignment:
    """Give a person a post in a unit (a station's 1+1+X team, a department's liaison). The event's
    subject is the person."""
    assignment = OrgAssignment(org_unit=org_unit, user=user, position=position, since=since)
    _validate(assignment)
    assignment.save()
    audit_record(event_type="account.assignment_added", actor=actor, subject=user,
                 after=snapshot(assignment, ASSIGNMENT_FIELDS))
    return assignment


@transaction.atomic
def assignment_update(*, assignment: OrgAssignment, actor, changes: Mapping[str, Any]) -> OrgAssignment:
    locked = OrgAssignment.objects.select_for_update().get(pk=assignment.pk)
    before, after = apply_changes(locked, changes, allowed=ASSIGNMENT_FIELDS)
    if not after:
        return locked
    _validate(locked)
    locked.save(update_fields=list(after))
    audit_record(event_type="account.assignment_changed", actor=actor, subject=locked.user,
                 before=before, after=after)
    return locked


@transaction.atomic
def assignment_remove(*, assignment: OrgAssignment, actor) -> None:
    locked = OrgAssignment.objects.select_for_update().select_related("org_unit", "user").get(pk=assignment.pk)
    before = snapshot(locked, ASSIGNMENT_FIELDS)
    user = locked.user
    locked.delete()
    audit_record(event_type="account.assignment_removed", actor=actor, subject=user, before=before)


@transaction.atomic
def api_token_issue(*, user: User, actor):
    """Give an account a key for the JSON API (a DRF token): whoever holds it acts as the account.
    Audited with the account as subject, never the key."""
    from rest_framework.authtoken.models import Token

    if Token.objects.filter(user=user).exists():
        raise ValidationError({"user": "该用户已有接口令牌，如需更换请先删除原令牌"})
    token = Token.objects.create(user=user)
    audit_record(event_type="account.api_token_issued", actor=actor, subject=user,
                 before={"api_token": False}, after={"api_token": True})
    return token


@transaction.atomic
def api_token_revoke(*, user: User, actor) -> None:
    """Take an account's API key away: clients using it are refused from now on."""
    from rest_framework.authtoken.models import Token

    deleted, _ = Token.objects.filter(user=user).delete()
    if deleted:
        audit_record(event_type="account.api_token_revoked", actor=actor, subject=user,
                     before={"api_token": True}, after={"api_token": False})


@transaction.atomic
def login_lockout_clear(*, attempt, actor) -> None:
    """Let a person who was locked out after repeated failed log-ins (django-axes) try again before
    the cool-off ends: the failures recorded for that user name and address are removed."""
    from axes.models import AccessAttempt

    locked = AccessAttempt.objects.select_for_update().get(pk=attempt.pk)
    name = mask_phone(locked.username) if (locked.username or "").isdigit() else locked.username
    user = User.objects.filter(username=locked.username).first()
    before = {"username": name, "ip_address": locked.ip_address, "failures_since_start": locked.failures_since_start}
    locked.delete()
    if user is not None:
        audit_record(event_type="account.lockout_cleared", actor=actor, subject=user, before=before)
    else:
        audit_record(event_type="account.lockout_cleared", actor=actor, subject_type=User._meta.label_lower,
                     subject_id=name, subject_repr=name, before=before)


def password_changed(*, user) -> None:
    """A user changed their own password (the password itself is never recorded)."""
    audit_record(event_type="account.password_changed", actor=user, subject=user)

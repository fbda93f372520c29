"""Writes to accounts: a natural person's self-registration (自然人注册) and binding a firm to
the accounts of its founders (企业绑定)."""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from gaoxin.core.masking import mask_id_number, mask_phone
from gaoxin.core.notify import send_sms
from gaoxin.core.services import audit_record
from gaoxin.core.validators import id_number_problem, normalize_code

from .models import EnterpriseMembership, Role, User

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
    from gaoxin.cases.models import Notification  # the in-app inbox lives with cases

    text = (f"您的企业“{enterprise.name}”（统一社会信用代码 {enterprise.uscc}）已登记，并已绑定到您的账号。"
            "现在可以以企业名义在网上办理业务。")

    def deliver():
        Notification.objects.bulk_create([Notification(user=u, kind="ENTERPRISE_BOUND", message=text) for u in users])
        for user in users:
            send_sms(user.phone, text)

    transaction.on_commit(deliver)

"""Who hears about a case change, in the app and by SMS (through core.notify's backend).
Messages go out after the transaction commits, so a rolled-back change tells nobody."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse

from gaoxin.accounts.models import Role, User
from gaoxin.core.notify import send_sms

from .models import Notification, cn_date

MESSAGES = {
    "SUBMIT": "您的申请（{title}）已收到，办件编号{number}。",
    "ACCEPT": "您的申请（{title}）已受理，办件编号{number}，办结期限{due}。",
    "COMPLETE_CORRECTION": "补正材料已齐，您的申请（{title}）已受理，办结期限{due}。",
    "DEEMED_ACCEPT": "您的申请（{title}）依法视为已受理，办结期限{due}。",
    "ACCEPT_TOLERANCE": "您的申请（{title}）已容缺受理，请于{tolerance_due}补齐材料，办结期限{due}。",
    "REQUEST_CORRECTION": "您的申请（{title}）需要补正材料，请查看补正告知书：{note}",
    "COMPLETE_IMMEDIATE": "您的申请（{title}）已当场办结。欢迎评价。",
    "APPROVE": "您的申请（{title}）已审批通过，请留意领取或送达通知。",
    "REFUSE": "您的申请（{title}）未予许可，理由见办件详情，您可依法申请行政复议或提起行政诉讼。",
    "REFUSE_ACCEPT": "您的申请（{title}）不予受理，理由见不予受理决定书。",
    "DELIVER": "您的办件（{title}）结果已送达。欢迎对本次服务进行评价。",
    "TERMINATE_TOLERANCE": "您的办件（{title}）因容缺材料逾期未补齐，已终止办理。",
    "DUE_SOON": "办件{number}（{title}）将于{due}到期，请及时办理。",
    "TOLERANCE_REMINDER": "请于{tolerance_due}补齐容缺材料（办件{number}，{title}），逾期将终止办理。",
}


def _applicant_users(case) -> list[User]:
    users = {u.pk: u for u in ([case.submitted_by] if case.submitted_by_id else []) if u.role == Role.ENTERPRISE}
    if case.enterprise_id:
        users.update({u.pk: u for u in User.objects.filter(enterprise_memberships__enterprise_id=case.enterprise_id)})
    return list(users.values())


def _text(kind: str, case, note: str = "") -> str:
    return MESSAGES[kind].format(title=case.title, number=case.number,
                                 due=cn_date(case.due_date) if case.due_date else "—",
                                 tolerance_due=case.tolerance_deadline_text or "—", note=note)[:300]


def case_changed(case, kind: str) -> None:
    if kind not in MESSAGES or case.kind == "child" and kind == "SUBMIT":
        return
    note = case.events.last().note if kind == "REQUEST_CORRECTION" else ""
    text = _text(kind, case, note)

    def deliver():
        rows = [Notification(user=u, case=case, kind=kind, message=text) for u in _applicant_users(case)]
        sent = send_sms(case.contact_phone, text)
        rows.append(Notification(case=case, phone=case.contact_phone, kind=kind, message=text, delivered=sent))
        Notification.objects.bulk_create(rows)

    transaction.on_commit(deliver)


def remind(case, kind: str, key: str, users: list[User] | None = None) -> None:
    """Reminders from the daily sweep; `key` makes them one per case, kind and day."""
    text = _text(kind, case)
    recipients = users if users is not None else _applicant_users(case)
    rows = [Notification(user=u, case=case, kind=kind, message=text, key=key) for u in recipients]
    if kind == "TOLERANCE_REMINDER":  # the applicant also gets an SMS; staff reminders stay in the app
        rows.append(Notification(case=case, phone=case.contact_phone, kind=kind, message=text, key=key,
                                 delivered=send_sms(case.contact_phone, text)))
    Notification.objects.bulk_create(rows)


def bad_review(case) -> None:
    officers = list(User.objects.filter(role=Role.DEPT_OFFICER, org_unit_id=case.department_id, is_active=True))
    url = reverse("rectification_list")
    text = f"办件{case.number}（{case.title}）收到差评，请在整改期限内处理：{url}"

    def deliver():
        Notification.objects.bulk_create([Notification(user=u, case=case, kind="BAD_REVIEW", message=text)
                                          for u in officers])

    transaction.on_commit(deliver)

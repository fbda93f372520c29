"""Who hears about a case, through the kernel's notifier (core.notify.notify: an inbox message linking to
the case page, SMS through the pluggable back-end, after commit, so a rolled-back change tells nobody).

- The applicant: every step they must know of, in the app and by SMS to the contact phone given.
- The window (clerks and administrators): a new online application in their intake queue.
- The handling department's officers: a case accepted into their review queue, a withdrawal to confirm,
  a 差评 to rectify; deadlines close by (the officer of the case, else the department).
- The applicant again when the 差评 is answered (整改 / 解释说明)."""

from __future__ import annotations

from django.urls import reverse

from gaoxin.accounts.models import Role, User
from gaoxin.core.notify import notify

from .models import Kind, deadline_text

MESSAGES = {
    "SUBMIT": "您的申请（{title}）已收到，办件编号{number}。",
    "ACCEPT": "您的申请（{title}）已受理，办件编号{number}，办结期限为{due}。",
    "COMPLETE_CORRECTION": "补正材料已齐，您的申请（{title}）已受理，办结期限为{due}。",
    "DEEMED_ACCEPT": "您的申请（{title}）依法视为已受理，办结期限为{due}。",
    "ACCEPT_TOLERANCE": "您的申请（{title}）已容缺受理，请于{tolerance_due}补齐材料，办结期限为{due}。",
    "REQUEST_CORRECTION": "您的申请（{title}）需要补正材料，请查看补正告知书：{note}",
    "COMPLETE_IMMEDIATE": "您的申请（{title}）已当场办结。欢迎评价。",
    "APPROVE": "您的申请（{title}）已审批通过，请留意领取或送达通知。",
    "REFUSE": "您的申请（{title}）未予许可，理由见办件详情，您可依法申请行政复议或提起行政诉讼。",
    "REFUSE_ACCEPT": "您的申请（{title}）不予受理，理由见不予受理决定书。",
    "DELIVER": "您的办件（{title}）结果已送达。欢迎对本次服务进行评价。",
    "TERMINATE_TOLERANCE": "您的办件（{title}）因容缺材料逾期未补齐，已终止办理。",
    "DUE_SOON": "办件{number}（{title}）的办结期限为{due}，即将到期，请及时办理。",
    "TOLERANCE_REMINDER": "请于{tolerance_due}补齐容缺材料（办件{number}，{title}），逾期将终止办理。",
}
# Work that arrives in someone's queue (kind: message).
ARRIVED = {
    "CASE_ONLINE": "新的网上申请待受理：{title}（{applicant}，办件编号{number}）。",
    "CASE_ARRIVED": "新办件待审查：{title}（{applicant}，办件编号{number}），办结期限为{due}。",
    "WITHDRAWAL_REQUESTED": "申请人申请撤回办件{number}（{title}），请确认。",
}
# Transitions after which the case waits in the department's review queue.
INTO_REVIEW = {"ACCEPT", "COMPLETE_CORRECTION", "DEEMED_ACCEPT", "ACCEPT_TOLERANCE"}
ONLINE_CHANNELS = {"web", "mobile"}


def case_url(case) -> str:
    return reverse("case_detail", args=[case.number])


def applicant_users(case) -> list[User]:
    """The applicant's accounts: who filed it as an enterprise user, and the users of the applying firm."""
    users = {}
    if case.submitted_by_id and case.submitted_by.role == Role.ENTERPRISE:
        users[case.submitted_by_id] = case.submitted_by
    if case.enterprise_id:
        users.update({u.pk: u for u in User.objects.filter(enterprise_memberships__enterprise_id=case.enterprise_id,
                                                           is_active=True)})
    return list(users.values())


def department_officers(case) -> list[User]:
    return list(User.objects.filter(role=Role.DEPT_OFFICER, org_unit_id=case.department_id, is_active=True))


def window_clerks() -> list[User]:
    return list(User.objects.filter(role__in=[Role.WINDOW_CLERK, Role.ZONE_ADMIN], is_active=True))


def _text(template: str, case, note: str = "") -> str:
    return template.format(title=case.title, number=case.number, applicant=case.applicant_name,
                           due=deadline_text(case.due_date) or "—",
                           tolerance_due=case.tolerance_deadline_text or "—", note=note)


def tell_applicant(case, kind: str, message: str, *, key: str = "") -> None:
    """In the app to the applicant's accounts, by SMS to the contact phone on the case."""
    url = case_url(case)
    notify(applicant_users(case), message=message, url=url, kind=kind, key=key)
    if case.contact_phone:
        notify(message=message, url=url, kind=kind, sms=True, phones=[case.contact_phone], key=key)


def case_changed(case, kind: str) -> None:
    """After a submission or a transition of the case table."""
    if kind == "SUBMIT" and case.kind != Kind.CHILD and case.channel in ONLINE_CHANNELS:
        notify(window_clerks(), kind="CASE_ONLINE", url=case_url(case), message=_text(ARRIVED["CASE_ONLINE"], case))
    if kind in INTO_REVIEW and case.kind != Kind.PACKAGE:
        notify(department_officers(case), kind="CASE_ARRIVED", url=case_url(case),
               message=_text(ARRIVED["CASE_ARRIVED"], case))
    if kind == "REQUEST_WITHDRAWAL":
        notify(department_officers(case), kind="WITHDRAWAL_REQUESTED", url=case_url(case),
               message=_text(ARRIVED["WITHDRAWAL_REQUESTED"], case))
    if kind not in MESSAGES or case.kind == Kind.CHILD and kind == "SUBMIT":
        return
    note = case.events.last().note if kind == "REQUEST_CORRECTION" else ""
    tell_applicant(case, kind, _text(MESSAGES[kind], case, note))


def remind(case, kind: str, key: str) -> None:
    """Reminders from the daily sweep; `key` (day and case) makes them one per case, kind and day.
    DUE_SOON goes to the officer of the case (else its department's officers), in the app only;
    TOLERANCE_REMINDER to the applicant, also by SMS."""
    message = _text(MESSAGES[kind], case)
    if kind == "TOLERANCE_REMINDER":
        tell_applicant(case, kind, message, key=key)
        return
    staff = [case.officer] if case.officer_id else department_officers(case)
    notify(staff, message=message, url=case_url(case), kind=kind, key=key)


def bad_review(case, due) -> None:
    notify(department_officers(case), kind="BAD_REVIEW", url=reverse("rectification_list"),
           message=f"办件{case.number}（{case.title}）收到差评，请于{deadline_text(due)}完成整改。")


def rectification_changed(rect, name: str) -> None:
    """The 差评's answer goes back to the applicant (§9: feedback to the evaluator)."""
    if name not in ("RECTIFY", "EXPLAIN"):
        return
    case = rect.review.case
    verb = "已整改" if name == "RECTIFY" else "已作出解释说明"
    tell_applicant(case, "RECTIFICATION", f"您对办件{case.number}（{case.title}）的评价，承办部门{verb}：{rect.measures[:120]}")

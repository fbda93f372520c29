"""Who is told about an appeal (诉求), through the kernel's notifier (after commit, with a link).

The centre hears of new appeals and return requests; the lead and cooperating departments of their
dispatch and of urging; the lead of cooperating reports, reopening and the firm's verdict; the firm of
every step, and by SMS of the answer."""

from __future__ import annotations

from django.urls import reverse

from gaoxin.accounts.models import Role, User
from gaoxin.core.notify import notify

from .models import Appeal


def _centre() -> list[User]:
    return list(User.objects.filter(is_active=True, role__in=[Role.ZONE_ADMIN, Role.WINDOW_CLERK]))


def _officers(unit_ids) -> list[User]:
    return list(User.objects.filter(is_active=True, role=Role.DEPT_OFFICER, org_unit_id__in=list(unit_ids)))


def _firm(appeal: Appeal) -> list[User]:
    """The party who raised it: the firm's users, or the talent's own log-in (人才服务)."""
    if appeal.talent_id:
        return list(User.objects.filter(is_active=True, role=Role.TALENT, talent__pk=appeal.talent_id))
    return list(User.objects.filter(is_active=True, role=Role.ENTERPRISE,
                                    enterprise_memberships__enterprise_id=appeal.enterprise_id))


def appeal_submitted(appeal: Appeal) -> None:
    notify(_centre(), kind="APPEAL_NEW", url=reverse("appeal_detail", args=[appeal.number]),
           message=f"新诉求待派单：{appeal.title}（{appeal.party_name}，编号{appeal.number}）")


def appeal_changed(appeal: Appeal, step) -> None:
    name = step.transition.name
    url = reverse("appeal_detail", args=[appeal.number])
    subject = f"诉求“{appeal.title}”（编号{appeal.number}）"
    if name in ("DISPATCH", "REASSIGN"):
        due = f"，请于{appeal.respond_by:%Y年%-m月%-d日}前签收" if appeal.respond_by else ""
        notify(_officers([appeal.lead_id]), kind="APPEAL_DISPATCHED", url=url,
               message=f"{subject}已派给本单位主办{due}。")
        coop = [c.pk for c in appeal.cooperating.all()]
        if coop:
            notify(_officers(coop), kind="APPEAL_DISPATCHED", url=url, message=f"{subject}需要本单位协办。")
    elif name == "REQUEST_RETURN":
        notify(_centre(), kind="APPEAL_RETURN", url=url, message=f"{subject}的主办单位申请退单，请审核。")
    elif name in ("URGE", "COOP_REPORT", "REOPEN", "CONFIRM"):
        words = {"URGE": f"被{appeal.supervision}，请尽快办理", "COOP_REPORT": "收到协办单位意见",
                 "REOPEN": "企业不满意，要求重办", "CONFIRM": "企业已确认办结并评价"}[name]
        notify(_officers([appeal.lead_id]), kind=f"APPEAL_{name}", url=url, message=f"{subject}{words}。")
    # The firm hears of every step; the answer also by SMS to the contact given.
    label = step.transition.label.split("（")[0]
    answer = name == "RESOLVE"
    notify(_firm(appeal), kind="APPEAL_STEP", url=url, sms=answer,
           phones=[appeal.contact_phone] if answer else (),
           message=f"您的{subject}进展：{label}。" + (f"答复：{appeal.resolution[:120]}" if answer else ""))

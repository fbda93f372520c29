"""Who is told what in 人才服务保障 (through core.notify, after commit): a talent of its offer, lease and exit; the
office and the talent of a lease about to expire; a leader of a pairing assigned and of contacts overdue."""

from __future__ import annotations

from django.urls import reverse

from gaoxin.core.notify import notify


def office_users():
    from django.conf import settings

    from gaoxin.accounts.models import Role, User

    return User.objects.filter(role=Role.DEPT_OFFICER, is_active=True,
                               org_unit__code__in=settings.GAOXIN_TALENT_DEPARTMENT_CODES)


def _talent_user(talent):
    return [talent.user] if talent.user_id and talent.user.is_active else []


def application_changed(application, step) -> None:
    name = step.transition.name
    if name == "OFFER":
        notify(_talent_user(application.talent), kind="talentcare_offer", url=reverse("talentcare_me"), sms=True,
               message=f"您申请的人才公寓已配租：{application.unit}，请与人才办联系签约。")
    elif name == "SIGN":
        notify(_talent_user(application.talent), kind="talentcare_lease", url=reverse("talentcare_me"),
               message=f"人才公寓租约已签订：{application.unit}。")
    elif name in ("DECLINE", "WITHDRAW") and "talent" in step.roles and "office" not in step.roles:
        notify(office_users(), kind="talentcare_application",
               url=reverse("talentcare_application", args=[application.pk]),
               message=f"{application.talent.name}{'放弃了本次配租' if name == 'DECLINE' else '撤回了人才公寓申请'}。")


def application_submitted(application) -> None:
    notify(office_users(), kind="talentcare_application", url=reverse("talentcare_application", args=[application.pk]),
           message=f"{application.talent.name}申请人才公寓（{application.rooms_wanted}居室），已进入排队。")


def lease_changed(lease, step) -> None:
    if step.transition.name == "RENEW":
        message = f"您的人才公寓租约已续租至{lease.end_on:%Y年%m月%d日}。"
    else:
        message = f"您已办理人才公寓退租（{lease.unit}）。"
    notify(_talent_user(lease.talent), kind="talentcare_lease", url=reverse("talentcare_me"), message=message)


def lease_expiring(lease) -> None:
    message = f"人才公寓{lease.unit}（{lease.talent.name}）的租约将于{lease.end_on:%Y年%m月%d日}到期，请办理续租或退租。"
    key = f"lease:{lease.pk}:{lease.end_on}"
    notify(office_users(), kind="talentcare_expiry", url=reverse("talentcare_lease", args=[lease.pk]), message=message,
           key=key)
    notify(_talent_user(lease.talent), kind="talentcare_expiry", url=reverse("talentcare_me"), message=message, key=key)


def pairing_assigned(pairing) -> None:
    notify([pairing.leader], kind="talentcare_pairing", url=reverse("talentcare_pairing", args=[pairing.pk]),
           message=f"您已被安排结对联系人才{pairing.talent.name}，请定期联系并记录。")
    notify(_talent_user(pairing.talent), kind="talentcare_pairing", url=reverse("talentcare_me"),
           message=f"{pairing.leader.get_full_name()}将作为您的结对联系领导。")


def contact_overdue(pairing, last) -> None:
    since = f"上次联系为{last:%Y年%m月%d日}" if last else "结对后尚未联系"
    notify([pairing.leader], kind="talentcare_contact_due", url=reverse("talentcare_pairing", args=[pairing.pk]),
           message=f"结对联系人才{pairing.talent.name}已较长时间未联系（{since}）。", key=f"pairing:{pairing.pk}:{last}")

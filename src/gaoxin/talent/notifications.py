"""Who is told what in the talent room (through core.notify, after commit)."""

from __future__ import annotations

from django.urls import reverse

from gaoxin.core.notify import notify


def firm_users(enterprise_id: int):
    from gaoxin.accounts.models import Role, User

    return User.objects.filter(role=Role.ENTERPRISE, is_active=True, enterprise_memberships__enterprise_id=enterprise_id)


def office_users():
    from django.conf import settings

    from gaoxin.accounts.models import Role, User

    return User.objects.filter(role=Role.DEPT_OFFICER, is_active=True,
                               org_unit__code__in=settings.GAOXIN_TALENT_DEPARTMENT_CODES)


def demand_posted(demand) -> None:
    url = reverse("talent_demand", args=[demand.number])
    if demand.source != "enterprise":
        notify(firm_users(demand.enterprise_id), message=f"已为贵企业登记用工需求“{demand.post}”{demand.quantity}人",
               url=url, kind="talent_demand")
    if demand.urgency == "urgent":
        notify(office_users(), message=f"{demand.enterprise.name}急需“{demand.post}”{demand.quantity}人",
               url=url, kind="talent_demand")


def hire_recorded(hire) -> None:
    if hire.status == "recorded":
        notify(firm_users(hire.demand.enterprise_id), message=f"请确认{hire.name}已到岗“{hire.demand.post}”",
               url=reverse("talent_demand", args=[hire.demand.number]), kind="talent_hire")


def hire_changed(hire, step) -> None:
    if step.transition.name in ("CONFIRM", "REJECT") and hire.recorded_by_id and hire.recorded_by.is_active:
        verb = "确认" if step.transition.name == "CONFIRM" else "否认"
        notify([hire.recorded_by], message=f"{hire.demand.enterprise.name}{verb}了{hire.name}到岗",
               url=reverse("talent_demand", args=[hire.demand.number]), kind="talent_hire")


def retention_due(hire, which: str) -> None:
    notify(firm_users(hire.demand.enterprise_id), message=f"请回访确认{hire.name}（{hire.demand.post}）是否仍在岗（{which}）",
           url=reverse("talent_demand", args=[hire.demand.number]), kind="talent_retention",
           key=f"hire:{hire.pk}:{which}")


def agreement_expiring(agreement) -> None:
    url = reverse("talent_agreement", args=[agreement.pk])
    message = f"校企合作协议“{agreement.title}”将于{agreement.expires_on:%Y年%m月%d日}到期，请确认是否续签"
    notify([*office_users(), *firm_users(agreement.enterprise_id)], message=message, url=url,
           kind="talent_agreement", key=f"agreement:{agreement.pk}:{agreement.expires_on}")

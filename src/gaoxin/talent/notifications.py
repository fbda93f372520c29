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


# --- talent registry and recognition rounds ----------------------------------------------------------------------


def _talent_users(*talents):
    return [t.user for t in talents if t.user_id and t.user.is_active]


def recognition_changed(recognition, step) -> None:
    if step.transition.name == "REVOKE":
        message = f"您的“{recognition.title}”认定已撤销：{step.reason}"
    else:
        message = f"您的“{recognition.title}”认定已于{recognition.valid_to:%Y年%m月%d日}到期"
    notify(_talent_users(recognition.talent), message=message, url=reverse("talent_me"), kind="talent_recognition")


def application_submitted(application) -> None:
    notify(office_users(), message=f"{application.talent.name}申报“{application.round.title}”，请形式审查",
           url=reverse("talent_application", args=[application.pk]), kind="talent_round")


def application_changed(application, step) -> None:
    url = reverse("talent_application", args=[application.pk])
    name = step.transition.name
    if name == "RESUBMIT":
        application_submitted(application)
        return
    words = {"PASS_CHECK": "通过形式审查，进入专家评审", "RETURN": f"被退回补正：{step.reason}",
             "REJECT": f"形式审查不通过：{step.reason}", "CONCLUDE": f"评审结论：{application.get_status_display()}",
             "OVER_QUOTA": f"超出认定名额，未通过：{step.reason}", "DISQUALIFY": f"公示异议成立，不予认定：{step.reason}"}
    notify(_talent_users(application.talent), message=f"您在“{application.round.title}”的申报{words[name]}",
           url=url, kind="talent_round", sms=name in ("RETURN", "REJECT", "CONCLUDE"))
    if name == "PASS_CHECK" and application.round.status == "review":
        reviewers_told(application.round)


def reviewers_told(round) -> None:
    notify(list(round.reviewers.filter(is_active=True)), message=f"“{round.title}”有待评审的申报，请评分",
           url=reverse("talent_round", args=[round.pk]), kind="talent_review", key=f"round:{round.pk}:review")


def review_over(round) -> None:
    """The round left review: the reviewers' "…有待评审的申报，请评分" notices are no longer true; mark them read
    (after commit, as the notices themselves are sent)."""
    from django.db import transaction
    from django.utils import timezone

    from gaoxin.core.models import Notification

    transaction.on_commit(lambda: Notification.objects.filter(
        kind="talent_review", key=f"round:{round.pk}:review", read_at__isnull=True).update(read_at=timezone.now()))


def all_scored(application) -> None:
    """Every reviewer has scored an application: the talent office may conclude it (once per application)."""
    notify(office_users(), message=f"“{application.round.title}”中{application.talent.name}的申报已由全部评审专家评分，"
                                   "可作评审结论", url=reverse("talent_application", args=[application.pk]),
           kind="talent_round", key=f"application:{application.pk}:scored")


def round_changed(round, step) -> None:
    from .models import ApplicationStatus

    url = reverse("talent_round", args=[round.pk])
    if step.transition.name == "CLOSE":
        if round.applications.filter(status=ApplicationStatus.CHECKED).exists():
            reviewers_told(round)
        return
    passed = round.applications.filter(status=ApplicationStatus.PASSED).select_related("talent__user")
    if step.transition.name == "PUBLISH_NOTICE":
        review_over(round)
        message = f"“{round.title}”拟认定名单公示至{round.notice_end:%Y年%m月%d日}"
        notify(_talent_users(*[a.talent for a in passed]), message=message,
               url=reverse("talent_round_notice", args=[round.pk]), kind="talent_round")
    elif step.transition.name == "RECOGNISE":
        notify(_talent_users(*[a.talent for a in passed]),
               message=f"您已被认定为“{round.talent_title}”（{round.title}）", url=reverse("talent_me"),
               kind="talent_round", sms=True)
        notify(office_users(), message=f"“{round.title}”已完成认定", url=url, kind="talent_round")


def objection_filed(objection) -> None:
    notify(office_users(), message=f"“{objection.application.round.title}”公示收到对{objection.application.talent.name}的异议",
           url=reverse("talent_round", args=[objection.application.round_id]), kind="talent_objection")


def objection_decided(objection, step) -> None:
    verb = "成立" if step.transition.name == "UPHOLD" else "不成立"
    notify([objection.filed_by] if objection.filed_by.is_active else [],
           message=f"您对“{objection.application.round.title}”公示提出的异议经核查{verb}：{objection.answer}",
           url=reverse("talent_round_notice", args=[objection.application.round_id]), kind="talent_objection")

"""Who is told what in the competitions room (through core.notify, after commit): the firm's users when it is invited;
the officer who invited it when the firm itself registers, declines or withdraws."""

from __future__ import annotations

from django.urls import reverse

from gaoxin.core.notify import notify


def _url(registration) -> str:
    return reverse("competition_registration", args=[registration.pk])


def invited(registration) -> None:
    from .permissions import firm_users

    edition = registration.edition
    closes = (f"，请于{edition.registration_closes_on:%Y年%m月%d日}前答复" if edition.registration_closes_on else "")
    notify(firm_users(registration.enterprise_id), kind="competition_invite", url=_url(registration),
           message=f"科技局邀请{registration.enterprise.name}参加{edition.name}（{registration.get_group_display()}）"
                   f"{closes}。")


def changed(registration, step) -> None:
    """The inviting officer hears of what the firm did itself."""
    if "firm" in step.roles and "office" not in step.roles and step.transition.name in ("REGISTER", "DECLINE",
                                                                                          "WITHDRAW"):
        notify([registration.invited_by], kind="competition_registration", url=_url(registration),
               message=f"{registration.enterprise.name}：{step.transition.label}（{registration.edition.name}）。")


def _round_url(round) -> str:
    return reverse("competition_round_notice", args=[round.pk])


def round_changed(round, step) -> None:
    """Every entry's firm hears that the results are on notice (with the last day to object), then that they are
    final."""
    from .permissions import firm_users

    results = list(round.results.select_related("registration__enterprise"))
    for result in results:
        firm = result.registration.enterprise
        if step.transition.name == "PUBLISH":
            text = (f"{round.edition.name}“{round.name}”评审结果公示至{round.notice_end:%Y年%m月%d日}，"
                    f"{firm.name}名列第{result.rank}名；如有异议请在公示期内提出。")
        else:
            text = (f"{round.edition.name}“{round.name}”评审结果已确定：{firm.name}"
                    + (f"名列第{result.rank}名。" if result.rank else "未列入名次。"))
        notify(firm_users(firm.pk), kind="competition_results", url=_round_url(round), message=text)


def objection_filed(objection) -> None:
    from .permissions import office_users

    result = objection.result
    notify(office_users(), kind="competition_objection", url=reverse("competition_round", args=[result.round_id]),
           message=f"“{result.round.name}”评审结果公示收到对{result.registration.enterprise.name}的异议，请核查。")


def objection_decided(objection, step) -> None:
    result = objection.result
    notify([objection.filed_by], kind="competition_objection", url=_round_url(result.round),
           message=f"您对“{result.round.name}”中{result.registration.enterprise.name}的异议：{step.transition.label}。"
                   f"核查结论：{objection.answer}")


def awarded(award) -> None:
    from .permissions import firm_users

    registration = award.registration
    notify(firm_users(registration.enterprise_id), kind="competition_award",
           url=reverse("competition_registration", args=[registration.pk]),
           message=f"{registration.enterprise.name}获{registration.edition.name}{award.level.name}，已记入企业画像。")


def _follow_up_text(follow_up) -> str:
    registration = follow_up.award.registration
    return (f"{registration.enterprise.name}获{registration.edition.name}{follow_up.award.level.name}已满"
            f"{follow_up.months}个月，请填报投资机构对接和融资情况。")


def follow_up_due(follow_up) -> None:
    from .permissions import firm_users, office_users

    url = reverse("competition_follow_up", args=[follow_up.pk])
    notify(firm_users(follow_up.award.registration.enterprise_id) + office_users(), kind="competition_follow_up",
           url=url, message=_follow_up_text(follow_up), key=f"competition-follow-up-{follow_up.pk}")


def follow_up_recorded(follow_up) -> None:
    from .permissions import office_users

    registration = follow_up.award.registration
    notify(office_users(), kind="competition_follow_up", url=reverse("competition_follow_up", args=[follow_up.pk]),
           message=f"{registration.enterprise.name}已填报获奖{follow_up.months}个月跟踪：对接投资机构"
                   f"{follow_up.investor_contacts}家，新增融资{follow_up.financing}万元。")


def judge_added(judge) -> None:
    round = judge.round
    notify([judge.user], kind="competition_judge", url=reverse("competition_round", args=[round.pk]),
           message=f"您已被聘为{round.edition.name}“{round.name}”的{judge.get_kind_display()}评委，请按评分细则为参赛项目评分。")


def notice_sent(sent, registration) -> None:
    from .permissions import firm_users

    notify(firm_users(registration.enterprise_id), kind="competition_notice",
           url=reverse("competition_registration", args=[registration.pk]),
           message=f"{sent.edition.name}：{sent.title}。{sent.body}"[:300])


def session_invited(session, registration) -> None:
    from .permissions import firm_users

    where = f"，地点：{session.place}" if session.place else ""
    notify(firm_users(registration.enterprise_id), kind="competition_session",
           url=reverse("competition_session", args=[session.pk]),
           message=f"请{registration.enterprise.name}参加{session.edition.name}{session.get_kind_display()}"
                   f"“{session.title}”（{session.held_on:%Y年%m月%d日}{where}）。")


def feedback_recorded(row) -> None:
    from .permissions import firm_users

    registration = row.registration
    notify(firm_users(registration.enterprise_id), kind="competition_feedback",
           url=reverse("competition_session", args=[row.session_id]),
           message=f"{row.expert}对{registration.enterprise.name}在“{row.session.title}”中的辅导意见已登记，请查看。")

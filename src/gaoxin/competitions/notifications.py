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

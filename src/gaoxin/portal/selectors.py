"""Reads for the public pages: notices of other rooms gathered through their own selectors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.urls import reverse
from django.utils.timezone import localdate

from gaoxin.accounts.models import OrgKind, OrgUnit
from gaoxin.benefits.selectors import publicity_by_policy
from gaoxin.catalog.models import Bundle
from gaoxin.evaluation.models import CycleStatus
from gaoxin.evaluation.selectors import public_cycles
from gaoxin.news.selectors import public_notices as news_notices
from gaoxin.talent.selectors import rounds_on_notice


@dataclass(frozen=True)
class Notice:
    kind: str
    title: str
    url: str
    on: date | None = None
    note: str = ""


def public_notices(limit: int | None = None) -> list[Notice]:
    """Evaluation results on notice (公示) or released (公告), policy awards on notice and the talent recognition
    rounds' 拟认定人选 on notice."""
    notices = []
    for cycle in public_cycles()[:limit] if limit else public_cycles():
        on_notice = cycle.status in (CycleStatus.PUBLIC_NOTICE, CycleStatus.OBJECTION_RESOLUTION)
        name = str(cycle) if "亩产" in str(cycle) else f"{cycle}亩产效益综合评价"
        notices.append(Notice(
            kind="亩产效益评价", title=f"{name}结果{'公示' if on_notice else '公告'}",
            url=reverse("evaluation_notice", args=[cycle.pk]), on=cycle.notice_end if on_notice else None,
            note="试评价，结果仅供参考" if cycle.trial else ("公示期内可提出异议" if on_notice else "已正式发布")))
    rows = publicity_by_policy()
    for row in rows[:limit] if limit else rows:
        notices.append(Notice(
            kind="惠企政策兑现", title=f"{row['policy__title']} 兑现公示", on=row["notice_end"],
            url=reverse("policy_publicity", args=[row["policy__code"]]),
            note=f"{row['policy__issuer__name']} · {row['firms']} 家企业"))
    rounds = rounds_on_notice()
    for round in rounds[:limit] if limit else rounds:
        notices.append(Notice(
            kind="人才认定", title=f"{round.title}拟认定人选公示", on=round.notice_end,
            url=reverse("talent_round_notice", args=[round.pk]),
            note=f"“{round.talent_title.name}” · 公示期内可提出异议"))
    for article in news_notices(limit):  # 云资讯: the published notices for everyone
        notices.append(Notice(kind="通知公告", title=article.title, url=reverse("news_detail", args=[article.pk]),
                              note=f"{article.department.name} · {_day(article.published_at)}发布"))
    return notices[:limit] if limit else notices


def _day(moment) -> str:
    day = localdate(moment)
    return f"{day.year}年{day.month}月{day.day}日"


def published_bundles():
    return Bundle.objects.filter(is_published=True).select_related("zone")


def centre() -> OrgUnit | None:
    """The service centre, for its address and phone on public pages."""
    return OrgUnit.objects.filter(kind=OrgKind.CENTRE).first()

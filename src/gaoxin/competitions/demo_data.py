"""The demo zone's innovation competition: the science and technology bureau's edition of the 中国创新创业大赛 (the
five national tracks, the local rounds and a zone roadshow, award levels)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from . import services

TRACKS = [("新一代信息技术", 4), ("高端装备制造", 6), ("新材料", 6), ("生物医药", 3), ("新能源、新能源汽车、节能环保", 5)]
STAGES = [("报名", "local", None), ("初赛（商业计划书网评）", "local", 40), ("复赛（“8+7”现场答辩）", "local", 20),
          ("区内路演评审", "zone", 10), ("全国赛", "national", None)]
AWARDS = [("一等奖", 1), ("二等奖", 2), ("三等奖", 3), ("优秀企业", 6)]


REGISTERED = 22  # 濮阳: 22 HNTE and 科技型中小企业 organised for the national and provincial competitions
CHECKED = 12
PROJECTS = ["智能检测装备", "高性能复合材料", "工业互联网平台", "新型储能系统", "精密减速器", "生物医用材料", "氢燃料电池部件",
            "高端轴承", "半导体封装材料", "智慧能源管理系统", "特种电缆", "医疗影像设备"]


def build_demo_competitions(*, office, today: dt.date, enterprise_firm=None, judges=()) -> dict:
    """The bureau's edition; the first candidates of the pool invited, 22 of them registered in the five tracks (the
    first 12 with their eligibility checked), one declined; the demo enterprise's firm invited and not yet answered
    (its user answers it on the registration page)."""
    from .models import Registration
    from .selectors import candidate_pool
    from .workflow import REGISTRATION_WORKFLOW

    edition = services.edition_create(
        actor=office, code=f"cxcy-{today.year}", name=f"{today.year}年中国创新创业大赛（湘潭高新区赛区）", year=today.year,
        organiser="湘潭高新区科技局", registration_closes_on=max(today, timezone.localdate()) + dt.timedelta(days=20), startup_quota=8,
        growth_quota=14, tracks=TRACKS, stages=STAGES, award_levels=AWARDS)
    candidates = [a.firm_id for a in candidate_pool(edition=edition).candidates
                  if enterprise_firm is None or a.firm_id != enterprise_firm.pk][:REGISTERED + 4]
    services.registrations_invite(actor=office, edition=edition, enterprise_ids=candidates)
    tracks = list(edition.tracks.all())
    invited = list(Registration.objects.filter(edition=edition).select_related("edition", "enterprise", "invited_by")
                   .order_by("enterprise__name", "pk"))
    for n, registration in enumerate(invited[:REGISTERED]):
        # Registered on the official site (www.cxcyds.com); the bureau records it.
        registration = REGISTRATION_WORKFLOW.apply(registration, "REGISTER", actor=office, track=tracks[n % len(tracks)],
                                                   project=PROJECTS[n % len(PROJECTS)])
        if n < CHECKED:
            REGISTRATION_WORKFLOW.apply(registration, "CHECK", actor=office)
    if len(invited) > REGISTERED:
        REGISTRATION_WORKFLOW.apply(invited[REGISTERED], "DECLINE", actor=office,
                                    reason="企业电话答复：今年集中精力开展新产品量产，暂不参赛")
    if judges:
        _judged_round(office=office, edition=edition, judges=judges)
    if enterprise_firm is not None and enterprise_firm.registered_on is not None:
        services.registrations_invite(actor=office, edition=edition, enterprise_ids=[enterprise_firm.pk])
    return {"editions": 1, "edition": edition, "registered": min(len(invited), REGISTERED)}


def _judged_round(*, office, edition, judges) -> None:
    """A zone roadshow judged by a technical and two investment judges (rank scores); the last judge works for the
    first checked firm and is refused it (回避)."""
    from decimal import Decimal

    from .selectors import round_entries

    technical, *investors = judges
    round = services.round_create(
        actor=office, edition=edition, name="区内路演评审（“8+7”）", method="rank", judges_per_entry=3,
        mix={"technical": 1, "investment": 2}, tie_break="tech desc, key asc",
        criteria=[("tech", "技术创新性", Decimal("0.4"), Decimal(100)), ("market", "市场前景", Decimal("0.3"), Decimal(100)),
                  ("team", "团队与路演", Decimal("0.3"), Decimal(10))])
    entries = list(round_entries(round))
    services.judge_add(actor=office, round=round, user=technical, kind="technical")
    for n, user in enumerate(investors):
        employer = entries[0].enterprise if n == len(investors) - 1 and entries else None
        services.judge_add(actor=office, round=round, user=user, kind="investment", employer=employer)
    for j, user in enumerate([technical, *investors]):
        for i, entry in enumerate(entries):
            if j == len(investors) and i == 0:
                continue  # refused: the judge's employer
            services.score_submit(actor=user, round=round, registration=entry,
                                  marks={"tech": 60 + (i * 7 + j * 3) % 35, "market": 55 + (i * 5 + j * 11) % 40,
                                         "team": 5 + (i + j) % 5})

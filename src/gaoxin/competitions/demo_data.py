"""The demo zone's innovation competition: the science and technology bureau's edition of the 中国创新创业大赛 (the
five national tracks, the local rounds and a zone roadshow, award levels)."""

from __future__ import annotations

import datetime as dt

from . import services

TRACKS = [("新一代信息技术", 4), ("高端装备制造", 6), ("新材料", 6), ("生物医药", 3), ("新能源、新能源汽车、节能环保", 5)]
STAGES = [("报名", "local", None), ("初赛（商业计划书网评）", "local", 40), ("复赛（“8+7”现场答辩）", "local", 20),
          ("区内路演评审", "zone", 10), ("全国赛", "national", None)]
AWARDS = [("一等奖", 1), ("二等奖", 2), ("三等奖", 3), ("优秀企业", 6)]


def build_demo_competitions(*, office, today: dt.date) -> dict:
    edition = services.edition_create(
        actor=office, code=f"cxcy-{today.year}", name=f"{today.year}年中国创新创业大赛（湘潭高新区赛区）", year=today.year,
        organiser="湘潭高新区科技局", registration_closes_on=today + dt.timedelta(days=20), startup_quota=8,
        growth_quota=14, tracks=TRACKS, stages=STAGES, award_levels=AWARDS)
    return {"editions": 1, "edition": edition}

"""Talent registry and recognition-round objects for other rooms' tests (the URL walks, the cross-tenant walk)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.catalog.tests.factories import department
from gaoxin.core.validators import id_check_char


def talent_id(n: int) -> str:
    body = f"43030219900505{n:03d}"
    return body + id_check_char(body)


def talent_office():
    from gaoxin.accounts.models import User

    unit = department("hrss", "人力资源和社会保障局")
    return User.objects.filter(role=Role.DEPT_OFFICER, org_unit=unit).first() or UserFactory(
        role=Role.DEPT_OFFICER, org_unit=unit, full_name="人才办")


def talent_of(enterprise=None, *, n: int = 1, office=None, name: str = "张工"):
    from gaoxin.talent.models import Talent

    office = office or talent_office()
    return Talent.objects.create(id_number=talent_id(n), name=name, education="master", employer=enterprise,
                                 created_by=office)


def round_on_notice(talent=None, *, reviewer=None):
    """A recognition round in its public notice, with one talent who passed the review (and a reviewer)."""
    from gaoxin.talent.models import RecognitionRound, RoundApplication, TalentTier, TalentTitle

    office = talent_office()
    talent = talent or talent_of(office=office)
    today = timezone.localdate()
    reviewer = reviewer or UserFactory(role=Role.DEPT_OFFICER, full_name="评审专家")
    tier = TalentTier.objects.get(code="C")
    round = RecognitionRound.objects.create(
        title="2026年度车城人才认定", talent_title=TalentTitle.objects.get(name="车城人才"),
        opens_on=today - dt.timedelta(days=30), closes_on=today - dt.timedelta(days=10), status="notice",
        notice_start=today, notice_end=today + dt.timedelta(days=6), created_by=office)
    round.tiers.set([tier])
    round.reviewers.set([reviewer])
    application = RoundApplication.objects.create(round=round, talent=talent, tier=tier, statement="业绩",
                                                  status="passed", score=88, submitted_by=office)
    application.scores.create(reviewer=reviewer, score=88)
    return round

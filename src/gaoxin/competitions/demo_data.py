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


# The zone's 配套奖励 for competition awards (benefits.md §8: a policy item with trigger award_level), read from the
# profile facts an award writes (competitions.services.award_record).
AWARD_BONUS_POLICY = {
    "code": "cxcy-award", "title": "创新创业大赛获奖配套奖励", "document_number": "湘潭高新区科技创新奖励办法",
    "level": "zone", "kind": "subsidy", "mode": "apply",
    "rule": "competition_award_level in ['一等奖', '二等奖', '三等奖', '优秀企业']",
    "formula": "50 if competition_award_level == '一等奖' else 30 if competition_award_level == '二等奖' "
               "else 20 if competition_award_level == '三等奖' else 10",
    "amount_cap": 50,
    "summary": "在中国创新创业大赛中获奖的企业，高新区按奖项给予配套奖励：一等奖50万元、二等奖30万元、三等奖20万元、优秀企业10万元。",
}

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
    if enterprise_firm is not None and enterprise_firm.registered_on is not None:
        services.registrations_invite(actor=office, edition=edition, enterprise_ids=[enterprise_firm.pk])
    _coaching(office=office, edition=edition, today=today)
    editions = 1
    if judges:
        past = _last_year(office=office, year=today.year - 1, enterprise_firm=enterprise_firm)
        round = _judged_round(office=office, edition=past, judges=judges, today=today)
        _results_and_award(office=office, round=round, objector=_firm_user(enterprise_firm))
        services.edition_update_rules(actor=office, edition=past, status="closed",
                                      registration_closes_on=dt.date(past.year, 6, 30))
        editions = 2
    return {"editions": editions, "edition": edition, "registered": min(len(invited), REGISTERED)}


def _last_year(*, office, year: int, enterprise_firm=None):
    """Last year's edition, over: its checked entries were judged in the zone roadshow in the autumn (below); closed
    with its registration deadline once they are in."""
    from .models import Registration
    from .selectors import candidate_pool
    from .workflow import REGISTRATION_WORKFLOW

    edition = services.edition_create(
        actor=office, code=f"cxcy-{year}", name=f"{year}年中国创新创业大赛（湘潭高新区赛区）", year=year,
        organiser="湘潭高新区科技局", startup_quota=4, growth_quota=6, tracks=TRACKS, stages=STAGES, award_levels=AWARDS)
    candidates = [a.firm_id for a in candidate_pool(edition=edition).candidates
                  if enterprise_firm is None or a.firm_id != enterprise_firm.pk][:CHECKED]
    services.registrations_invite(actor=office, edition=edition, enterprise_ids=candidates)
    tracks = list(edition.tracks.all())
    for n, registration in enumerate(Registration.objects.filter(edition=edition)
                                     .select_related("edition", "enterprise", "invited_by").order_by("enterprise__name")):
        registration = REGISTRATION_WORKFLOW.apply(registration, "REGISTER", actor=office, track=tracks[n % len(tracks)],
                                                   project=PROJECTS[n % len(PROJECTS)])
        REGISTRATION_WORKFLOW.apply(registration, "CHECK", actor=office)
    return edition


def _firm_user(firm):
    from .permissions import firm_users

    users = firm_users(firm.pk) if firm is not None else []
    return users[0] if users else None


def _results_and_award(*, office, round, objector=None) -> None:
    """Last year's round: its results went on notice in September (a competing firm objected, the bureau found the
    scores right), are final, and the first in 高端装备制造 won 优秀企业 at the national final in late November
    (濮阳): the zone's bonus policy for awards is published, so the award raises a matched policy for that firm; its
    6-month follow-up is recorded (investor contacts and financing), the 12-month one falls due about now."""
    from decimal import Decimal

    from gaoxin.benefits.models import Policy
    from gaoxin.benefits.services import policy_publish

    from .models import FollowUp, ResultObjection, RoundResult

    year = round.edition.year
    round = services.round_transition(round=round, name="PUBLISH", actor=office, today=dt.date(year, 9, 21))
    if objector is not None:
        target = RoundResult.objects.filter(round=round).order_by("rank").first()
        objection = services.objection_file(actor=objector, result=target, today=round.notice_start,
                                            reason="该项目的市场前景得分偏高，请核查评委评分是否有误。")
        services.objection_transition(objection=objection, name="DISMISS", actor=office,
                                      reason="经核查，各评委评分记录完整、计算无误，维持评审结果。")
        # filed on the notice's first day, not on the day the demo was built
        filed = timezone.make_aware(dt.datetime.combine(round.notice_start, dt.time(10, 30)))
        ResultObjection.objects.filter(pk=objection.pk).update(filed_at=filed)
    round = services.round_transition(round=round, name="FINALISE", actor=office,
                                      today=round.notice_end + dt.timedelta(days=1))
    policy = Policy(issuer=office.org_unit, effective_from=dt.date(year, 1, 1), **AWARD_BONUS_POLICY)
    from gaoxin.benefits.services import policy_save

    policy_publish(policy=policy_save(policy=policy, actor=office), actor=office)
    best = (RoundResult.objects.filter(round=round, excluded=False, registration__track__name="高端装备制造")
            .select_related("registration").order_by("rank").first()
            or RoundResult.objects.filter(round=round, excluded=False).select_related("registration")
            .order_by("rank").first())
    edition = round.edition
    award = services.award_record(actor=office, registration=best.registration,
                                  level=edition.award_levels.get(name="优秀企业"),
                                  stage=edition.stages.filter(level="national").first(),
                                  awarded_on=dt.date(year, 11, 28))
    six = FollowUp.objects.get(award=award, months=6)
    services.follow_up_record(actor=office, follow_up=six, investor_contacts=3,
                              investors="湘江产业投资基金、长沙高新创投、国家中小企业发展基金子基金",
                              financing=Decimal(2000), note="获奖后完成 A 轮融资")


def _judged_round(*, office, edition, judges, today: dt.date):
    """A zone roadshow judged by a technical and two investment judges (rank scores); the last of those works for
    the first checked firm and is refused it (回避); a further investment judge completes that firm's panel."""
    from decimal import Decimal

    from .selectors import round_entries

    technical, *investors = judges[:3]
    extra = list(judges[3:])
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
    for user in extra:
        services.judge_add(actor=office, round=round, user=user, kind="investment")
    for j, user in enumerate([technical, *investors]):
        for i, entry in enumerate(entries):
            if j == len(investors) and i == 0:
                continue  # refused: the judge's employer
            services.score_submit(actor=user, round=round, registration=entry,
                                  marks={"tech": 60 + (i * 7 + j * 3) % 35, "market": 55 + (i * 5 + j * 11) % 40,
                                         "team": 5 + (i + j) % 5})
    for user in extra[:1]:  # completes the panel of the entry the conflicted judge was refused
        if entries:
            services.score_submit(actor=user, round=round, registration=entries[0],
                                  marks={"tech": 78, "market": 72, "team": 8})
    return round


def _coaching(*, office, edition, today: dt.date) -> None:
    """Publicity and coaching (濮阳): a notice to the checked firms, a training session for all registered firms, and
    a coached "8+7" mock roadshow of the checked ones with two experts' structured advice to the first three."""
    from .models import RegistrationStatus

    checked = list(edition.registrations.filter(status=RegistrationStatus.CHECKED).select_related("enterprise")
                   .order_by("enterprise__name", "pk"))
    registered = list(edition.registrations.filter(status__in=[RegistrationStatus.REGISTERED,
                                                               RegistrationStatus.CHECKED]).order_by("pk"))
    if not checked:
        return
    services.notice_send(actor=office, edition=edition, audience="checked", title="复赛“8+7”现场答辩准备",
                         body="请资格已审核的企业按“8分钟路演陈述、7分钟答辩提问”准备路演材料，参加科技局组织的模拟路演。")
    services.session_create(actor=office, edition=edition, kind="training", title="大赛专题培训会",
                            held_on=today - dt.timedelta(days=45), place="高新区科技创新服务中心一楼报告厅",
                            experts="省科技厅火炬中心专家", participants=registered)
    session = services.session_create(
        actor=office, edition=edition, kind="mock_roadshow", title="复赛模拟路演（第一场）",
        held_on=today - dt.timedelta(days=30), place="高新区创新创业服务中心路演厅",
        experts="湘江产业投资基金合伙人、湘潭大学教授", participants=checked)
    advice = [("张合伙人", {"technology": 4, "market": 3, "team": 4, "finance": 3, "delivery": 3},
               "核心技术指标对标清楚", "市场规模测算过于笼统，请补充目标客户和订单数据；8分钟陈述超时约1分钟"),
              ("刘教授", {"technology": 5, "market": 3, "team": 4, "finance": 2, "delivery": 4},
               "研发团队与高校合作扎实", "融资计划与资金用途需要细化，财务预测请给出依据")]
    for registration in checked[:3]:
        for expert, marks, strengths, improvements in advice:
            services.feedback_record(actor=office, session=session, registration=registration, expert=expert,
                                     marks=marks, strengths=strengths, improvements=improvements)

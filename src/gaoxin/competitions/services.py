"""Writes of the competitions room: each a keyword-only service in one transaction with one audit event. An edition
is created with its rules (tracks, stages and award levels as rows); rules are added to later one row at a time. The
bureau invites firms (one registration each); a registration then moves through the kernel (workflow.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from gaoxin.accounts.permissions import is_staff_role
from gaoxin.core.services import audit_record

from . import notifications
from . import permissions as perms
from .eligibility import assess
from .judging import Criterion, Rubric
from .models import (
    Award,
    AwardLevel,
    Edition,
    EditionStatus,
    Judge,
    JudgeKind,
    JudgingRound,
    PriorAward,
    Registration,
    RegistrationStatus,
    RoundCriterion,
    RoundStatus,
    Score,
    Stage,
    StageLevel,
    Track,
)
from .workflow import OBJECTION_WORKFLOW, REGISTRATION_WORKFLOW, ROUND_WORKFLOW

RESERVED_CODES = {"new", "registrations", "invitations"}  # page addresses beside /competitions/<code>/


def _office(actor) -> None:
    if not perms.can_manage_competitions(actor):
        raise PermissionDenied("只有大赛组织部门（科技局）和管委会管理员可以维护大赛")


def edition_create(*, actor, code: str, name: str, year: int, organiser: str = "", startup_since: dt.date | None = None,
                   revenue_cap: int | None = None, needs_certificate: bool = True, award_limit: int | None = None,
                   startup_quota: int | None = None, growth_quota: int | None = None,
                   registration_closes_on: dt.date | None = None, tracks: list[tuple[str, int | None]] = (),
                   stages: list[tuple[str, str, int | None]] = (), award_levels: list[tuple[str, int | None]] = ()
                   ) -> Edition:
    """An edition with its rules: tracks [(name, quota)], stages [(name, level, advance)], award levels
    [(name, count)] ranked in the order given. Unset thresholds take the zone's defaults (settings)."""
    _office(actor)
    code, name = code.strip().lower(), name.strip()
    errors = {}
    if code in RESERVED_CODES:
        errors["code"] = "该编码已被系统使用，请换一个"
    elif Edition.objects.filter(code=code).exists():
        errors["code"] = "已有相同编码的届次"
    if Edition.objects.filter(name=name).exists():
        errors["name"] = "已有同名届次"
    if not 2000 <= int(year) <= 2100:
        errors["year"] = "请填写正确的年度"
    if not tracks:
        errors["tracks"] = "请至少填写一个行业赛道"
    names = [t[0] for t in tracks]
    if len(set(names)) != len(names):
        errors["tracks"] = "赛道名称不能重复"
    if len({s[0] for s in stages}) != len(stages):
        errors["stages"] = "阶段名称不能重复"
    if any(s[1] not in StageLevel.values for s in stages):
        errors["stages"] = "阶段层级应为本区组织、地方赛或全国赛"
    if len({a[0] for a in award_levels}) != len(award_levels):
        errors["award_levels"] = "奖项名称不能重复"
    if errors:
        raise ValidationError(errors)
    fields = {"code": code, "name": name, "year": int(year), "organiser": organiser.strip(),
              "startup_since": startup_since or Edition.default_startup_since(int(year)),
              "needs_certificate": needs_certificate, "startup_quota": startup_quota, "growth_quota": growth_quota,
              "registration_closes_on": registration_closes_on}
    if revenue_cap is not None:
        fields["revenue_cap"] = revenue_cap
    if award_limit is not None:
        fields["award_limit"] = award_limit
    try:
        with transaction.atomic():
            edition = Edition.objects.create(created_by=actor, **fields)
            Track.objects.bulk_create([Track(edition=edition, name=n.strip(), quota=q, sort_order=i)
                                       for i, (n, q) in enumerate(tracks)])
            Stage.objects.bulk_create([Stage(edition=edition, name=n.strip(), level=lv, advance=a, sort_order=i)
                                       for i, (n, lv, a) in enumerate(stages)])
            AwardLevel.objects.bulk_create([AwardLevel(edition=edition, name=n.strip(), rank=i + 1, count=c)
                                            for i, (n, c) in enumerate(award_levels)])
            audit_record(event_type="competitions.edition.create", actor=actor, subject=edition,
                         after={"name": name, "year": edition.year, "revenue_cap": edition.revenue_cap,
                                "startup_since": edition.startup_since.isoformat(),
                                "needs_certificate": needs_certificate, "award_limit": edition.award_limit,
                                "tracks": names, "stages": [s[0] for s in stages],
                                "award_levels": [a[0] for a in award_levels]})
    except IntegrityError as exc:
        raise ValidationError({"code": "已有相同编码或名称的届次"}) from exc
    return edition


RULE_FIELDS = ("revenue_cap", "startup_since", "needs_certificate", "award_limit", "startup_quota", "growth_quota",
               "registration_closes_on", "status", "organiser")


def edition_update_rules(*, actor, edition: Edition, **changes) -> Edition:
    """Change an edition's thresholds, quotas, deadline or status (one audit event with before and after)."""
    _office(actor)
    unknown = set(changes) - set(RULE_FIELDS)
    if unknown:
        raise ValidationError(f"不能修改：{'、'.join(sorted(unknown))}")
    with transaction.atomic():
        locked = Edition.objects.select_for_update().get(pk=edition.pk)
        before = {k: getattr(locked, k) for k in changes}
        changed = {k: v for k, v in changes.items() if before[k] != v}
        if not changed:
            return locked
        for key, value in changed.items():
            setattr(locked, key, value)
        locked.full_clean(exclude=["created_by"])
        locked.save(update_fields=list(changed))
        plain = lambda v: v.isoformat() if isinstance(v, dt.date) else v  # noqa: E731
        audit_record(event_type="competitions.edition.update", actor=actor, subject=locked,
                     before={k: plain(before[k]) for k in changed}, after={k: plain(v) for k, v in changed.items()})
    return locked


def track_create(*, actor, edition: Edition, name: str, quota: int | None = None) -> Track:
    _office(actor)
    try:
        with transaction.atomic():
            order = edition.tracks.count()
            track = Track.objects.create(edition=edition, name=name.strip(), quota=quota, sort_order=order)
            audit_record(event_type="competitions.track.create", actor=actor, subject=edition,
                         after={"track": track.name, "quota": quota})
    except IntegrityError as exc:
        raise ValidationError({"name": "本届已有同名赛道"}) from exc
    return track


def stage_create(*, actor, edition: Edition, name: str, level: str, starts_on: dt.date | None = None,
                 advance: int | None = None) -> Stage:
    _office(actor)
    if level not in StageLevel.values:
        raise ValidationError({"level": "请选择阶段层级"})
    try:
        with transaction.atomic():
            stage = Stage.objects.create(edition=edition, name=name.strip(), level=level, starts_on=starts_on,
                                         advance=advance, sort_order=edition.stages.count())
            audit_record(event_type="competitions.stage.create", actor=actor, subject=edition,
                         after={"stage": stage.name, "level": level, "advance": advance})
    except IntegrityError as exc:
        raise ValidationError({"name": "本届已有同名阶段"}) from exc
    return stage


def award_level_create(*, actor, edition: Edition, name: str, count: int | None = None,
                       top500: bool = False) -> AwardLevel:
    _office(actor)
    try:
        with transaction.atomic():
            level = AwardLevel.objects.create(edition=edition, name=name.strip(), count=count, top500=top500,
                                              rank=edition.award_levels.count() + 1)
            audit_record(event_type="competitions.award_level.create", actor=actor, subject=edition,
                         after={"award_level": level.name, "rank": level.rank, "count": count, "top500": top500})
    except IntegrityError as exc:
        raise ValidationError({"name": "本届已有同名奖项"}) from exc
    return level


def prior_award_add(*, actor, enterprise, year: int, edition_name: str, level: str, group: str = "",
                    national_top3: bool = False) -> PriorAward:
    """An award won before (counted against the limit); a national top-3 finish excludes the firm."""
    _office(actor)
    with transaction.atomic():
        award = PriorAward.objects.create(enterprise=enterprise, year=year, edition_name=edition_name.strip(),
                                          level=level.strip(), group=group, national_top3=national_top3,
                                          recorded_by=actor)
        audit_record(event_type="competitions.prior_award.add", actor=actor, subject=award,
                     after={"enterprise": enterprise.name, "year": year, "edition": award.edition_name,
                            "level": award.level, "national_top3": national_top3})
    return award


# --- invitations and registrations -----------------------------------------------------------------------------

MAX_INVITES = 200


def registrations_invite(*, actor, edition: Edition, enterprise_ids) -> list[Registration]:
    """Invite firms to the edition (usually from the candidate pool): one registration per firm in state 已邀请 with
    its group and why it was suggested, one audit event per firm, and the firm's users told after commit. A firm
    already on the edition's list, or whose registration date is unknown (no group), is refused."""
    from .selectors import firm_facts, rules_of

    _office(actor)
    ids = sorted(set(int(i) for i in enterprise_ids))
    if not ids:
        raise ValidationError({"enterprises": "请选择要邀请的企业"})
    if len(ids) > MAX_INVITES:
        raise ValidationError({"enterprises": f"一次至多邀请 {MAX_INVITES} 家企业"})
    if edition.status == EditionStatus.CLOSED:
        raise ValidationError("本届大赛已结束，不能再邀请企业")
    facts = {f.firm_id: f for f in firm_facts(enterprise_ids=ids)}
    held = set(edition.registrations.filter(enterprise_id__in=ids).values_list("enterprise_id", flat=True))
    rules = rules_of(edition)
    errors = []
    assessed = {}
    for eid in ids:
        firm = facts.get(eid)
        if firm is None:
            errors.append("所选企业不存在")
            continue
        if eid in held:
            errors.append(f"{firm.name}已在本届名单中")
            continue
        result = assess(firm, rules)
        if result.group is None:
            errors.append(f"{firm.name}：企业档案缺少成立日期，无法确定组别")
        assessed[eid] = result
    if errors:
        raise ValidationError({"enterprises": errors})
    made = []
    try:
        with transaction.atomic():
            for eid in ids:
                result = assessed[eid]
                basis = result.basis if result.eligible else "不在推荐名单：" + "；".join(result.reasons)
                registration = Registration.objects.create(edition=edition, enterprise_id=eid, group=result.group,
                                                           basis=basis[:200], invited_by=actor)
                registration.edition = edition
                audit_record(event_type="competitions.registration.invite", actor=actor, subject=registration,
                             after={"status": registration.status, "edition": edition.name,
                                    "enterprise": facts[eid].name, "group": registration.get_group_display(),
                                    "basis": registration.basis})
                notifications.invited(registration)
                made.append(registration)
    except IntegrityError as exc:
        raise ValidationError({"enterprises": "有企业已在本届名单中，请刷新后重试"}) from exc
    return made


def registration_transition(*, registration: Registration, name: str, actor, reason: str = "", track=None,
                            project: str = "") -> Registration:
    return REGISTRATION_WORKFLOW.apply(registration, name, actor=actor, reason=reason, track=track, project=project)


# --- judging a zone round --------------------------------------------------------------------------------------


def round_create(*, actor, edition: Edition, name: str, criteria: list[tuple[str, str, Decimal, Decimal]],
                 method: str = "zscore", judges_per_entry: int = 3, mix: dict | None = None, blind: bool = False,
                 precision: int = 4, tie_break: str = "key asc") -> JudgingRound:
    """A zone round with its rubric [(code, label, weight, max score)]: the weights sum to 1 (judging.Rubric)."""
    _office(actor)
    try:
        rubric = Rubric(tuple(Criterion(c, label, Decimal(w), Decimal(mx)) for c, label, w, mx in criteria))
    except ValueError as exc:
        raise ValidationError({"criteria": str(exc)}) from exc
    mix = {k: int(n) for k, n in (mix or {}).items()}
    if any(k not in JudgeKind.values or n < 0 for k, n in mix.items()):
        raise ValidationError({"mix": "评委组合应为评委类别及人数"})
    if sum(mix.values()) > judges_per_entry:
        raise ValidationError({"mix": "评委组合的人数多于每个项目的评委人数"})
    codes = {c.code for c in rubric.criteria} | {"key"}
    for spec in (t.strip() for t in tie_break.split(",") if t.strip()):
        parts = spec.split()
        if len(parts) != 2 or parts[0] not in codes or parts[1] not in ("asc", "desc"):
            raise ValidationError({"tie_break": f"同分排序“{spec}”应为“评分指标编码或 key + asc/desc”"})
    with transaction.atomic():
        round = JudgingRound.objects.create(edition=edition, name=name.strip(), method=method,
                                            judges_per_entry=judges_per_entry, mix=mix, blind=blind,
                                            precision=precision, tie_break=tie_break, created_by=actor)
        RoundCriterion.objects.bulk_create([RoundCriterion(round=round, code=c.code, label=c.label, weight=c.weight,
                                                           max_score=c.max_score, sort_order=i)
                                            for i, c in enumerate(rubric.criteria)])
        audit_record(event_type="competitions.round.create", actor=actor, subject=round,
                     after={"edition": edition.name, "name": round.name, "method": method, "mix": mix,
                            "blind": blind, "criteria": [[c.code, c.label, str(c.weight)] for c in rubric.criteria]})
    return round


def judge_add(*, actor, round: JudgingRound, user, kind: str, employer=None, declared=()) -> Judge:
    _office(actor)
    if round.status != RoundStatus.SCORING:
        raise ValidationError("本轮评审结果已公示，不能再加入评委")
    if not is_staff_role(user):
        raise ValidationError({"user": "评委须为在职的工作人员或专家账号"})
    if kind not in JudgeKind.values:
        raise ValidationError({"kind": "请选择评委类别"})
    try:
        with transaction.atomic():
            judge = Judge.objects.create(round=round, user=user, kind=kind, employer=employer)
            judge.declared.set(declared)
            audit_record(event_type="competitions.judge.add", actor=actor, subject=round,
                         after={"judge": user.get_full_name(), "kind": kind,
                                "employer": employer.name if employer else "",
                                "declared": sorted(f.name for f in declared)})
            notifications.judge_added(judge)
    except IntegrityError as exc:
        raise ValidationError({"user": "该评委已在本轮评审中"}) from exc
    return judge


def score_submit(*, actor, round: JudgingRound, registration: Registration, marks: dict) -> Score:
    """A judge's marks for an entry, once. A judge whose employer or related firms match the entry is refused with
    the reasons (conflicts.py); an entry whose eligibility was not checked is not in the round."""
    from .selectors import judge_sheet, rubric_of

    judge = perms.judge_of(actor, round)
    if judge is None:
        raise PermissionDenied("您不是本轮评审的评委")
    if round.status != RoundStatus.SCORING:
        raise ValidationError("本轮评审结果已公示，不能再评分")
    if registration.edition_id != round.edition_id or registration.status != RegistrationStatus.CHECKED:
        raise ValidationError("该项目不在本轮评审中")
    reasons = next((r["conflicts"] for r in judge_sheet(round=round, judge=judge) if r["entry"].pk == registration.pk),
                   None)
    if reasons is None:
        reasons = []
    if reasons:
        raise ValidationError(f"您须回避该项目：{'；'.join(reasons)}")
    rubric = rubric_of(round)
    try:
        marks = {c.code: Decimal(str(marks.get(c.code))) if marks.get(c.code) not in (None, "") else None
                 for c in rubric.criteria}
        rubric.weighted({k: v for k, v in marks.items() if v is not None})
    except (ValueError, ArithmeticError) as exc:
        raise ValidationError(str(exc)) from exc
    try:
        with transaction.atomic():
            score = Score.objects.create(round=round, registration=registration, judge=judge,
                                         marks={k: str(v) for k, v in marks.items()})
            audit_record(event_type="competitions.score.submit", actor=actor, subject=score,
                         after={"round": round.name, "entry": registration.enterprise.name if not round.blind
                                else f"项目{registration.pk}", "marks": score.marks})
    except IntegrityError as exc:
        raise ValidationError("您已为该项目评分") from exc
    return score


# --- results: notice, objections, final; awards into the enterprise file ----------------------------------------


def round_transition(*, round: JudgingRound, name: str, actor, reason: str = "", today: dt.date | None = None
                     ) -> JudgingRound:
    """PUBLISH (results on notice) or FINALISE (after the notice) a zone round (workflow.ROUND_WORKFLOW)."""
    return ROUND_WORKFLOW.apply(round, name, actor=actor, reason=reason, today=today)


def objection_file(*, actor, result, reason: str, contact: str = "", today: dt.date | None = None):
    """An objection to an entry's published result, inside the notice window only (逾期不再受理); the organising
    department is told."""
    from gaoxin.core import notice

    from .models import ResultObjection, RoundResult, RoundStatus

    if not perms.can_file_objection(actor):
        raise PermissionDenied("请登录后提出异议")
    result = RoundResult.objects.select_related("round__edition", "registration__enterprise").get(pk=result.pk)
    round = result.round
    if round.status == RoundStatus.SCORING:
        raise ValidationError("评审结果尚未公示")
    if round.status == RoundStatus.FINAL:
        raise ValidationError("公示期已结束，评审结果已确定，逾期不再受理异议")
    if not notice.notice_open(round.notice_start, round.notice_end, today):
        raise ValidationError(notice.notice_refusal(round.notice_end, today))
    if not reason.strip():
        raise ValidationError({"reason": "请写明异议内容和理由"})
    with transaction.atomic():
        objection = ResultObjection.objects.create(result=result, reason=reason.strip()[:1000],
                                                   contact=contact.strip()[:60], filed_by=actor)
        audit_record(event_type="competitions.objection.create", actor=actor, subject=objection,
                     after={"round": round.name, "entry": result.registration.enterprise.name})
        notifications.objection_filed(objection)
    return objection


def objection_transition(*, objection, name: str, actor, reason: str = ""):
    """UPHOLD (the entry loses its rank) or DISMISS an objection (workflow.OBJECTION_WORKFLOW)."""
    return OBJECTION_WORKFLOW.apply(objection, name, actor=actor, reason=reason)


def _science_unit(actor):
    return actor.org_unit if getattr(actor, "org_unit_id", None) and perms.is_competition_office(actor) and \
        not perms.has_role(actor, perms.Role.ZONE_ADMIN) else None


def round_rank_facts(*, round: JudgingRound, results, actor) -> int:
    """A final round's ranks become the firms' profile fact 创新创业大赛区内评审名次 (an entry taken out loses it),
    written by benefits' own service (audited there; published policies re-matched)."""
    from gaoxin.benefits.services import profile_facts_set

    facts = {r.registration.enterprise_id: {"competition_zone_rank": r.rank} for r in results}
    return profile_facts_set(facts=facts, actor=actor, source=f"创新创业大赛{round.edition.year}"[:40],
                             supplied_by=_science_unit(actor))


def _months_later(day: dt.date, months: int) -> dt.date:
    import calendar

    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def award_record(*, actor, registration: Registration, level: AwardLevel, stage=None,
                 awarded_on: dt.date | None = None) -> Award:
    """An award level won by a checked entry (one per entry, within the level's places). It counts against the
    award limit, becomes the firm's profile facts (获奖等次, 年度, 历届获奖次数: the zone's bonus policies read them;
    the firm is re-matched at once and told of a policy it now meets; a level counted as “创客中国” 全国500强 also sets
    近三年获“创客中国”全国500强, P8's and P9's direct pass) and schedules the follow-ups of investor
    contacts and financing 6 and 12 months on (GAOXIN_COMPETITIONS_FOLLOW_UP_MONTHS, due on a working day)."""
    from django.conf import settings
    from django.utils import timezone

    from gaoxin.benefits.models import Policy, PolicyStatus
    from gaoxin.benefits.services import match_write, profile_facts_set
    from gaoxin.core.selectors import work_calendar

    from .models import FollowUp

    _office(actor)
    awarded_on = awarded_on or timezone.localdate()
    with transaction.atomic():
        registration = (Registration.objects.select_for_update(of=("self",))
                        .select_related("edition", "enterprise").get(pk=registration.pk))
        errors = {}
        if registration.status != RegistrationStatus.CHECKED:
            errors["registration"] = "只有资格已审核的参赛企业可以登记获奖"
        if level is None or level.edition_id != registration.edition_id:
            errors["level"] = "请选择本届的奖项等次"
        elif level.count is not None and level.awards.count() >= level.count:
            errors["level"] = f"“{level.name}”的 {level.count} 个名额已满"
        if stage is not None and stage.edition_id != registration.edition_id:
            errors["stage"] = "请选择本届的赛程阶段"
        if Award.objects.filter(registration=registration).exists():
            errors["registration"] = "该企业本届已登记获奖"
        if awarded_on > timezone.localdate():
            errors["awarded_on"] = "获奖日期不能晚于今天"
        if errors:
            raise ValidationError(errors)
        award = Award.objects.create(registration=registration, level=level, stage=stage, awarded_on=awarded_on,
                                     recorded_by=actor)
        calendar = work_calendar()
        FollowUp.objects.bulk_create([
            FollowUp(award=award, months=m, due_on=calendar.next_workday(_months_later(awarded_on, m)))
            for m in sorted(set(settings.GAOXIN_COMPETITIONS_FOLLOW_UP_MONTHS))])
        firm = registration.enterprise
        won = (Award.objects.filter(registration__enterprise=firm).count()
               + PriorAward.objects.filter(enterprise=firm).count())
        audit_record(event_type="competitions.award.record", actor=actor, subject=award,
                     after={"edition": registration.edition.name, "enterprise": firm.name, "level": level.name,
                            "stage": stage.name if stage else "", "awarded_on": awarded_on.isoformat(),
                            "awards": won})
        facts = {"competition_award_level": level.name, "competition_award_year": registration.edition.year,
                 "competition_awards": won}
        if level.top500:
            facts["creative_china_top500"] = True
        profile_facts_set(facts={firm.pk: facts},
                          actor=actor, source=f"创新创业大赛{registration.edition.year}"[:40],
                          supplied_by=_science_unit(actor))
        policies = list(Policy.objects.filter(status=PolicyStatus.PUBLISHED))
        if policies:  # the firm hears at once of a policy the award now meets ("您可能符合…")
            match_write(policies=policies, enterprise_ids=[firm.pk])
        award.registration = registration
        notifications.awarded(award)
    return award


# --- follow-up of an award: investor contacts and financing at 6 and 12 months -----------------------------------


def follow_up_record(*, actor, follow_up, investor_contacts: int, financing: Decimal, investors: str = "",
                     note: str = ""):
    """The firm or the organising department records what happened in the period (investor contacts, financing
    obtained in 万元), once per follow-up; the department hears when the firm records it."""
    from .models import FollowUp

    roles = perms.follow_up_roles(actor, follow_up)
    if not roles:
        raise PermissionDenied("只有获奖企业和大赛组织部门可以填报获奖后跟踪")
    errors = {}
    if investor_contacts is None or int(investor_contacts) < 0:
        errors["investor_contacts"] = "请填写对接的投资机构家数（没有填 0）"
    if financing is None or Decimal(financing) < 0:
        errors["financing"] = "请填写本期新增融资金额（万元，没有填 0）"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = FollowUp.objects.select_for_update(of=("self",)).select_related(
            "award__registration__enterprise", "award__registration__edition", "award__level").get(pk=follow_up.pk)
        if locked.recorded_on is not None:
            raise ValidationError("该节点已填报")
        from django.utils import timezone

        locked.investor_contacts, locked.financing = int(investor_contacts), Decimal(financing)
        locked.investors, locked.note = investors.strip()[:300], note.strip()[:500]
        locked.recorded_on, locked.recorded_by = timezone.localdate(), actor
        locked.save()
        firm = locked.award.registration.enterprise
        audit_record(event_type="competitions.follow_up.record", actor=actor, subject=locked,
                     after={"enterprise": firm.name, "months": locked.months,
                            "investor_contacts": locked.investor_contacts, "financing": str(locked.financing)})
        if "office" not in roles:
            notifications.follow_up_recorded(locked)
    return locked


def follow_ups_remind(*, today: dt.date | None = None) -> int:
    """Tell the firm and the organising department of each follow-up that is due and not recorded (once each;
    `gaoxin sweep_competitions`, daily)."""
    from django.utils import timezone

    from .models import FollowUp

    today = today or timezone.localdate()
    due = list(FollowUp.objects.filter(due_on__lte=today, recorded_on__isnull=True, reminded_at__isnull=True)
               .select_related("award__registration__enterprise", "award__registration__edition", "award__level"))
    with transaction.atomic():
        for follow_up in due:
            notifications.follow_up_due(follow_up)
        FollowUp.objects.filter(pk__in=[f.pk for f in due]).update(reminded_at=timezone.now())
    return len(due)


# --- publicity and coaching ------------------------------------------------------------------------------------

NOTICE_AUDIENCES = {
    "all": {"status__in": [RegistrationStatus.REGISTERED, RegistrationStatus.CHECKED]},
    "invited": {"status": RegistrationStatus.INVITED},
    "startup": {"group": "startup", "status__in": [RegistrationStatus.INVITED, RegistrationStatus.REGISTERED,
                                                   RegistrationStatus.CHECKED]},
    "growth": {"group": "growth", "status__in": [RegistrationStatus.INVITED, RegistrationStatus.REGISTERED,
                                                 RegistrationStatus.CHECKED]},
    "checked": {"status": RegistrationStatus.CHECKED},
}


def notice_send(*, actor, edition: Edition, title: str, body: str, audience: str, track=None):
    """A targeted notice (宣传动员、培训通知) to the firms of the audience (and track) chosen: one row, one audit
    event, each firm's users told after commit."""
    from .models import CompetitionNotice

    _office(actor)
    errors = {}
    if audience not in NOTICE_AUDIENCES:
        errors["audience"] = "请选择发送范围"
    if track is not None and track.edition_id != edition.pk:
        errors["track"] = "请选择本届的行业赛道"
    if not title.strip():
        errors["title"] = "请填写标题"
    if not body.strip():
        errors["body"] = "请填写通知内容"
    if errors:
        raise ValidationError(errors)
    rows = edition.registrations.filter(**NOTICE_AUDIENCES[audience])
    if track is not None:
        rows = rows.filter(track=track)
    firms = list(rows.select_related("enterprise").order_by("enterprise__name", "pk"))
    if not firms:
        raise ValidationError({"audience": "该范围内没有企业"})
    with transaction.atomic():
        sent = CompetitionNotice.objects.create(edition=edition, title=title.strip()[:80], body=body.strip()[:1000],
                                                audience=audience, track=track, firms=len(firms), sent_by=actor)
        audit_record(event_type="competitions.notice.send", actor=actor, subject=sent,
                     after={"edition": edition.name, "title": sent.title, "audience": sent.get_audience_display(),
                            "track": track.name if track else "", "firms": len(firms)})
        for registration in firms:
            notifications.notice_sent(sent, registration)
    return sent


def session_create(*, actor, edition: Edition, kind: str, title: str, held_on: dt.date, place: str = "",
                   experts: str = "", pitch_minutes: int = 8, qa_minutes: int = 7, participants=()):
    """A training session, BP review or mock roadshow ("8+7") with the firms asked to take part (registered or
    checked entries of the edition); one audit event; each firm told after commit."""
    from .models import CoachingSession, SessionKind

    _office(actor)
    errors = {}
    if kind not in SessionKind.values:
        errors["kind"] = "请选择类别"
    if not title.strip():
        errors["title"] = "请填写名称"
    if not (1 <= int(pitch_minutes or 0) <= 60 and 1 <= int(qa_minutes or 0) <= 60):
        errors["pitch_minutes"] = "路演陈述和答辩提问的时间应在 1 至 60 分钟之间"
    chosen = list(edition.registrations.filter(pk__in=[p.pk for p in participants]).select_related("enterprise"))
    if len(chosen) != len(participants) or any(
            r.status not in (RegistrationStatus.REGISTERED, RegistrationStatus.CHECKED) for r in chosen):
        errors["participants"] = "只能选择本届已报名或资格已审核的企业"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        session = CoachingSession.objects.create(edition=edition, kind=kind, title=title.strip()[:80],
                                                 held_on=held_on, place=place.strip()[:100],
                                                 experts=experts.strip()[:200], pitch_minutes=pitch_minutes,
                                                 qa_minutes=qa_minutes, created_by=actor)
        session.participants.set(chosen)
        audit_record(event_type="competitions.session.create", actor=actor, subject=session,
                     after={"edition": edition.name, "kind": session.get_kind_display(), "title": session.title,
                            "held_on": held_on.isoformat(), "firms": sorted(r.enterprise.name for r in chosen)})
        for registration in chosen:
            notifications.session_invited(session, registration)
    return session


def feedback_record(*, actor, session, registration: Registration, expert: str, marks: dict, strengths: str = "",
                    improvements: str):
    """An expert's structured advice to a firm at a session (a mark of 1–5 per aspect): once per expert and firm;
    the firm is told."""
    from .models import FEEDBACK_ASPECTS, Feedback

    _office(actor)
    errors = {}
    if not session.participants.filter(pk=registration.pk).exists():
        errors["registration"] = "该企业不在本次活动的参加名单中"
    if not expert.strip():
        errors["expert"] = "请填写专家姓名"
    clean = {}
    for code, label in FEEDBACK_ASPECTS:
        value = marks.get(code)
        if value in (None, "") or not 1 <= int(value) <= 5:
            errors[code] = f"“{label}”请评 1 至 5 分"
        else:
            clean[code] = int(value)
    if not improvements.strip():
        errors["improvements"] = "请填写改进建议"
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            row = Feedback.objects.create(session=session, registration=registration, expert=expert.strip()[:40],
                                          marks=clean, strengths=strengths.strip()[:500],
                                          improvements=improvements.strip()[:1000], recorded_by=actor)
            audit_record(event_type="competitions.feedback.record", actor=actor, subject=row,
                         after={"session": session.title, "enterprise": registration.enterprise.name,
                                "expert": row.expert, "marks": clean})
            notifications.feedback_recorded(row)
    except IntegrityError as exc:
        raise ValidationError({"expert": "该专家已对该企业填写过意见"}) from exc
    return row

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
    Score,
    Stage,
    StageLevel,
    Track,
)
from .workflow import REGISTRATION_WORKFLOW

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


def award_level_create(*, actor, edition: Edition, name: str, count: int | None = None) -> AwardLevel:
    _office(actor)
    try:
        with transaction.atomic():
            level = AwardLevel.objects.create(edition=edition, name=name.strip(), count=count,
                                              rank=edition.award_levels.count() + 1)
            audit_record(event_type="competitions.award_level.create", actor=actor, subject=edition,
                         after={"award_level": level.name, "rank": level.rank, "count": count})
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

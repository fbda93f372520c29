"""Writes of the talent room: each a keyword-only service in one transaction with one audit event; state changes go
through the room's workflows (workflow.py)."""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from gaoxin.accounts.models import Role
from gaoxin.accounts.permissions import has_role
from gaoxin.core.numbering import next_number
from gaoxin.core.services import audit_record
from gaoxin.core.validators import MOBILE_PATTERN, PHONE_PATTERN, id_number_problem, normalize_code

from . import notifications
from . import permissions as perms
from .models import (
    AgreementActivity,
    AgreementStatus,
    ApplicationStatus,
    CheckIn,
    DemandSource,
    DemandStatus,
    Hire,
    HireStatus,
    Intent,
    JobDemand,
    MatchEvent,
    Recognition,
    RecognitionRound,
    RecognitionStatus,
    ReviewScore,
    RoundApplication,
    RoundObjection,
    RoundStatus,
    SchoolAgreement,
    Talent,
    TalentEvidence,
)
from .workflow import (
    AGREEMENT_WORKFLOW,
    APPLICATION_WORKFLOW,
    DEMAND_WORKFLOW,
    HIRE_WORKFLOW,
    LIVE,
    OBJECTION_WORKFLOW,
    RECOGNITION_WORKFLOW,
    ROUND_WORKFLOW,
    confirm_hire,
    refill,
)

MAX_QUANTITY = 10_000


def demand_create(*, actor, enterprise, post: str, quantity: int, skill_level: str, pay_min: int, pay_max: int,
                  location: str, urgency: str = "normal", description: str = "", station_service=None,
                  appeal=None) -> JobDemand:
    """A job demand of `enterprise`; `station_service` or `appeal` is the 用工 log entry or 人才 appeal it came from."""
    if not perms.can_post_demand(actor):
        raise PermissionDenied("您无权登记用工需求")
    # The same post turned twice from one log entry or appeal is a double submission (other posts may follow).
    same = JobDemand.objects.filter(post=post.strip()).exclude(status=DemandStatus.WITHDRAWN)
    earlier = (same.filter(station_service=station_service).first() if station_service is not None else
               same.filter(appeal=appeal).first() if appeal is not None else None)
    if earlier is not None:
        raise ValidationError({"post": f"这条记录已转为“{earlier.post}”岗位的用工需求（编号 {earlier.number}）"})
    if appeal is not None and appeal.enterprise_id != enterprise.pk:
        raise ValidationError({"uscc": f"该诉求由{appeal.enterprise}提出，用工需求应登记在这家企业名下"})
    firms = perms.firms_for_demand(actor)
    if firms is not None and not firms.filter(pk=enterprise.pk).exists():
        raise PermissionDenied("只能为本企业发布用工需求")
    errors = {}
    if not 1 <= quantity <= MAX_QUANTITY:
        errors["quantity"] = f"需求人数应为 1 至 {MAX_QUANTITY}"
    if pay_min > pay_max:
        errors["pay_max"] = "月薪上限不能低于下限"
    if errors:
        raise ValidationError(errors)
    source = (DemandSource.ENTERPRISE if has_role(actor, Role.ENTERPRISE) else
              DemandSource.STATION if has_role(actor, *perms.FIELD_STAFF) else DemandSource.OFFICE)
    with transaction.atomic():
        demand = JobDemand.objects.create(
            number=next_number("YG"), enterprise=enterprise, post=post.strip(), quantity=quantity,
            skill_level=skill_level, pay_min=pay_min, pay_max=pay_max, urgency=urgency, location=location.strip(),
            description=description.strip(), source=source, station_service=station_service, appeal=appeal,
            created_by=actor)
        audit_record(event_type="talent.demand.create", actor=actor, subject=demand,
                     after={"enterprise": enterprise.name, "post": demand.post, "quantity": quantity,
                            "source": demand.get_source_display(),
                            **({"appeal": appeal.number} if appeal is not None else {})})
        notifications.demand_posted(demand)
    return demand


def demand_transition(*, demand: JobDemand, name: str, actor, reason: str = "") -> JobDemand:
    return DEMAND_WORKFLOW.apply(demand, name, actor=actor, reason=reason)


def hire_record(*, actor, demand: JobDemand, name: str, id_number: str, hired_on: dt.date, phone: str = "",
                event: MatchEvent | None = None) -> Hire:
    """A person on the job against a demand. Recorded by a station, an agent or the talent office, the firm is asked
    to confirm it; recorded by the firm itself, it is confirmed at once."""
    if not perms.can_record_hire(actor, demand):
        raise PermissionDenied("您无权登记到岗")
    id_number = normalize_code(id_number)
    errors = {}
    if problem := id_number_problem(id_number):
        errors["id_number"] = problem
    if phone and not re.match(PHONE_PATTERN, phone):
        errors["phone"] = "手机号码格式不正确"
    if hired_on > timezone.localdate():
        errors["hired_on"] = "到岗日期不能晚于今天"
    elif hired_on < (posted := timezone.localtime(demand.created_at).date()):
        errors["hired_on"] = f"到岗日期不能早于该需求的发布日期（{posted:%Y年%m月%d日}）"
    if errors:
        raise ValidationError(errors)
    by_firm = has_role(actor, Role.ENTERPRISE)
    station = actor.org_unit if has_role(actor, Role.STATION_OFFICER) else None
    try:
        with transaction.atomic():
            locked = JobDemand.objects.select_for_update().get(pk=demand.pk)
            if locked.status not in LIVE:
                raise ValidationError(f"该需求{locked.get_status_display()}，不能再登记到岗")
            hire = Hire(demand=locked, name=name.strip(), id_number=id_number, phone=phone, hired_on=hired_on,
                        event=event, station=station, recorded_by=actor)
            if by_firm:
                hire.status = HireStatus.CONFIRMED
                confirm_hire(hire, timezone.localdate())
            hire.save()
            refill(locked)
            audit_record(event_type="talent.hire.create", actor=actor, subject=hire,
                         after={"demand": locked.number, "name": hire.name, "id_number": hire.masked_id_number,
                                "hired_on": hired_on.isoformat(), "status": hire.status})
            notifications.hire_recorded(hire)
    except IntegrityError as exc:
        raise ValidationError({"id_number": "此人已登记在该需求下"}) from exc
    return hire


def hire_transition(*, hire: Hire, name: str, actor, reason: str = "", **params) -> Hire:
    return HIRE_WORKFLOW.apply(hire, name, actor=actor, reason=reason, **params)


# --- events ----------------------------------------------------------------------------------------------------


def event_create(*, actor, title: str, kind: str, organiser, held_on: dt.date, place: str, programme: str = "") -> MatchEvent:
    if not perms.can_manage_events(actor):
        raise PermissionDenied("您无权组织对接活动")
    with transaction.atomic():
        event = MatchEvent.objects.create(title=title.strip(), kind=kind, organiser=organiser, held_on=held_on,
                                          place=place.strip(), programme=programme.strip(), created_by=actor)
        audit_record(event_type="talent.event.create", actor=actor, subject=event,
                     after={"title": event.title, "held_on": held_on.isoformat()})
    return event


def event_register(*, event: MatchEvent, actor, enterprise=None, school=None, demands=()) -> None:
    """A firm (with the posts it offers) or a school takes part."""
    if not perms.can_manage_events(actor):
        firms = perms.firms_for_demand(actor)
        if enterprise is None or firms is None or not firms.filter(pk=enterprise.pk).exists() or school is not None:
            raise PermissionDenied("您无权为其他单位报名")
    if enterprise is None and school is None:
        raise ValidationError("请选择参会企业或院校")
    demands = list(demands)
    if any(d.enterprise_id != getattr(enterprise, "pk", None) or d.status not in LIVE for d in demands):
        raise ValidationError({"demands": "只能提供本企业招聘中的岗位"})
    with transaction.atomic():
        if enterprise is not None:
            event.firms.add(enterprise)
            event.demands.add(*demands)
        if school is not None:
            event.schools.add(school)
        audit_record(event_type="talent.event.register", actor=actor, subject=event,
                     after={"enterprise": getattr(enterprise, "name", ""), "school": getattr(school, "name", ""),
                            "demands": [d.number for d in demands]})


def checkin_create(*, event: MatchEvent, name: str, phone: str, school: str = "", major: str = "", resume=None,
                   today: dt.date | None = None) -> CheckIn:
    """A job seeker checks in at the door with the event's QR code (no log-in), on the event's day or the day before."""
    today = today or timezone.localdate()
    if not event.held_on - dt.timedelta(days=1) <= today <= event.held_on:
        raise ValidationError(f"签到仅在活动当天（{event.held_on:%Y年%m月%d日}）开放")
    if not re.match(PHONE_PATTERN, phone or ""):
        raise ValidationError({"phone": "请填写正确的手机号码"})
    if resume is not None:
        from gaoxin.core.uploads import check_upload

        try:
            check_upload(resume, kind="material", label="简历")
        except ValidationError as exc:
            raise ValidationError({"resume": exc.messages}) from exc
    try:
        with transaction.atomic():
            checkin = CheckIn.objects.create(event=event, name=name.strip(), phone=phone, school=school.strip(),
                                             major=major.strip(), resume=resume or "")
            audit_record(event_type="talent.event.checkin", actor=None, subject=event,
                         after={"name": checkin.name, "phone": checkin.masked_phone})
    except IntegrityError as exc:
        raise ValidationError({"phone": "该手机号码已签到"}) from exc
    return checkin


def intent_record(*, event: MatchEvent, actor, enterprise, person: str, demand: JobDemand | None = None,
                  checkin: CheckIn | None = None, signed_on: dt.date | None = None) -> Intent:
    if not perms.can_record_intent(actor, event):
        raise PermissionDenied("您无权登记签约意向")
    if not event.firms.filter(pk=enterprise.pk).exists():
        raise ValidationError({"enterprise": "该企业未报名本次活动"})
    if demand is not None and demand.enterprise_id != enterprise.pk:
        raise ValidationError({"demand": "岗位不属于该企业"})
    with transaction.atomic():
        intent = Intent.objects.create(event=event, enterprise=enterprise, demand=demand, checkin=checkin,
                                       person=person.strip(), signed_on=signed_on or event.held_on, recorded_by=actor)
        audit_record(event_type="talent.event.intent", actor=actor, subject=event,
                     after={"enterprise": enterprise.name, "person": intent.person})
    return intent


# --- school agreements -----------------------------------------------------------------------------------------


def agreement_create(*, actor, school, enterprise, kind: str, title: str, signed_on: dt.date, expires_on: dt.date,
                     places: int = 0) -> SchoolAgreement:
    if not perms.can_manage_agreements(actor):
        raise PermissionDenied("您无权登记校企合作协议")
    if expires_on <= signed_on:
        raise ValidationError({"expires_on": "到期日期应晚于签订日期"})
    with transaction.atomic():
        agreement = SchoolAgreement.objects.create(school=school, enterprise=enterprise, kind=kind, title=title.strip(),
                                                   signed_on=signed_on, expires_on=expires_on, places=places,
                                                   last_activity_on=signed_on, created_by=actor)
        audit_record(event_type="talent.agreement.create", actor=actor, subject=agreement,
                     after={"school": school.name, "enterprise": enterprise.name, "kind": agreement.get_kind_display(),
                            "expires_on": expires_on.isoformat()})
    return agreement


def agreement_log(*, agreement: SchoolAgreement, actor, held_on: dt.date, note: str, people: int = 0) -> AgreementActivity:
    if not perms.can_log_agreement_activity(actor, agreement):
        raise PermissionDenied("您无权登记该协议的活动")
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": "活动日期不能晚于今天"})
    if held_on < agreement.signed_on:
        raise ValidationError({"held_on": "活动日期不能早于协议签订日期"})
    with transaction.atomic():
        locked = SchoolAgreement.objects.select_for_update().get(pk=agreement.pk)
        if locked.status != AgreementStatus.ACTIVE:
            raise ValidationError("协议已到期或终止")
        activity = AgreementActivity.objects.create(agreement=locked, held_on=held_on, note=note.strip(),
                                                    people=people, recorded_by=actor)
        if locked.last_activity_on is None or held_on > locked.last_activity_on:
            locked.last_activity_on = held_on
            locked.save(update_fields=["last_activity_on"])
        audit_record(event_type="talent.agreement.activity", actor=actor, subject=locked,
                     after={"held_on": held_on.isoformat(), "note": activity.note, "people": people})
    return activity


def agreement_transition(*, agreement: SchoolAgreement, name: str, actor, reason: str = "") -> SchoolAgreement:
    return AGREEMENT_WORKFLOW.apply(agreement, name, actor=actor, reason=reason)


# --- the daily sweep -------------------------------------------------------------------------------------------


def sweep(*, today: dt.date | None = None) -> dict:
    """Retention checks due → the firm is asked (once per check); agreements about to expire → the talent office and
    the firm are told (once); agreements past their date end. Idempotent."""
    today = today or timezone.localdate()
    asked = 0
    for hire in Hire.objects.select_related("demand").filter(status=HireStatus.CONFIRMED, short_check_due__lte=today):
        notifications.retention_due(hire, f"到岗{settings.GAOXIN_TALENT_RETENTION_DAYS[0]}天")
        asked += 1
    for hire in Hire.objects.select_related("demand").filter(status=HireStatus.RETAINED_SHORT, long_check_due__lte=today):
        notifications.retention_due(hire, f"到岗{settings.GAOXIN_TALENT_RETENTION_DAYS[1]}天")
        asked += 1
    soon = today + dt.timedelta(days=settings.GAOXIN_TALENT_AGREEMENT_REMINDER_DAYS)
    expiring = SchoolAgreement.objects.filter(status=AgreementStatus.ACTIVE, expires_on__gte=today, expires_on__lte=soon)
    for agreement in expiring:
        notifications.agreement_expiring(agreement)
    ended = 0
    for agreement in SchoolAgreement.objects.filter(status=AgreementStatus.ACTIVE, expires_on__lt=today):
        AGREEMENT_WORKFLOW.apply(agreement, "END", actor=None)
        ended += 1
    expired = 0
    for recognition in Recognition.objects.filter(status=RecognitionStatus.VALID, valid_to__lt=today):
        RECOGNITION_WORKFLOW.apply(recognition, "EXPIRE", actor=None)
        expired += 1
    return {"retention_asked": asked, "agreements_expiring": expiring.count(), "agreements_ended": ended,
            "recognitions_expired": expired}


# --- the talent registry (benefits.md §6.2) -----------------------------------------------------------------------

TALENT_FIELDS = ("name", "phone", "education", "professional_title", "skill_grade", "employer", "work_location",
                 "insurance_location", "residence")


def _talent_checks(*, id_number: str | None, phone: str) -> dict:
    errors = {}
    if id_number is not None and (problem := id_number_problem(id_number)):
        errors["id_number"] = problem
    if phone and not re.match(PHONE_PATTERN, phone):
        errors["phone"] = "手机号码格式不正确"
    return errors


def _talent_snapshot(talent: Talent) -> dict:
    data = {f: getattr(talent, f) for f in TALENT_FIELDS}
    data["employer"] = talent.employer.name if talent.employer_id else ""
    data["phone"] = talent.masked_phone
    return {**data, "id_number": talent.masked_id_number}


def talent_create(*, actor, id_number: str, name: str, education: str, phone: str = "", professional_title: str = "",
                  skill_grade: str = "", employer=None, work_location: str = "", insurance_location: str = "",
                  residence: str = "") -> Talent:
    """The talent office registers a person: the resident ID number is checked (check digit, birth date) and is the
    person's key in the registry; the employer is a firm of the registry (looked up by its USCC in the form)."""
    if not perms.can_manage_registry(actor):
        raise PermissionDenied("您无权登记人才")
    id_number = normalize_code(id_number)
    if errors := _talent_checks(id_number=id_number, phone=phone):
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            talent = Talent.objects.create(
                id_number=id_number, name=name.strip(), phone=phone, education=education,
                professional_title=professional_title.strip(), skill_grade=skill_grade, employer=employer,
                work_location=work_location.strip(), insurance_location=insurance_location.strip(),
                residence=residence.strip(), created_by=actor)
            audit_record(event_type="talent.registry.create", actor=actor, subject=talent,
                         after=_talent_snapshot(talent))
    except IntegrityError as exc:
        raise ValidationError({"id_number": "该身份证号码已登记在人才库中"}) from exc
    return talent


def talent_update(*, actor, talent: Talent, **changes) -> Talent:
    """Edit a registry entry (not its ID number: a wrong one is a new entry). One audit event with the changed
    fields before and after (ID number and phone masked)."""
    if not perms.can_manage_registry(actor):
        raise PermissionDenied("您无权修改人才信息")
    unknown = set(changes) - set(TALENT_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields {unknown}")
    if errors := _talent_checks(id_number=None, phone=changes.get("phone", "")):
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Talent.objects.select_for_update(of=("self",)).select_related("employer").get(pk=talent.pk)
        before = _talent_snapshot(locked)
        for field, value in changes.items():
            setattr(locked, field, value.strip() if isinstance(value, str) else value)
        locked.save()
        after = _talent_snapshot(locked)
        changed = [k for k in after if after[k] != before[k]]
        if changed:
            audit_record(event_type="talent.registry.update", actor=actor, subject=locked,
                         before={k: before[k] for k in changed}, after={k: after[k] for k in changed})
    return locked


def _check_evidence(file, field: str = "file") -> None:
    from gaoxin.core.uploads import check_upload

    try:
        check_upload(file, kind="evidence", label="证明材料")
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from exc


def evidence_add(*, actor, talent: Talent, label: str, file, application: RoundApplication | None = None) -> TalentEvidence:
    """An evidence file (certificate, award, contract …), checked by content like every upload. The office adds to
    any entry; a talent to their own, or to their own application while it waits for the formal check or was
    returned for completion."""
    own = getattr(perms.own_talent(actor), "pk", None) == talent.pk
    if not (perms.can_manage_registry(actor) or own):
        raise PermissionDenied("您无权上传该人才的证明材料")
    if application is not None and (application.talent_id != talent.pk
                                    or application.status not in ("submitted", "returned")):
        raise ValidationError("该申报已进入审查，不能再补充材料")
    if not (label or "").strip():
        raise ValidationError({"label": "请填写材料名称"})
    _check_evidence(file)
    with transaction.atomic():
        evidence = TalentEvidence.objects.create(talent=talent, application=application, label=label.strip(),
                                                 file=file, uploaded_by=actor)
        audit_record(event_type="talent.evidence.add", actor=actor, subject=talent,
                     after={"label": evidence.label, "application": application.pk if application else None})
    return evidence


def evidence_open(*, actor, evidence: TalentEvidence) -> TalentEvidence:
    """Hand out an evidence file to whoever may see it; every opening by staff is audited (as the 帮代办 files)."""
    if not perms.evidence_visible_to(actor).filter(pk=evidence.pk).exists():
        raise PermissionDenied("无权查看该材料")
    if perms.evidence_openings_are_audited(actor):
        audit_record(event_type="talent.evidence.open", actor=actor, subject=evidence.talent,
                     after={"label": evidence.label})
    return evidence


def resume_open(*, actor, checkin) -> None:
    """Hand out a résumé uploaded at an event's check-in to the talent office (who runs the events); every opening is
    audited, as the evidence files are."""
    if not perms.can_manage_events(actor):
        raise PermissionDenied("无权查看该简历")
    audit_record(event_type="talent.checkin.resume_open", actor=actor, subject=checkin.event,
                 after={"name": checkin.name})


def recognition_grant(*, actor, talent: Talent, title, tier, basis: str, recognised_on: dt.date,
                      valid_to: dt.date | None = None) -> Recognition:
    """The office records a recognition (a title at a tier, with its basis and validity; the title's default
    validity when none is given)."""
    from .workflow import _years_later

    if not perms.can_manage_registry(actor):
        raise PermissionDenied("您无权登记人才认定")
    valid_to = valid_to or _years_later(recognised_on, title.validity_years)
    errors = {}
    if not basis.strip():
        errors["basis"] = "请填写认定依据"
    if valid_to <= recognised_on:
        errors["valid_to"] = "有效期应晚于认定日期"
    if recognised_on > timezone.localdate():
        errors["recognised_on"] = "认定日期不能晚于今天"
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            recognition = Recognition.objects.create(talent=talent, title=title, tier=tier, basis=basis.strip(),
                                                     recognised_on=recognised_on, valid_to=valid_to, created_by=actor)
            audit_record(event_type="talent.recognition.create", actor=actor, subject=recognition,
                         after={"talent": talent.name, "title": title.name, "tier": tier.code,
                                "valid_to": valid_to.isoformat()})
    except IntegrityError as exc:
        raise ValidationError({"title": "此人已持有该称号的有效认定"}) from exc
    return recognition


def recognition_transition(*, recognition: Recognition, name: str, actor, reason: str = "") -> Recognition:
    return RECOGNITION_WORKFLOW.apply(recognition, name, actor=actor, reason=reason)


def talent_account_open(*, actor, talent: Talent, phone: str, password: str):
    """The talent office opens the person's own log-in (role 人才): the mobile phone is the log-in name, the first
    password is one the office hands over (checked by the password rules; the person changes it after logging in);
    the account carries the registry's checked ID number, which binds it to the entry."""
    from gaoxin.accounts.models import User
    from gaoxin.accounts.services import user_create

    if not perms.can_manage_registry(actor):
        raise PermissionDenied("您无权开通人才账号")
    phone = "".join((phone or "").split())
    if not re.match(MOBILE_PATTERN, phone):
        raise ValidationError({"phone": "请填写11位手机号码（即登录名）"})
    with transaction.atomic():
        locked = Talent.objects.select_for_update().get(pk=talent.pk)
        if locked.user_id:
            raise ValidationError("该人才已开通账号")
        if User.objects.filter(username__iexact=phone).exists():
            raise ValidationError({"phone": "该手机号码已有账号"})
        if User.objects.filter(id_number=locked.id_number).exists():
            raise ValidationError("该身份证号码已注册过账号，请本人到政务服务中心窗口办理账号变更")
        user = user_create(actor=actor, username=phone, password=password, full_name=locked.name,
                           role=Role.TALENT, phone=phone)
        user.id_number = locked.id_number
        user.save(update_fields=["id_number"])
        locked.user = user
        locked.save(update_fields=["user", "updated_at"])
        audit_record(event_type="talent.registry.account", actor=actor, subject=locked,
                     after={"username": phone, "id_number": locked.masked_id_number})
    return user


# --- recognition rounds (platform.md §3) ---------------------------------------------------------------------------


def round_create(*, actor, title: str, talent_title, tiers, opens_on: dt.date, closes_on: dt.date, quota=None,
                 pass_score=60, score_method: str = "mean", reviewers=()) -> RecognitionRound:
    if not perms.can_manage_rounds(actor):
        raise PermissionDenied("您无权发布认定批次")
    tiers, reviewers = list(tiers), list(reviewers)
    errors = {}
    if closes_on < opens_on:
        errors["closes_on"] = "申报截止日期不能早于开始日期"
    if not tiers:
        errors["tiers"] = "请至少选择一个可申报层次"
    if any(not r.is_staff_role for r in reviewers):
        errors["reviewers"] = "评审专家须为工作人员账号"
    if not 0 <= float(pass_score) <= 100:
        errors["pass_score"] = "分数线应在0至100之间"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        round = RecognitionRound.objects.create(title=title.strip(), talent_title=talent_title, opens_on=opens_on,
                                                closes_on=closes_on, quota=quota, pass_score=pass_score,
                                                score_method=score_method, created_by=actor)
        round.tiers.set(tiers)
        round.reviewers.set(reviewers)
        audit_record(event_type="talent.round.create", actor=actor, subject=round,
                     after={"title": round.title, "talent_title": talent_title.name,
                            "tiers": [t.code for t in tiers], "opens_on": opens_on.isoformat(),
                            "closes_on": closes_on.isoformat(), "quota": quota,
                            "reviewers": [r.get_full_name() for r in reviewers]})
    return round


def round_transition(*, round: RecognitionRound, name: str, actor, reason: str = "") -> RecognitionRound:
    return ROUND_WORKFLOW.apply(round, name, actor=actor, reason=reason)


def application_submit(*, actor, round: RecognitionRound, talent: Talent, tier, statement: str,
                       evidence=()) -> RoundApplication:
    """A talent applies in an open round (or the office on their behalf) with a statement and at least one evidence
    file, inside the application window, at a tier the round offers, once per round."""
    own = perms.own_talent(actor)
    if not (perms.can_manage_rounds(actor) or (own is not None and own.pk == talent.pk)):
        raise PermissionDenied("只能为本人申报")
    round = RecognitionRound.objects.select_related("talent_title").get(pk=round.pk)
    today = timezone.localdate()
    if round.status != RoundStatus.OPEN or not round.opens_on <= today <= round.closes_on:
        raise ValidationError(f"申报时间为{round.opens_on:%Y年%m月%d日}至{round.closes_on:%Y年%m月%d日}，当前不在申报期内")
    errors = {}
    if not round.tiers.filter(pk=tier.pk).exists():
        errors["tier"] = "本批次不认定该层次"
    if not statement.strip():
        errors["statement"] = "请填写申报理由及主要业绩"
    evidence = [(label, f) for label, f in evidence if f]
    if not evidence:
        errors["evidence"] = "请上传至少一份证明材料"
    for _label, f in evidence:
        try:
            _check_evidence(f, "evidence")
        except ValidationError as exc:
            errors.setdefault("evidence", exc.message_dict["evidence"])
    if Recognition.objects.filter(talent=talent, title=round.talent_title, status=RecognitionStatus.VALID).exists():
        errors["tier"] = f"已持有“{round.talent_title}”的有效认定，无需再申报"
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            application = RoundApplication.objects.create(round=round, talent=talent, tier=tier,
                                                          statement=statement.strip(), submitted_by=actor)
            for label, f in evidence:
                TalentEvidence.objects.create(talent=talent, application=application,
                                              label=(label or f.name)[:60], file=f, uploaded_by=actor)
            audit_record(event_type="talent.application.create", actor=actor, subject=application,
                         after={"round": round.title, "talent": talent.name, "tier": tier.code,
                                "evidence": len(evidence)})
            notifications.application_submitted(application)
    except IntegrityError as exc:
        raise ValidationError("已在本批次申报，请在申报页面查看进度") from exc
    return application


def application_transition(*, application: RoundApplication, name: str, actor, reason: str = "") -> RoundApplication:
    return APPLICATION_WORKFLOW.apply(application, name, actor=actor, reason=reason)


def score_enter(*, actor, application: RoundApplication, score, comment: str = "") -> ReviewScore:
    """A reviewer of the round scores an application that passed the formal check (0–100), while the round is in
    review; a new score replaces the reviewer's earlier one until the office concludes."""
    from decimal import Decimal, InvalidOperation

    try:
        value = Decimal(str(score)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValidationError({"score": "请填写0至100的分数"}) from None
    if not 0 <= value <= 100:
        raise ValidationError({"score": "请填写0至100的分数"})
    with transaction.atomic():
        application = RoundApplication.objects.select_for_update().select_related("round").get(pk=application.pk)
        round = application.round
        if not perms.is_reviewer(actor, round):
            raise PermissionDenied("您不是本批次的评审专家")
        if round.status != RoundStatus.REVIEW or application.status != "checked":
            raise ValidationError("该申报当前不在评审阶段")
        existing = ReviewScore.objects.filter(application=application, reviewer=actor).first()
        before = {"score": str(existing.score)} if existing else {}
        row, _ = ReviewScore.objects.update_or_create(application=application, reviewer=actor,
                                                      defaults={"score": value, "comment": comment.strip()[:300]})
        audit_record(event_type="talent.application.score", actor=actor, subject=application, before=before,
                     after={"score": str(value)})
        reviewers = set(round.reviewers.values_list("pk", flat=True))
        if reviewers <= set(application.scores.values_list("reviewer_id", flat=True)):
            notifications.all_scored(application)
    return row


def objection_file(*, actor, application: RoundApplication, reason: str, contact: str = "",
                   today: dt.date | None = None) -> RoundObjection:
    """An objection to a talent on the public notice, inside the notice window only (逾期不再受理)."""
    from gaoxin.core import notice

    if not perms.can_file_round_objection(actor):
        raise PermissionDenied("请登录后提出异议")
    application = RoundApplication.objects.select_related("round", "talent").get(pk=application.pk)
    round = application.round
    if round.status != RoundStatus.NOTICE or not notice.notice_open(round.notice_start, round.notice_end, today):
        raise ValidationError(notice.notice_refusal(round.notice_end, today) if round.status in (
            RoundStatus.NOTICE, RoundStatus.RECOGNISED) else "该批次尚未公示")
    if application.status != "passed":
        raise ValidationError("该人选不在公示名单中")
    if not reason.strip():
        raise ValidationError({"reason": "请写明异议内容和理由"})
    with transaction.atomic():
        objection = RoundObjection.objects.create(application=application, reason=reason.strip(),
                                                  contact=contact.strip(), filed_by=actor)
        audit_record(event_type="talent.objection.create", actor=actor, subject=objection,
                     after={"round": round.title, "talent": application.talent.name})
        notifications.objection_filed(objection)
    return objection


def objection_transition(*, objection: RoundObjection, name: str, actor, reason: str = "") -> RoundObjection:
    """Deciding an objection. An upheld one also takes its person off the list (不予认定) in the same transaction:
    one click for the office, two audited transitions (the objection's and the application's)."""
    with transaction.atomic():
        objection = OBJECTION_WORKFLOW.apply(objection, name, actor=actor, reason=reason)
        application = objection.application
        if name == "UPHOLD" and application.status == ApplicationStatus.PASSED:
            APPLICATION_WORKFLOW.apply(application, "DISQUALIFY", actor=actor, reason=reason)
    return objection


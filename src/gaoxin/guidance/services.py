"""Writes of 云导办: booking a session on the timetable, its steps (workflow.py), linking the case it started, the
reminders, and the FAQ. Each is one transaction with one audit event."""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from gaoxin.accounts.permissions import firm_ids_of
from gaoxin.catalog import search
from gaoxin.core.numbering import next_number, next_sequence
from gaoxin.core.selectors import work_calendar
from gaoxin.core.services import audit_record
from gaoxin.core.validators import PHONE_PATTERN

from . import notifications, slots
from . import permissions as perms
from .models import ACTIVE, FaqEntry, FaqStatus, GuidanceSession, SessionEvent, SessionStatus, moment_text
from .workflow import WORKFLOW


def timetable() -> list[slots.Slot]:
    return slots.day_slots(settings.GAOXIN_GUIDANCE_HOURS, settings.GAOXIN_GUIDANCE_SLOT_MINUTES)


def bookable_days(today: dt.date) -> list[dt.date]:
    """The next GAOXIN_GUIDANCE_BOOKING_DAYS working days from today (today included when it is one)."""
    calendar = work_calendar()
    days, day = [], today
    while len(days) < settings.GAOXIN_GUIDANCE_BOOKING_DAYS:
        if calendar.is_workday(day):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def slot_refusal(starts_at: dt.datetime, *, now: dt.datetime) -> tuple[str, slots.Slot | None]:
    """Why a slot cannot be booked, whatever its bookings ("" and the slot when it can)."""
    local = timezone.localtime(starts_at)
    day = local.date()
    if not work_calendar().is_workday(day):
        return f"{day.year}年{day.month}月{day.day}日不是工作日，不安排导办，请选择工作日的时段", None
    slot = slots.slot_at(settings.GAOXIN_GUIDANCE_HOURS, settings.GAOXIN_GUIDANCE_SLOT_MINUTES,
                         local.time().replace(tzinfo=None))
    if slot is None:
        return "请选择导办时段表中的时段", None
    if starts_at <= now:
        return f"{moment_text(local)}的时段已过，请选择之后的时段", None
    if day not in bookable_days(timezone.localtime(now).date()):
        return f"只能预约{settings.GAOXIN_GUIDANCE_BOOKING_DAYS}个工作日内的时段", None
    return "", slot


def _check_contact(contact_name: str, contact_phone: str) -> None:
    if not contact_name.strip():
        raise ValidationError({"contact_name": "请填写联系人"})
    if not re.fullmatch(PHONE_PATTERN, contact_phone.strip()):
        raise ValidationError({"contact_phone": "请填写正确的联系电话（手机号或带区号的固定电话）"})


@transaction.atomic
def session_book(*, actor, item, starts_at: dt.datetime, question: str, contact_name: str, contact_phone: str,
                 enterprise=None, case=None, now: dt.datetime | None = None) -> GuidanceSession:
    """预约导办 for an item (or a case of the booker's): a slot of the timetable on a working day, not past, with a
    guide free (GAOXIN_GUIDANCE_PARALLEL per slot) and no other live booking of the booker at that time."""
    now = now or timezone.now()
    if not perms.can_book(actor):
        raise PermissionDenied("只有企业用户或注册的个人可以预约导办")
    if case is not None:
        if not perms.can_book_for_case(actor, case):
            raise PermissionDenied("只能为本人或本企业的办件预约导办")
        enterprise = case.enterprise
    if item is None or item.status != "published" or item.current_version_id is None:
        raise ValidationError({"item": "该事项未在办理，不能预约导办"})
    firms = firm_ids_of(actor)
    if enterprise is not None and enterprise.pk not in firms and case is None:
        raise PermissionDenied("只能为本企业预约导办")
    if enterprise is None and firms and not actor.id_number:
        raise ValidationError({"enterprise": "请选择为哪家企业预约"})
    if not question.strip():
        raise ValidationError({"question": "请简要说明需要咨询的问题"})
    _check_contact(contact_name, contact_phone)
    refusal, slot = slot_refusal(starts_at, now=now)
    if refusal:
        raise ValidationError({"starts_at": refusal})
    ends_at = starts_at + dt.timedelta(minutes=settings.GAOXIN_GUIDANCE_SLOT_MINUTES)
    # One locked counter row per slot: two bookings of the same slot queue here, so the count below is current.
    next_sequence("DYSLOT", f"{timezone.localtime(starts_at):%y%m%d%H%M}")
    taken = GuidanceSession.objects.filter(starts_at=starts_at, status__in=ACTIVE).count()
    if taken >= settings.GAOXIN_GUIDANCE_PARALLEL:
        raise ValidationError({"starts_at": f"{moment_text(starts_at)}的时段已约满，请选择其他时段"})
    clash = (GuidanceSession.objects.filter(booked_by=actor, status__in=ACTIVE, starts_at__lt=ends_at,
                                            ends_at__gt=starts_at).first())
    if clash is not None:
        raise ValidationError({"starts_at": f"您在该时段已有导办预约{clash.number}，同一时间只能预约一次"})
    session = GuidanceSession.objects.create(
        number=next_number("DY"), item=item, department_id=item.department_id, case=case, booked_by=actor,
        enterprise=enterprise, starts_at=starts_at, ends_at=ends_at, question=question.strip()[:1000],
        contact_name=contact_name.strip(), contact_phone=contact_phone.strip())
    SessionEvent.objects.create(session=session, transition="BOOK", to_status=session.status,
                                actor_repr=actor.get_full_name())
    audit_record(event_type="guidance.session.book", actor=actor, subject=session,
                 after={"status": session.status, "item": item.name, "starts_at": starts_at.isoformat(),
                        "case": case.number if case else ""})
    notifications.session_booked(session, actor)
    return session


def session_transition(*, session: GuidanceSession, name: str, actor, reason: str = "", **params) -> GuidanceSession:
    """Any step of the table by name (the page's and the API's one verb); the named functions below are the same."""
    return WORKFLOW.apply(session, name, actor=actor, reason=reason, **params)


def session_confirm(*, session: GuidanceSession, actor, meeting_url: str = "") -> GuidanceSession:
    return session_transition(session=session, name="CONFIRM", actor=actor, meeting_url=meeting_url)


def session_hold(*, session: GuidanceSession, actor) -> GuidanceSession:
    return session_transition(session=session, name="HOLD", actor=actor)


def session_close(*, session: GuidanceSession, actor, outcome: str, note: str, faq_question: str = "",
                  situation=None, appeal_title: str = "") -> GuidanceSession:
    return session_transition(session=session, name="CLOSE", actor=actor, outcome=outcome, note=note,
                              faq_question=faq_question, situation=situation, appeal_title=appeal_title)


def session_no_show(*, session: GuidanceSession, actor) -> GuidanceSession:
    return session_transition(session=session, name="NO_SHOW", actor=actor)


def session_cancel(*, session: GuidanceSession, actor, reason: str) -> GuidanceSession:
    return session_transition(session=session, name="CANCEL", actor=actor, reason=reason)


@transaction.atomic
def session_link_case(*, session: GuidanceSession, case, actor) -> GuidanceSession:
    """The case filed from the session's prefilled application links back to the session (once)."""
    locked = GuidanceSession.objects.select_for_update().get(pk=session.pk)
    if not perms.can_apply_from_session(actor, locked):
        raise ValidationError("该导办的申请已提交或不可发起")
    locked.started_case = case
    locked.save(update_fields=["started_case", "updated_at"])
    SessionEvent.objects.create(session=locked, transition="CASE", to_status=locked.status,
                                actor_repr=actor.get_full_name(), data={"number": case.number})
    audit_record(event_type="guidance.session.case_linked", actor=actor, subject=locked,
                 after={"case": case.number})
    return locked


def sessions_remind(*, now: dt.datetime | None = None) -> int:
    """Remind the bookers of confirmed sessions starting within GAOXIN_GUIDANCE_REMIND_MINUTES (once each: the
    notification key). Idempotent; run by `gaoxin remind_guidance` (e.g. every ten minutes)."""
    now = now or timezone.now()
    due = GuidanceSession.objects.filter(
        status=SessionStatus.CONFIRMED, reminded_at__isnull=True, starts_at__gt=now,
        starts_at__lte=now + dt.timedelta(minutes=settings.GAOXIN_GUIDANCE_REMIND_MINUTES),
    ).select_related("item", "booked_by")
    count = 0
    for session in due:
        with transaction.atomic():
            updated = GuidanceSession.objects.filter(pk=session.pk, reminded_at__isnull=True).update(reminded_at=now)
            if updated:
                notifications.session_reminder(session)
                count += 1
    return count


# --- FAQ ---------------------------------------------------------------------------------------------------------

def faq_search_text(item, question: str) -> str:
    """The pinyin and initials of the question, the item's name and keywords, as the guide search keeps them."""
    return search.item_search_text(name=question, keywords=[item.name, *item.keyword_list()],
                                   code=item.implementation_code)


def _faq_check(question: str, answer: str) -> None:
    if not question.strip():
        raise ValidationError({"question": "请填写问题"})
    if not answer.strip():
        raise ValidationError({"answer": "请填写解答"})


@transaction.atomic
def faq_create(*, item, question: str, answer: str, actor, source: GuidanceSession | None = None) -> FaqEntry:
    """A published FAQ entry on the item's current version (from a session: its source)."""
    if not perms.can_manage_faq(actor) or not perms.items_for_faq(actor).filter(pk=item.pk).exists():
        raise PermissionDenied("您无权为该事项编写常见问题")
    _faq_check(question, answer)
    entry = FaqEntry.objects.create(item=item, version_id=item.current_version_id, question=question.strip()[:200],
                                    answer=answer.strip()[:2000], source_session=source, created_by=actor,
                                    search_text=faq_search_text(item, question.strip()))
    audit_record(event_type="guidance.faq.create", actor=actor, subject=entry,
                 after={"item": item.name, "question": entry.question, "session": source.number if source else ""})
    return entry


def faq_carry_over(*, item, version, previous, actor) -> int:
    """Part of publishing an item's new guide version (catalog's PUBLISH, inside its transaction and audit record):
    each published entry of the replaced version is copied onto the new one (the earlier entry stays with its
    version), and the item's FAQ keepers are asked to check them. Returns how many were carried."""
    entries = list(FaqEntry.objects.filter(version=previous, status=FaqStatus.PUBLISHED).order_by("pk"))
    FaqEntry.objects.bulk_create([
        FaqEntry(item=item, version=version, question=e.question, answer=e.answer, source_session_id=e.source_session_id,
                 carried_from=e, created_by_id=e.created_by_id, search_text=faq_search_text(item, e.question))
        for e in entries])
    if entries:
        notifications.faqs_carried(item, version, len(entries), actor)
    return len(entries)


def _faq_current(entry: FaqEntry) -> None:
    """An entry of a replaced guide version is history (its copy on the current version is the one to change)."""
    if entry.version_id != entry.item.current_version_id:
        raise ValidationError(f"该问题属于事项的历史版本（第{entry.version.number}版），仅供查阅，不能修改；"
                              f"请修改现行版本上的同一问题")


@transaction.atomic
def faq_update(*, entry: FaqEntry, question: str, answer: str, actor) -> FaqEntry:
    if not perms.can_edit_faq(actor, entry):
        raise PermissionDenied("您无权修改该常见问题")
    _faq_current(entry)
    _faq_check(question, answer)
    before = {"question": entry.question, "answer": entry.answer}
    entry.question, entry.answer = question.strip()[:200], answer.strip()[:2000]
    entry.search_text = faq_search_text(entry.item, entry.question)
    entry.save(update_fields=["question", "answer", "search_text", "updated_at"])
    audit_record(event_type="guidance.faq.update", actor=actor, subject=entry, before=before,
                 after={"question": entry.question, "answer": entry.answer})
    return entry


@transaction.atomic
def faq_set_status(*, entry: FaqEntry, status: str, actor) -> FaqEntry:
    """发布 / 撤回."""
    if not perms.can_edit_faq(actor, entry):
        raise PermissionDenied("您无权修改该常见问题")
    if status not in FaqStatus.values:
        raise ValidationError("未知状态")
    _faq_current(entry)
    if entry.status == status:
        raise ValidationError(f"该常见问题已是“{FaqStatus(status).label}”")
    before = entry.status
    entry.status = status
    entry.save(update_fields=["status", "updated_at"])
    audit_record(event_type="guidance.faq.publish" if status == FaqStatus.PUBLISHED else "guidance.faq.withdraw",
                 actor=actor, subject=entry, before={"status": before}, after={"status": status})
    return entry

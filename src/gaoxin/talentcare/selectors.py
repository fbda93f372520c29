"""Reads of 人才服务保障: the allocation queue in priority order, a talent's best tier, the occupancy of the apartments,
the pairing coverage (结对联系人才全覆盖) and a leader's talents with their last contact. Each list is one query
(or a constant few), whatever its length."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import BooleanField, Case, Count, Exists, F, Max, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from gaoxin.talent.models import Recognition, Talent, TalentTier

from .models import (
    ApartmentUnit,
    ApplicationStatus,
    HousingApplication,
    Lease,
    LeaseStatus,
    Pairing,
    UnitStatus,
)

# The keys GAOXIN_TALENTCARE_QUEUE_ORDER may list, each an ordering of the queue (earlier keys decide first).
QUEUE_KEYS = {
    "tier": "人才层次高者优先（未认定层次的排在最后）",
    "applied_at": "申请时间早者优先",
    "family_size": "同住人数多者优先",
}


def _valid_recognitions(on: dt.date | None = None) -> QuerySet[Recognition]:
    on = on or timezone.localdate()
    return Recognition.objects.filter(status="valid", valid_to__gte=on, recognised_on__lte=on)


def best_tier(talent: Talent, *, on: dt.date | None = None) -> TalentTier | None:
    """The highest tier among the talent's valid recognitions on that day (rank 1 is the highest)."""
    rec = _valid_recognitions(on).filter(talent=talent).select_related("tier").order_by("tier__rank", "pk").first()
    return rec.tier if rec else None


def with_best_tier(qs: QuerySet, talent_path: str = "talent") -> QuerySet:
    """Annotate `best_rank` and `best_tier` (the code) of the talent at `talent_path` ("" for Talent itself)."""
    outer = OuterRef(f"{talent_path}_id" if talent_path else "pk")
    best = _valid_recognitions().filter(talent_id=outer).order_by("tier__rank", "pk")
    return qs.annotate(best_rank=Subquery(best.values("tier__rank")[:1]),
                       best_tier=Subquery(best.values("tier__code")[:1]))


def queue_ordering() -> list:
    order = []
    for key in settings.GAOXIN_TALENTCARE_QUEUE_ORDER:
        if key == "tier":
            order.append(F("best_rank").asc(nulls_last=True))
        elif key == "applied_at":
            order.append(F("applied_at").asc())
        elif key == "family_size":
            order.append(F("family_size").desc())
        else:
            raise ImproperlyConfigured(f"GAOXIN_TALENTCARE_QUEUE_ORDER: unknown key {key!r} (use {sorted(QUEUE_KEYS)})")
    return [*order, F("applied_at").asc(), F("pk").asc()]


def queue(qs: QuerySet[HousingApplication] | None = None) -> QuerySet[HousingApplication]:
    """The applications waiting for a flat, in priority order (GAOXIN_TALENTCARE_QUEUE_ORDER)."""
    qs = HousingApplication.objects.all() if qs is None else qs
    return with_best_tier(qs.filter(status=ApplicationStatus.QUEUED)).select_related(
        "talent", "talent__employer").order_by(*queue_ordering())


def queue_position(application: HousingApplication) -> int | None:
    """1 for the head of the queue; None when the application is not waiting."""
    if application.status != ApplicationStatus.QUEUED:
        return None
    ids = list(queue().values_list("pk", flat=True))
    return ids.index(application.pk) + 1 if application.pk in ids else None


def queue_ahead(application: HousingApplication, *, rooms: int) -> int:
    """How many waiting applications come before this one and could take a flat of `rooms` rooms."""
    ahead = 0
    for pk, wanted in queue().values_list("pk", "rooms_wanted"):
        if pk == application.pk:
            return ahead
        if wanted <= rooms:
            ahead += 1
    return ahead


def occupancy() -> dict:
    """Units per status and the occupancy rate (occupied ÷ units not in maintenance)."""
    counts = dict(ApartmentUnit.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    total = sum(counts.values())
    usable = total - counts.get(UnitStatus.MAINTENANCE, 0)
    occupied = counts.get(UnitStatus.OCCUPIED, 0)
    return {"total": total, "usable": usable, "occupied": occupied, "free": counts.get(UnitStatus.FREE, 0),
            "reserved": counts.get(UnitStatus.RESERVED, 0), "maintenance": counts.get(UnitStatus.MAINTENANCE, 0),
            "rate": round(100 * occupied / usable, 1) if usable else None}


def expiring_leases(*, today: dt.date | None = None) -> QuerySet[Lease]:
    """Active leases ending within GAOXIN_TALENTCARE_EXPIRY_REMINDER_WORKDAYS working days (or already past)."""
    from gaoxin.core.selectors import work_calendar

    today = today or timezone.localdate()
    horizon = work_calendar().add_working_days(today, settings.GAOXIN_TALENTCARE_EXPIRY_REMINDER_WORKDAYS)
    return Lease.objects.filter(status=LeaseStatus.ACTIVE, end_on__lte=horizon)


# --- pairing ---------------------------------------------------------------------------------------------------


def pairing_tier() -> TalentTier | None:
    return TalentTier.objects.filter(code=settings.GAOXIN_TALENTCARE_PAIRING_TIER).first()


def coverage_talents() -> QuerySet[Talent]:
    """The talents who should have a paired leader: a valid recognition at GAOXIN_TALENTCARE_PAIRING_TIER or higher."""
    tier = pairing_tier()
    if tier is None:
        return Talent.objects.none()
    return Talent.objects.filter(Exists(_valid_recognitions().filter(talent=OuterRef("pk"), tier__rank__lte=tier.rank)))


def coverage(*, uncovered_only: bool = False) -> QuerySet[Talent]:
    """The coverage list: each talent in scope with its current leader (None: not paired, flagged)."""
    current = Pairing.objects.filter(talent=OuterRef("pk"), ended_on__isnull=True)
    qs = with_best_tier(coverage_talents(), talent_path="").annotate(
        pairing_id=Subquery(current.values("pk")[:1]),
        leader_name=Subquery(current.values("leader__full_name")[:1]),
    ).select_related("employer").order_by(F("pairing_id").asc(nulls_first=True), "best_rank", "name", "pk")
    if uncovered_only:
        qs = qs.filter(pairing_id__isnull=True)
    return qs


def coverage_counts() -> dict:
    talents = coverage_talents()
    total = talents.count()
    covered = talents.filter(Exists(Pairing.objects.filter(talent=OuterRef("pk"), ended_on__isnull=True))).count()
    return {"total": total, "covered": covered, "uncovered": total - covered,
            "rate": round(100 * covered / total, 1) if total else None, "tier": pairing_tier()}


def contact_due_since(today: dt.date | None = None) -> dt.date:
    """A current pairing whose last contact (or, without one, its start) is before this day is overdue."""
    return (today or timezone.localdate()) - dt.timedelta(days=settings.GAOXIN_TALENTCARE_CONTACT_DAYS)


def leader_pairings(qs: QuerySet[Pairing]) -> QuerySet[Pairing]:
    """Pairings with the last contact date, the number of contacts and `overdue` (current, no contact within
    GAOXIN_TALENTCARE_CONTACT_DAYS days, counting from the pairing when there was none); overdue ones first."""
    due_since = contact_due_since()
    qs = with_best_tier(qs).annotate(last_contact=Max("contacts__contacted_on"), contacts_count=Count("contacts"))
    qs = qs.annotate(overdue=Case(
        When(Q(ended_on__isnull=True) & (Q(last_contact__lt=due_since) | Q(last_contact__isnull=True, since__lt=due_since)),
             then=Value(True)), default=Value(False), output_field=BooleanField()))
    return qs.select_related("talent", "talent__employer", "leader").order_by(
        F("ended_on").asc(nulls_first=True), F("overdue").desc(), F("last_contact").asc(nulls_first=True), "pk")


def talent_appeals(*, user, status: str = "") -> QuerySet:
    """The talent-flagged appeals (人才服务) this user may see, through the appeals room's own scoper."""
    from gaoxin.appeals.selectors import appeal_list

    return appeal_list(user=user, status=status, talent_only=True)


def live_application(talent: Talent) -> HousingApplication | None:
    return (HousingApplication.objects.filter(talent=talent).select_related("unit", "unit__building")
            .order_by("-applied_at", "-pk").first())


def current_lease(talent: Talent) -> Lease | None:
    return (Lease.objects.filter(talent=talent).select_related("unit", "unit__building")
            .order_by(F("moved_out_on").desc(nulls_first=True), "-start_on", "-pk").first())


def own_pairing(talent: Talent) -> Pairing | None:
    return Pairing.objects.filter(talent=talent, ended_on__isnull=True).select_related("leader").first()


def leaders():
    from gaoxin.accounts.models import Role, User

    return User.objects.filter(role=Role.LEADER, is_active=True).order_by("full_name", "pk")


def units_for_offer(application: HousingApplication) -> QuerySet[ApartmentUnit]:
    """Free units with at least the rooms wanted, the exact number of rooms first (then the smaller ones)."""
    return ApartmentUnit.objects.filter(status=UnitStatus.FREE, rooms__gte=application.rooms_wanted).select_related(
        "building").order_by("rooms", "rent", "building__name", "number")


"""Who sees and does what in talent and employment. The talent office is the human-resources bureau's officers
(GAOXIN_TALENT_DEPARTMENT_CODES) and the zone administrators; a firm sees its own demands, hires and agreements;
station officers and agents register demands and hires for the firms they serve; leaders read. A hired person's ID
number is shown in full to the talent office only."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet

from gaoxin.accounts.models import Role
from gaoxin.accounts.permissions import firm_ids_of, has_role, is_staff_role, register_user_fact, user_fact

from .models import (
    ApplicationStatus,
    Hire,
    JobDemand,
    MatchEvent,
    RecognitionRound,
    RoundApplication,
    RoundStatus,
    SchoolAgreement,
    Talent,
    TalentEvidence,
)

FIELD_STAFF = (Role.STATION_OFFICER, Role.AGENT)


def is_talent_office(user) -> bool:
    if has_role(user, Role.ZONE_ADMIN):
        return True
    return (has_role(user, Role.DEPT_OFFICER) and user.org_unit is not None
            and user.org_unit.code in settings.GAOXIN_TALENT_DEPARTMENT_CODES)


def can_view_talent(user) -> bool:
    return (is_talent_office(user) or has_role(user, Role.LEADER, *FIELD_STAFF)
            or (has_role(user, Role.ENTERPRISE) and bool(firm_ids_of(user))))


def demands_visible_to(user) -> QuerySet[JobDemand]:
    """Posts are not personal data: staff who match people to jobs see every demand; a firm its own."""
    if is_talent_office(user) or has_role(user, Role.LEADER, *FIELD_STAFF):
        return JobDemand.objects.all()
    if has_role(user, Role.ENTERPRISE):
        return JobDemand.objects.filter(enterprise_id__in=sorted(firm_ids_of(user)))
    return JobDemand.objects.none()


def hires_visible_to(user) -> QuerySet[Hire]:
    if is_talent_office(user) or has_role(user, Role.LEADER):
        return Hire.objects.all()
    if has_role(user, *FIELD_STAFF):
        own = Q(recorded_by=user)
        if user.org_unit_id:
            own |= Q(station_id=user.org_unit_id)
        return Hire.objects.filter(own)
    if has_role(user, Role.ENTERPRISE):
        return Hire.objects.filter(demand__enterprise_id__in=sorted(firm_ids_of(user)))
    return Hire.objects.none()


def can_view_id_numbers(user) -> bool:
    return is_talent_office(user)


def can_post_demand(user) -> bool:
    return is_talent_office(user) or has_role(user, *FIELD_STAFF) or (
        has_role(user, Role.ENTERPRISE) and bool(firm_ids_of(user)))


def talent_appeals_for_demand(user):
    """The firms' 人才 appeals (category 人才) this user may turn into job demands: the talent office and field staff,
    among the appeals they see (appeals.permissions)."""
    from gaoxin.appeals.models import Category
    from gaoxin.appeals.permissions import appeals_visible_to

    if not (is_talent_office(user) or has_role(user, *FIELD_STAFF)):
        return None
    return appeals_visible_to(user).filter(category=Category.TALENT, enterprise__isnull=False)


# A 人才 appeal still being handled may become a job demand; a resolved, closed or referred-out one may not.
APPEAL_DONE = ("resolved", "closed", "referred_out")


def appeal_convertible(appeal) -> bool:
    return appeal.status not in APPEAL_DONE


def firms_for_demand(user) -> QuerySet | None:
    """The firms a user may post for: an enterprise user its own; staff any (None)."""
    from gaoxin.enterprises.models import Enterprise

    if has_role(user, Role.ENTERPRISE):
        return Enterprise.objects.filter(pk__in=sorted(firm_ids_of(user)))
    return None


def can_record_hire(user, demand: JobDemand) -> bool:
    if is_talent_office(user) or has_role(user, *FIELD_STAFF):
        return True
    return has_role(user, Role.ENTERPRISE) and demand.enterprise_id in firm_ids_of(user)


def demand_roles(actor, demand: JobDemand) -> set[str]:
    roles = set()
    if is_talent_office(actor):
        roles.add("office")
    if has_role(actor, Role.ENTERPRISE) and demand.enterprise_id in firm_ids_of(actor):
        roles.add("firm")
    if has_role(actor, *FIELD_STAFF) and demand.created_by_id == actor.pk:
        roles.add("recorder")
    return roles


def hire_roles(actor, hire: Hire) -> set[str]:
    roles = set()
    if is_talent_office(actor):
        roles.add("office")
    if has_role(actor, Role.ENTERPRISE) and hire.demand.enterprise_id in firm_ids_of(actor):
        roles.add("firm")
    return roles


def can_manage_events(user) -> bool:
    return is_talent_office(user)


def events_visible_to(user) -> QuerySet[MatchEvent]:
    """Matchmaking events are announced to every firm and staff member who can use the room."""
    return MatchEvent.objects.all() if can_view_talent(user) else MatchEvent.objects.none()


def can_record_intent(user, event: MatchEvent) -> bool:
    return is_talent_office(user) or has_role(user, *FIELD_STAFF)


def agreements_visible_to(user) -> QuerySet[SchoolAgreement]:
    if is_talent_office(user) or has_role(user, Role.LEADER):
        return SchoolAgreement.objects.all()
    if has_role(user, Role.ENTERPRISE):
        return SchoolAgreement.objects.filter(enterprise_id__in=sorted(firm_ids_of(user)))
    return SchoolAgreement.objects.none()


def can_manage_agreements(user) -> bool:
    return is_talent_office(user)


def can_log_agreement_activity(user, agreement: SchoolAgreement) -> bool:
    return is_talent_office(user) or (has_role(user, Role.ENTERPRISE) and agreement.enterprise_id in firm_ids_of(user))


def can_view_shortage(user) -> bool:
    """The zone's 缺工 index for staff who match people to jobs and leaders; a firm its own figures."""
    return is_zone_shortage_viewer(user) or (has_role(user, Role.ENTERPRISE) and bool(firm_ids_of(user)))


def is_zone_shortage_viewer(user) -> bool:
    return is_talent_office(user) or has_role(user, Role.LEADER, *FIELD_STAFF)


def shortage_firms(user) -> list[int] | None:
    """The firms whose 缺工 a user sees: None for the whole zone, else the firm user's own firms."""
    return None if is_zone_shortage_viewer(user) else sorted(firm_ids_of(user))


# --- talent registry and recognition rounds (benefits.md §6.2, platform.md §3) ------------------------------------
# The talent office keeps the registry and runs the rounds; leaders read it; a firm sees the talents it employs
# (ID numbers masked); a talent (role 人才, bound to the registry row by the ID number) sees their own entry and
# applies in open rounds; reviewers (any staff member the office names) score the applications that passed the
# formal check of the rounds they review.


def is_talent(user) -> bool:
    return has_role(user, Role.TALENT)


def own_talent(user) -> Talent | None:
    """The registry row bound to a talent's log-in (kept on the user object: one query per request)."""
    if not is_talent(user):
        return None
    if not hasattr(user, "_own_talent"):
        user._own_talent = Talent.objects.filter(user=user).select_related("employer").first()
    return user._own_talent


def can_view_registry(user) -> bool:
    return is_talent_office(user) or has_role(user, Role.LEADER) or (
        has_role(user, Role.ENTERPRISE) and bool(firm_ids_of(user)))


def can_manage_registry(user) -> bool:
    return is_talent_office(user)


def talents_visible_to(user) -> QuerySet[Talent]:
    if is_talent_office(user) or has_role(user, Role.LEADER):
        return Talent.objects.all()
    if has_role(user, Role.ENTERPRISE):
        return Talent.objects.filter(employer_id__in=sorted(firm_ids_of(user)))
    if is_talent(user):
        return Talent.objects.filter(user=user)
    return Talent.objects.none()


def can_view_talent_id_numbers(user, talent: Talent | None = None) -> bool:
    """In full to the talent office, and to the talent themself; masked to everyone else."""
    return is_talent_office(user) or (talent is not None and is_talent(user) and talent.user_id == user.pk)


def evidence_visible_to(user) -> QuerySet[TalentEvidence]:
    """Evidence files are personal documents: the talent office, the talent, and the reviewers of the application
    a file was submitted with (once it passed the formal check)."""
    if is_talent_office(user):
        return TalentEvidence.objects.all()
    if is_talent(user):
        return TalentEvidence.objects.filter(talent__user=user)
    if is_staff_role(user):
        return TalentEvidence.objects.filter(application__round__reviewers=user,
                                             application__status__in=REVIEWED_STATES)
    return TalentEvidence.objects.none()


def evidence_openings_are_audited(user) -> bool:
    return is_staff_role(user)


REVIEWED_STATES = (ApplicationStatus.CHECKED, ApplicationStatus.PASSED, ApplicationStatus.FAILED,
                   ApplicationStatus.DISQUALIFIED)


def rounds_visible_to(user) -> QuerySet[RecognitionRound]:
    """Rounds are announced: the office, leaders and talents see every round; a reviewer the rounds they review."""
    if is_talent_office(user) or has_role(user, Role.LEADER) or is_talent(user):
        return RecognitionRound.objects.all()
    if is_staff_role(user):
        return RecognitionRound.objects.filter(reviewers=user)
    return RecognitionRound.objects.none()


# Whether a user reviews any round, or one in review now: asked by the navigation and the home page on every page,
# so read with the user's other facts in one query (accounts.permissions.user_facts).
register_user_fact("talent_reviewer", lambda: Exists(RecognitionRound.objects.filter(reviewers=OuterRef("pk"))))
register_user_fact("talent_reviewing", lambda: Exists(RecognitionRound.objects.filter(
    reviewers=OuterRef("pk"), status=RoundStatus.REVIEW)))


def is_round_reviewer(user) -> bool:
    """A staff member the talent office named a reviewer of a round (any department): the rounds are theirs to read."""
    return is_staff_role(user) and user_fact(user, "talent_reviewer")


def can_view_rounds(user) -> bool:
    return is_talent_office(user) or has_role(user, Role.LEADER) or is_talent(user) or is_round_reviewer(user)


def reviews_rounds(user) -> bool:
    """A staff member named a reviewer of a round still in review (their home page shows the work)."""
    return is_staff_role(user) and user_fact(user, "talent_reviewing")


def can_manage_rounds(user) -> bool:
    return is_talent_office(user)


def applications_visible_to(user) -> QuerySet[RoundApplication]:
    if is_talent_office(user) or has_role(user, Role.LEADER):
        return RoundApplication.objects.all()
    if is_talent(user):
        return RoundApplication.objects.filter(talent__user=user)
    if is_staff_role(user):
        return RoundApplication.objects.filter(round__reviewers=user, status__in=REVIEWED_STATES)
    return RoundApplication.objects.none()


def can_apply_in_round(user, round: RecognitionRound) -> bool:
    """A talent with a registry entry applies themself; the office applies on a talent's behalf."""
    if round.status != RoundStatus.OPEN:
        return False
    return is_talent_office(user) or own_talent(user) is not None


def is_reviewer(user, round: RecognitionRound) -> bool:
    return is_staff_role(user) and round.reviewers.filter(pk=user.pk).exists()


def application_roles(actor, application: RoundApplication) -> set[str]:
    roles = set()
    if is_talent_office(actor):
        roles.add("office")
    if is_talent(actor) and application.talent.user_id == actor.pk:
        roles.add("applicant")
    return roles


def office_roles(actor, obj) -> set[str]:
    return {"office"} if is_talent_office(actor) else set()


def can_file_round_objection(user) -> bool:
    """Anyone with an account may object to a talent on a round's public notice (inside the window)."""
    return bool(user and user.is_authenticated and user.is_active)

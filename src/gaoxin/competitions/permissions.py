"""Who sees and runs the innovation competitions. The organising department (GAOXIN_COMPETITIONS_DEPARTMENT_CODES,
the zone's science and technology bureau) and the zone administrator set up editions and invite firms; leaders read
everything; every member of staff and every firm user reads the editions and their rules (they are public); a firm
sees only its own invitations and registrations."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet

from gaoxin.accounts.models import Role
from gaoxin.accounts.permissions import firm_ids_of, has_role, is_staff_role

from .models import Edition


def is_competition_office(user) -> bool:
    """An officer of the organising department, or the zone administrator."""
    if has_role(user, Role.ZONE_ADMIN):
        return True
    return (has_role(user, Role.DEPT_OFFICER) and user.org_unit_id is not None
            and user.org_unit.code in settings.GAOXIN_COMPETITIONS_DEPARTMENT_CODES)


def can_view_competitions(user) -> bool:
    return is_staff_role(user) or (has_role(user, Role.ENTERPRISE) and bool(firm_ids_of(user)))


def editions_visible_to(user) -> QuerySet[Edition]:
    """An edition and its rules are public to whoever may use the room."""
    return Edition.objects.all() if can_view_competitions(user) else Edition.objects.none()


def can_manage_competitions(user) -> bool:
    return is_competition_office(user)


def reads_all_registrations(user) -> bool:
    """The organising department, the administrator and leaders read every firm's place in an edition."""
    return is_competition_office(user) or has_role(user, Role.LEADER)


def registrations_visible_to(user) -> QuerySet:
    """The organising department, the administrator and leaders read every firm's place; a firm its own."""
    from .models import Registration

    if reads_all_registrations(user):
        return Registration.objects.all()
    if has_role(user, Role.ENTERPRISE):
        return Registration.objects.filter(enterprise_id__in=sorted(firm_ids_of(user)))
    return Registration.objects.none()


def registration_roles(actor, registration) -> set[str]:
    """"firm": a user of the invited firm (answers the invitation, withdraws); "office": the organising department
    (checks eligibility, withdraws a firm)."""
    roles = set()
    if has_role(actor, Role.ENTERPRISE) and registration.enterprise_id in firm_ids_of(actor):
        roles.add("firm")
    if is_competition_office(actor):
        roles.add("office")
    return roles


def firm_users(enterprise_id: int) -> list:
    from gaoxin.accounts.models import User

    return list(User.objects.filter(enterprise_memberships__enterprise_id=enterprise_id, is_active=True,
                                    role=Role.ENTERPRISE).distinct().order_by("pk"))


# --- judging a zone round --------------------------------------------------------------------------------------


def judge_of(user, round):
    """The user's place on the round's panel, or None."""
    if not is_staff_role(user):
        return None
    return round.judges.filter(user_id=user.pk).first()


def rounds_visible_to(user) -> QuerySet:
    """The organising department, the administrator and leaders read every round; a judge the rounds they sit on."""
    from .models import JudgingRound

    if reads_all_registrations(user):
        return JudgingRound.objects.all()
    if is_staff_role(user):
        return JudgingRound.objects.filter(judges__user=user).distinct()
    return JudgingRound.objects.none()


def round_roles(actor, round) -> set[str]:
    """"office": the organising department puts a round's results on notice, decides objections, makes them final."""
    return {"office"} if is_competition_office(actor) else set()


def published_rounds_visible_to(user) -> QuerySet:
    """A round's results once on notice (公示) are read by whoever may use the room (staff and firm users)."""
    from .models import JudgingRound, RoundStatus

    if not can_view_competitions(user):
        return JudgingRound.objects.none()
    return JudgingRound.objects.filter(status__in=[RoundStatus.NOTICE, RoundStatus.FINAL])


def can_file_objection(user) -> bool:
    """Anyone who may read the notice may object to it inside its window (staff, firm users)."""
    return can_view_competitions(user)


def office_users() -> list:
    """The organising department's officers (told of objections and of follow-ups that are due)."""
    from gaoxin.accounts.models import User

    return list(User.objects.filter(is_active=True, role=Role.DEPT_OFFICER,
                                    org_unit__code__in=settings.GAOXIN_COMPETITIONS_DEPARTMENT_CODES).order_by("pk"))


def awards_visible_to(user) -> QuerySet:
    """Awards: the organising department, the administrator and leaders all; a firm its own."""
    from .models import Award

    return Award.objects.filter(registration__in=registrations_visible_to(user))


def follow_up_roles(actor, follow_up) -> set[str]:
    roles = set()
    enterprise_id = follow_up.award.registration.enterprise_id
    if has_role(actor, Role.ENTERPRISE) and enterprise_id in firm_ids_of(actor):
        roles.add("firm")
    if is_competition_office(actor):
        roles.add("office")
    return roles


def sessions_visible_to(user) -> QuerySet:
    """Coaching sessions: the organising department, the administrator and leaders all; a firm those it was asked
    to."""
    from .models import CoachingSession

    if reads_all_registrations(user):
        return CoachingSession.objects.all()
    if has_role(user, Role.ENTERPRISE):
        return CoachingSession.objects.filter(participants__enterprise_id__in=sorted(firm_ids_of(user))).distinct()
    return CoachingSession.objects.none()

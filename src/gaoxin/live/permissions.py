"""Who hosts 云直播, who asks and who sees which questions. Everything defaults to deny.

- Anyone, logged in or not, reads the schedule and the replays (not a cancelled session's page details beyond its
  notice) and a session's chapters and its answered questions marked public (the text and the answer, never the
  asker).
- Hosts are the zone administration and the centre's window staff (every session: the centre runs the live room)
  and a department's officers (their own unit's sessions). They create and edit sessions, move them through their
  states, keep the chapters and moderate the questions. Leaders read everything and change nothing.
- Askers are enterprise users (for one of their firms, or a registered person for themself) and, when
  GAOXIN_LIVE_ANONYMOUS_QUESTIONS is on, visitors who leave a name and a phone. A question's private details (asker,
  firm, contact, consent, the appeal) are seen by the askers' firm (its users), the asker, the hosts who moderate it
  and leaders; never by another firm."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q, QuerySet

from gaoxin.accounts.models import Role
from gaoxin.accounts.permissions import firm_ids_of, has_role

HOST, ASKER = "host", "asker"
CENTRE_ROLES = (Role.ZONE_ADMIN, Role.WINDOW_CLERK)


def can_host(user) -> bool:
    """Create sessions and moderate questions: the centre, the administration, a department's officers."""
    return has_role(user, *CENTRE_ROLES) or (has_role(user, Role.DEPT_OFFICER) and bool(user.org_unit_id))


def can_manage_live(user) -> bool:
    """The staff pages (sessions in every state, the question queue): hosts and leaders."""
    return can_host(user) or has_role(user, Role.LEADER)


def sessions_managed_by(user) -> QuerySet:
    from .models import LiveSession

    if has_role(user, *CENTRE_ROLES, Role.LEADER):
        return LiveSession.objects.all()
    if has_role(user, Role.DEPT_OFFICER) and user.org_unit_id:
        return LiveSession.objects.filter(department_id=user.org_unit_id)
    return LiveSession.objects.none()


def can_edit_session(user, session) -> bool:
    if has_role(user, *CENTRE_ROLES):
        return True
    return has_role(user, Role.DEPT_OFFICER) and bool(user.org_unit_id) and session.department_id == user.org_unit_id


def session_roles(user, session) -> set[str]:
    return {HOST} if can_edit_session(user, session) else set()


def host_units(user) -> QuerySet:
    """The units a host may name as a session's 主办单位: the administrator and the centre any, an officer their own."""
    from gaoxin.accounts.models import OrgKind, OrgUnit

    units = OrgUnit.objects.filter(kind__in=[OrgKind.ADMINISTRATION, OrgKind.CENTRE, OrgKind.DEPARTMENT])
    if has_role(user, *CENTRE_ROLES):
        return units.order_by("kind", "name")
    if has_role(user, Role.DEPT_OFFICER) and user.org_unit_id:
        return units.filter(pk=user.org_unit_id)
    return units.none()


# --- questions -----------------------------------------------------------------------------------------------------

def can_ask(user) -> bool:
    """Enterprise users ask; a visitor who is not logged in asks when anonymous questions are on; staff do not."""
    if not getattr(user, "is_authenticated", False):
        return bool(settings.GAOXIN_LIVE_ANONYMOUS_QUESTIONS)
    return has_role(user, Role.ENTERPRISE)


def can_view_own_questions(user) -> bool:
    return has_role(user, Role.ENTERPRISE)


def own_questions(user) -> Q:
    firms = firm_ids_of(user)
    mine = Q(asked_by_id=user.pk)
    return Q(enterprise_id__in=sorted(firms)) | mine if firms else mine


def questions_visible_to(user) -> QuerySet:
    """Questions with their private details: the hosts of their session, leaders, the asker and the asker's firm."""
    from .models import Question

    if has_role(user, *CENTRE_ROLES, Role.LEADER):
        return Question.objects.all()
    if has_role(user, Role.DEPT_OFFICER) and user.org_unit_id:
        return Question.objects.filter(session__department_id=user.org_unit_id)
    if has_role(user, Role.ENTERPRISE):
        return Question.objects.filter(own_questions(user))
    return Question.objects.none()


def question_roles(user, question) -> set[str]:
    """"host": may moderate (the session's hosts); "asker": the person who asked or a user of the firm it was asked
    for (answers the consent question)."""
    roles = set()
    if can_edit_session(user, question.session):
        roles.add(HOST)
    if has_role(user, Role.ENTERPRISE) and (
            (question.asked_by_id and question.asked_by_id == user.pk)
            or (question.enterprise_id and question.enterprise_id in firm_ids_of(user))):
        roles.add(ASKER)
    return roles


def firms_for_asking(user) -> QuerySet:
    from gaoxin.enterprises.models import Enterprise

    return Enterprise.objects.filter(pk__in=sorted(firm_ids_of(user))).order_by("name")

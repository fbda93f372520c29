"""Who books, who guides, who sees which sessions and who keeps the FAQ.

- Bookers are enterprise users (a firm's staff, or a registered natural person); a firm's sessions are seen by the
  users acting for that firm, a person's own by themself, never by another firm.
- Guides are the centre's window staff and administrators (every session) and a department's officers (the
  sessions about their department's items). Leaders read every session.
- The FAQ is public once published; the centre keeps all of it, a department the entries of its items."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from gaoxin.accounts.models import Role
from gaoxin.accounts.permissions import firm_ids_of, has_role

CENTRE_ROLES = (Role.ZONE_ADMIN, Role.WINDOW_CLERK)


def can_book(user) -> bool:
    return has_role(user, Role.ENTERPRISE)


def can_offer_booking(user) -> bool:
    """The 预约导办 button: enterprise users book; an anonymous reader is sent to log in first."""
    return not getattr(user, "is_authenticated", False) or can_book(user)


def can_book_for_case(user, case) -> bool:
    """A case's applicant (its firm's users, or the person who filed it) books guidance about it."""
    if not can_book(user):
        return False
    return case.submitted_by_id == user.pk or (bool(case.enterprise_id) and case.enterprise_id in firm_ids_of(user))


def firms_for_booking(user) -> QuerySet:
    from gaoxin.enterprises.models import Enterprise

    return Enterprise.objects.filter(pk__in=sorted(firm_ids_of(user))).order_by("name")


def is_guide(user) -> bool:
    return has_role(user, *CENTRE_ROLES, Role.DEPT_OFFICER)


def own_sessions(user) -> Q:
    firms = firm_ids_of(user)
    mine = Q(booked_by_id=user.pk)
    return Q(enterprise_id__in=sorted(firms)) | mine if firms else mine


def sessions_visible_to(user) -> QuerySet:
    from .models import GuidanceSession

    if has_role(user, *CENTRE_ROLES, Role.LEADER):
        return GuidanceSession.objects.all()
    if has_role(user, Role.DEPT_OFFICER):
        return GuidanceSession.objects.filter(department_id=user.org_unit_id) if user.org_unit_id else \
            GuidanceSession.objects.none()
    if has_role(user, Role.ENTERPRISE):
        return GuidanceSession.objects.filter(own_sessions(user))
    return GuidanceSession.objects.none()


def can_view_sessions(user) -> bool:
    return has_role(user, *CENTRE_ROLES, Role.DEPT_OFFICER, Role.LEADER, Role.ENTERPRISE)


def session_roles(actor, session) -> set[str]:
    """Role tokens of the workflow: "guide" (the centre, or the item's department), "booker" (the person who booked
    or a user of the firm it was booked for)."""
    roles = set()
    if has_role(actor, *CENTRE_ROLES) or (has_role(actor, Role.DEPT_OFFICER) and actor.org_unit_id
                                          and actor.org_unit_id == session.department_id):
        roles.add("guide")
    if has_role(actor, Role.ENTERPRISE) and (
            session.booked_by_id == actor.pk or (session.enterprise_id and session.enterprise_id in firm_ids_of(actor))):
        roles.add("booker")
    return roles


def can_see_contact_phone(user, session) -> bool:
    """The booking's contact phone in full: the guides who call the booker (the centre, the item's department) and the
    booker's own side. Roles that only oversee (leaders) see it masked (138****1234)."""
    return bool(session_roles(user, session) & {"guide", "booker"})


def sessions_title(user) -> str:
    """The sessions list as the user's role reads it (the list page's title and the session page's breadcrumb)."""
    if is_guide(user):
        return "导办队列"
    if can_book(user):
        return "我的导办预约"
    return "全区导办预约"  # leaders oversee every session


def can_apply_from_session(user, session) -> bool:
    """发起申请: the booker opens the prefilled application while the session's case is not yet filed."""
    from .models import Outcome, SessionStatus

    return (session.status == SessionStatus.CLOSED and session.outcome == Outcome.APPLICATION
            and session.started_case_id is None and "booker" in session_roles(user, session))


# --- FAQ ---------------------------------------------------------------------------------------------------------

def can_manage_faq(user) -> bool:
    return has_role(user, *CENTRE_ROLES, Role.DEPT_OFFICER)


def faqs_managed_by(user) -> QuerySet:
    from .models import FaqEntry

    if has_role(user, *CENTRE_ROLES):
        return FaqEntry.objects.all()
    if has_role(user, Role.DEPT_OFFICER) and user.org_unit_id:
        return FaqEntry.objects.filter(item__department_id=user.org_unit_id)
    return FaqEntry.objects.none()


def items_for_faq(user) -> QuerySet:
    """The published items a user may write FAQ entries for."""
    from gaoxin.catalog.models import ItemStatus, ServiceItem

    qs = ServiceItem.objects.filter(status=ItemStatus.PUBLISHED, current_version__isnull=False)
    if has_role(user, *CENTRE_ROLES):
        return qs
    if has_role(user, Role.DEPT_OFFICER) and user.org_unit_id:
        return qs.filter(department_id=user.org_unit_id)
    return qs.none()


def can_edit_faq(user, entry) -> bool:
    if has_role(user, *CENTRE_ROLES):
        return True
    return has_role(user, Role.DEPT_OFFICER) and bool(user.org_unit_id) and entry.item.department_id == user.org_unit_id

"""Permission predicates `can_<verb>_<object>(user, obj)` and queryset scopers
`<objects>_visible_to(user)`. Everything defaults to deny (CONVENTIONS §5)."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet

from .models import STAFF_ROLES, Role


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def has_role(user, *roles: str) -> bool:
    return _active(user) and user.role in roles


def is_staff_role(user) -> bool:
    return _active(user) and user.role in STAFF_ROLES


# --- enterprises -------------------------------------------------------------------

def enterprises_visible_to(user) -> QuerySet:
    """Government staff see the whole registry (they serve every enterprise);
    an enterprise user sees only the enterprises bound to them."""
    from gaoxin.enterprises.models import Enterprise

    if is_staff_role(user):
        return Enterprise.objects.all()
    if has_role(user, Role.ENTERPRISE):
        return Enterprise.objects.filter(memberships__user=user)
    return Enterprise.objects.none()


def can_view_enterprise(user, enterprise) -> bool:
    return enterprises_visible_to(user).filter(pk=enterprise.pk).exists()


def can_edit_enterprise(user, enterprise=None) -> bool:
    """The registry is kept by the zone administration and the hall's clerks."""
    return has_role(user, Role.ZONE_ADMIN, Role.WINDOW_CLERK)


def can_import_enterprises(user) -> bool:
    return has_role(user, Role.ZONE_ADMIN)


def can_export_enterprises(user) -> bool:
    return has_role(user, Role.ZONE_ADMIN, Role.LEADER)


def can_view_personal_data(user) -> bool:
    """Unmasked phones and ID numbers: administrators and clerks at work only."""
    return has_role(user, Role.ZONE_ADMIN, Role.WINDOW_CLERK)


# --- organisation ------------------------------------------------------------------

def org_units_visible_to(user) -> QuerySet:
    from .models import OrgUnit

    if is_staff_role(user):
        return OrgUnit.objects.all()
    return OrgUnit.objects.none()


# --- catalogue ---------------------------------------------------------------------

def can_manage_catalog(user) -> bool:
    """The centre's administrators keep the catalogue; guides themselves are public."""
    return has_role(user, Role.ZONE_ADMIN)


# --- 帮代办, projects, stations ------------------------------------------------------------

def can_place_order(user) -> bool:
    """帮代办 "您点单、我来办": the enterprise orders, or the centre, a station or an agent for it."""
    return has_role(user, Role.ENTERPRISE, Role.STATION_OFFICER, Role.WINDOW_CLERK, Role.ZONE_ADMIN, Role.AGENT)


def can_view_orders(user) -> bool:
    """Department officers handle cases, not 帮代办 orders."""
    return _active(user) and not has_role(user, Role.DEPT_OFFICER)


def orders_visible_to(user) -> QuerySet:
    from django.db.models import Q

    from gaoxin.assist.models import AssistOrder

    if has_role(user, Role.ZONE_ADMIN, Role.WINDOW_CLERK, Role.LEADER):
        return AssistOrder.objects.all()
    if has_role(user, Role.AGENT):
        return AssistOrder.objects.filter(Q(agent=user) | Q(requested_by=user))
    if has_role(user, Role.STATION_OFFICER):
        return AssistOrder.objects.filter(Q(station_id=user.org_unit_id) | Q(requested_by=user))
    if has_role(user, Role.ENTERPRISE):
        return AssistOrder.objects.filter(enterprise__memberships__user=user)
    return AssistOrder.objects.none()


def can_open_order_files(user, order) -> bool:
    """委托书 and visit attachments of an order the user sees: its agent, the centre's clerks and
    administrators, the officers of its station, the enterprise itself. Leaders oversee orders
    but do not open the personal documents behind them."""
    return (has_role(user, Role.ZONE_ADMIN, Role.WINDOW_CLERK, Role.AGENT, Role.STATION_OFFICER, Role.ENTERPRISE)
            and orders_visible_to(user).filter(pk=order.pk).exists())


def can_view_order_contact(user, order) -> bool:
    """The enterprise contact's phone unmasked: who may see personal data, the agent working the
    order (who must report progress to the enterprise) and the enterprise's own users."""
    if can_view_personal_data(user):
        return True
    if has_role(user, Role.AGENT):
        return order.agent_id == user.pk
    return has_role(user, Role.ENTERPRISE) and \
        user.enterprise_memberships.filter(enterprise_id=order.enterprise_id).exists()


def can_file_for_order(user, order) -> bool:
    """代为申报: only the agent assigned to an order that is being worked."""
    from gaoxin.assist.models import OrderStatus

    return has_role(user, Role.AGENT) and order.agent_id == user.pk and order.status == OrderStatus.IN_PROGRESS


def can_work_projects(user) -> bool:
    """File the steps of a project approval chain and record its milestones."""
    return has_role(user, Role.AGENT, Role.WINDOW_CLERK, Role.ZONE_ADMIN)


def projects_visible_to(user) -> QuerySet:
    from gaoxin.assist.models import Project

    if is_staff_role(user):
        return Project.objects.all()
    if has_role(user, Role.ENTERPRISE):
        return Project.objects.filter(enterprise__memberships__user=user)
    return Project.objects.none()


def can_view_stations(user) -> bool:
    return is_staff_role(user)


# --- per-mu evaluation ---------------------------------------------------------------

def can_run_evaluation(user) -> bool:
    """The zone administrator and the officers of the department that runs the yearly cycle
    (经发局 by default, settings.GAOXIN_EVALUATION_DEPARTMENT_CODE)."""
    if has_role(user, Role.ZONE_ADMIN):
        return True
    return has_role(user, Role.DEPT_OFFICER) and bool(user.org_unit_id) and \
        user.org_unit.code == settings.GAOXIN_EVALUATION_DEPARTMENT_CODE


def can_supply_evaluation_data(user) -> bool:
    """Officers of a department that owns an input field (settings.GAOXIN_EVALUATION_FIELD_OWNERS)."""
    return has_role(user, Role.DEPT_OFFICER) and bool(user.org_unit_id) and \
        user.org_unit.code in set(settings.GAOXIN_EVALUATION_FIELD_OWNERS.values())


def can_view_evaluation(user) -> bool:
    """Leaders read the cycles and data-supplying departments see them; enterprises will see only
    their own figures and report cards."""
    return can_run_evaluation(user) or has_role(user, Role.LEADER) or can_supply_evaluation_data(user)

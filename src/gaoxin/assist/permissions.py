"""Who sees and does what with 帮代办 orders and project approval chains. Scopers return querysets,
predicates booleans; everything defaults to deny (CONVENTIONS §5). Views, the API, services and
templates (through context flags) ask these, never a role."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from gaoxin.accounts.models import OrgKind, Role, User
from gaoxin.accounts.permissions import _active, can_view_personal_data, firm_ids_of, has_role, is_staff_role

from .models import AssistOrder, OrderChannel, OrderStatus, Project

CENTRE_ROLES = (Role.ZONE_ADMIN, Role.WINDOW_CLERK)
# The order's workflow roles (assist/workflow.py).
CENTRE, AGENT, ENTERPRISE = "centre", "agent", "enterprise"


# --- orders ----------------------------------------------------------------------------------

def orders_visible_to(user) -> QuerySet[AssistOrder]:
    """The centre and leaders see every order; an agent the orders assigned to or placed by them; a
    station officer those of the station or placed by them; an enterprise user its firms' orders."""
    if has_role(user, Role.ZONE_ADMIN, Role.WINDOW_CLERK, Role.LEADER):
        return AssistOrder.objects.all()
    if has_role(user, Role.AGENT):
        return AssistOrder.objects.filter(Q(agent=user) | Q(requested_by=user))
    if has_role(user, Role.STATION_OFFICER):
        return AssistOrder.objects.filter(Q(station_id=user.org_unit_id) | Q(requested_by=user))
    if has_role(user, Role.ENTERPRISE):
        return AssistOrder.objects.filter(enterprise_id__in=sorted(firm_ids_of(user)))
    return AssistOrder.objects.none()


def order_roles(actor, order: AssistOrder) -> set[str]:
    """The actor's roles in the order's workflow: the centre, the assigned agent, the ordering firm."""
    roles = set()
    if has_role(actor, *CENTRE_ROLES):
        roles.add(CENTRE)
    if has_role(actor, Role.AGENT) and order.agent_id == actor.pk:
        roles.add(AGENT)
    if has_role(actor, Role.ENTERPRISE) and order.enterprise_id in firm_ids_of(actor):
        roles.add(ENTERPRISE)
    return roles


def can_place_order(user) -> bool:
    """帮代办 "您点单、我来办": the enterprise orders for a firm bound to its account (a founder without
    one has nothing to order for), or the centre, a station or an agent for any firm."""
    if has_role(user, Role.ENTERPRISE):
        return bool(firm_ids_of(user))
    return has_role(user, Role.STATION_OFFICER, Role.WINDOW_CLERK, Role.ZONE_ADMIN, Role.AGENT)


def firms_for_order(user) -> QuerySet | None:
    """The firms a user may order for: an enterprise user its own; staff any (None: not limited)."""
    from gaoxin.enterprises.models import Enterprise

    if has_role(user, Role.ENTERPRISE):
        return Enterprise.objects.filter(pk__in=sorted(firm_ids_of(user)))
    return None


# An enterprise ordering by itself does not pick a channel: the system records the platform (平台/小程序),
# or 上门预约 when it asks for a visit. The desk channels (专窗, 驿站, 热线) are recorded by the staff who take
# the order there.
SELF_SERVICE_CHANNELS = (OrderChannel.ONLINE, OrderChannel.VISIT)


def can_choose_order_channel(user) -> bool:
    """Staff taking an order name the channel it came through; an enterprise's is set by the system."""
    return can_place_order(user) and not has_role(user, Role.ENTERPRISE)


def order_channels_for(user) -> tuple[str, ...]:
    """The channels an order placed by the user may carry."""
    # 智能微厅 is recorded by the kiosk itself (kiosk.services), never chosen on a form.
    desk = tuple(c for c in OrderChannel.values if c != OrderChannel.KIOSK)
    return desk if can_choose_order_channel(user) else SELF_SERVICE_CHANNELS


def default_order_channel(user) -> str:
    """The channel an order form starts with: online for a firm, the station for a station officer."""
    if not can_choose_order_channel(user):
        return OrderChannel.ONLINE
    if has_role(user, Role.STATION_OFFICER):
        return OrderChannel.STATION
    return OrderChannel.WINDOW


def station_of(user):
    """The station an order is taken at: a station officer's own station, else none."""
    if has_role(user, Role.STATION_OFFICER) and user.org_unit_id and user.org_unit.kind == OrgKind.STATION:
        return user.org_unit
    return None


def can_view_orders(user) -> bool:
    """Department officers handle cases, not 帮代办 orders."""
    return _active(user) and not has_role(user, Role.DEPT_OFFICER)


def assignable_agents() -> QuerySet:
    """The 帮代办专员 an order may be assigned to."""
    return User.objects.filter(role=Role.AGENT, is_active=True).order_by("full_name", "pk")


def is_agent(user) -> bool:
    """A 帮代办专员 (an order is assigned to one; a case filed by one is filed through the proxy channel)."""
    return has_role(user, Role.AGENT)


def can_open_order_files(user, order: AssistOrder) -> bool:
    """委托书 and visit attachments of an order the user sees: its agent, the centre's clerks and
    administrators, the officers of its station, the enterprise itself. Leaders oversee orders
    but do not open the personal documents behind them."""
    return (has_role(user, Role.ZONE_ADMIN, Role.WINDOW_CLERK, Role.AGENT, Role.STATION_OFFICER, Role.ENTERPRISE)
            and orders_visible_to(user).filter(pk=order.pk).exists())


def order_file_openings_are_audited(user) -> bool:
    """Government staff opening a 委托书 or attachment is audited; the firm reading its own is not."""
    return is_staff_role(user)


def can_view_order_contact(user, order: AssistOrder) -> bool:
    """The enterprise contact's phone unmasked: who may see personal data, the agent working the
    order (who must report progress to the enterprise) and the enterprise's own users."""
    if can_view_personal_data(user):
        return True
    if has_role(user, Role.AGENT):
        return order.agent_id == user.pk
    return has_role(user, Role.ENTERPRISE) and order.enterprise_id in firm_ids_of(user)


def can_file_for_order(user, order: AssistOrder) -> bool:
    """代为申报: only the agent assigned to an order that is being worked."""
    return has_role(user, Role.AGENT) and order.agent_id == user.pk and order.status == OrderStatus.IN_PROGRESS


def can_log_visit(user, order: AssistOrder) -> bool:
    """走访记录: the assigned agent, while the order is assigned or being worked."""
    return has_role(user, Role.AGENT) and order.agent_id == user.pk and \
        order.status in (OrderStatus.ASSIGNED, OrderStatus.IN_PROGRESS)


def can_rate_order(user, order: AssistOrder) -> bool:
    """好差评 of the service: the ordering firm's users, once, after completion."""
    return order.status == OrderStatus.COMPLETED and not order.rating and ENTERPRISE in order_roles(user, order)


# --- project approval chains -------------------------------------------------------------------

def can_register_project(user) -> bool:
    return has_role(user, Role.ZONE_ADMIN, Role.WINDOW_CLERK, Role.AGENT)


def can_work_projects(user) -> bool:
    """File the steps of a project approval chain and record its milestones."""
    return has_role(user, Role.AGENT, Role.WINDOW_CLERK, Role.ZONE_ADMIN)


def projects_visible_to(user) -> QuerySet[Project]:
    if is_staff_role(user):
        return Project.objects.all()
    if has_role(user, Role.ENTERPRISE):
        return Project.objects.filter(enterprise_id__in=sorted(firm_ids_of(user)))
    return Project.objects.none()

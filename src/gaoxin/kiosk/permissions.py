"""Who may see and answer the kiosk's "请驿站联系我" requests: the staff of the station asked (its 驿站专员), the
centre's window clerks and the administrator (every station's). Default: nobody."""

from __future__ import annotations

from django.db.models import QuerySet

from gaoxin.accounts.models import Role
from gaoxin.accounts.permissions import has_role

from .models import Action, ActionKind


def station_calls_visible_to(user) -> QuerySet:
    calls = Action.objects.filter(kind=ActionKind.STATION_CALL)
    if has_role(user, Role.ZONE_ADMIN, Role.WINDOW_CLERK):
        return calls
    if has_role(user, Role.STATION_OFFICER) and user.org_unit_id:
        return calls.filter(station_id=user.org_unit_id)
    return calls.none()


def can_view_station_calls(user) -> bool:
    return has_role(user, Role.ZONE_ADMIN, Role.WINDOW_CLERK, Role.STATION_OFFICER)


def can_handle_station_call(user, action: Action) -> bool:
    return station_calls_visible_to(user).filter(pk=action.pk).exists()

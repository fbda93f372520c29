"""Who sees and does what in 人才服务保障. The talent office (talent.permissions.is_talent_office: the human-resources
bureau's officers and the zone administrators) keeps the apartments, the queue, the leases and the pairings; leaders
read the housing side and keep the contact log of the talents paired with them; a talent (role 人才, bound through
Talent.user) sees only its own application, lease and requests. Default deny."""

from __future__ import annotations

from django.db.models import QuerySet

from gaoxin.accounts.models import Role
from gaoxin.accounts.permissions import has_role
from gaoxin.talent.models import Talent
from gaoxin.talent.permissions import is_talent_office, own_talent

from .models import ApartmentUnit, HousingApplication, Lease, Pairing


def is_office(user) -> bool:
    return is_talent_office(user)


def is_leader(user) -> bool:
    return has_role(user, Role.LEADER)


def talent_of(user) -> Talent | None:
    """The registry entry a talent's log-in is bound to (kept on the user object: one query per request)."""
    return own_talent(user)  # the row the talent room keeps on the user (one query per request for every room)


def can_view_housing(user) -> bool:
    """The apartments, the queue and the leases (office keeps them, leaders read)."""
    return is_office(user) or is_leader(user)


def can_manage_housing(user) -> bool:
    return is_office(user)


def can_use_own_page(user) -> bool:
    return talent_of(user) is not None


def can_view_pairings(user) -> bool:
    return is_office(user) or is_leader(user)


def can_assign_pairing(user) -> bool:
    return is_office(user)


def can_view_talent_appeals(user) -> bool:
    return is_office(user) or is_leader(user)


def units_visible_to(user) -> QuerySet[ApartmentUnit]:
    return ApartmentUnit.objects.all() if can_view_housing(user) else ApartmentUnit.objects.none()


def applications_visible_to(user) -> QuerySet[HousingApplication]:
    if can_view_housing(user):
        return HousingApplication.objects.all()
    talent = talent_of(user)
    if talent is not None:
        return HousingApplication.objects.filter(talent=talent)
    return HousingApplication.objects.none()


def leases_visible_to(user) -> QuerySet[Lease]:
    if can_view_housing(user):
        return Lease.objects.all()
    talent = talent_of(user)
    if talent is not None:
        return Lease.objects.filter(talent=talent)
    return Lease.objects.none()


def pairings_visible_to(user) -> QuerySet[Pairing]:
    """The office sees every pairing; a leader only its own (current and past)."""
    if is_office(user):
        return Pairing.objects.all()
    if is_leader(user):
        return Pairing.objects.filter(leader=user)
    return Pairing.objects.none()


def can_log_contact(user, pairing: Pairing) -> bool:
    if not pairing.is_current:
        return False
    return is_office(user) or (is_leader(user) and pairing.leader_id == user.pk)


def can_file_for_talent(user, talent: Talent) -> bool:
    """A talent-flagged appeal may be filed by the talent itself or by the talent office for it."""
    own = talent_of(user)
    return is_office(user) or (own is not None and own.pk == talent.pk)


def application_roles(actor, application: HousingApplication) -> set[str]:
    roles = set()
    if is_office(actor):
        roles.add("office")
    own = talent_of(actor)
    if own is not None and own.pk == application.talent_id:
        roles.add("talent")
    return roles


def lease_roles(actor, lease: Lease) -> set[str]:
    return {"office"} if is_office(actor) else set()


def unit_roles(actor, unit: ApartmentUnit) -> set[str]:
    return {"office"} if is_office(actor) else set()

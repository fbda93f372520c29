"""Reads of the competitions room, starting from the scopers in permissions.py."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from . import permissions as perms
from .models import Edition


def edition_list(*, user) -> QuerySet[Edition]:
    return perms.editions_visible_to(user).annotate(n_tracks=Count("tracks", distinct=True)).order_by(
        "-year", "name", "pk")


def edition_get(*, user, code: str) -> Edition | None:
    return perms.editions_visible_to(user).filter(code=code).first()

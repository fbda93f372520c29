"""Reads of the kiosk: who a person is, the items of the kiosk, what a visit did."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from gaoxin.accounts.models import EnterpriseMembership, Role, User
from gaoxin.cases.models import mask_name
from gaoxin.catalog.models import ServiceItem
from gaoxin.core.models import AuditEvent
from gaoxin.enterprises.models import Enterprise, EnterpriseStatus

from .eligibility import kiosk_enabled, unavailable_reason
from .models import Action, Terminal


def key_digest(key: str) -> str:
    return hashlib.sha256(key.strip().encode()).hexdigest()


def terminal_for_key(key: str) -> Terminal | None:
    if not key:
        return None
    return Terminal.objects.filter(key_hash=key_digest(key), is_active=True).first()


@dataclass
class Person:
    """The person at the terminal: kept in the visit's server-side session, never in a page or a URL."""

    id_number: str
    name: str
    user_id: int | None = None
    firm_ids: list[int] = field(default_factory=list)
    source: str = "id_card"
    phone: str = ""  # a guest's, typed at the terminal; an account holder's from their profile (prefills the forms)

    @property
    def is_guest(self) -> bool:
        """No account and no firm: identified by the ID number with a name and phone typed at the terminal."""
        return self.source == GUEST

    @property
    def shown_name(self) -> str:
        """The name on the terminal's screens: a guest's masked (刘**), as a passer-by may read it."""
        return mask_name(self.name) if self.is_guest else self.name

    def as_session(self) -> dict:
        return {"id_number": self.id_number, "name": self.name, "user_id": self.user_id,
                "firm_ids": list(self.firm_ids), "source": self.source, "phone": self.phone}

    @classmethod
    def from_session(cls, data: dict) -> Person:
        return cls(**{k: data[k] for k in ("id_number", "name", "user_id", "firm_ids", "source")},
                   phone=data.get("phone", ""))


GUEST = "guest"


def guest_person(id_number: str, *, name: str, phone: str) -> Person:
    """A person without an account or firm (GAOXIN_KIOSK_GUESTS): only their own 个人 items are open to them."""
    return Person(id_number=id_number, name=name.strip(), user_id=None, firm_ids=[], source=GUEST,
                  phone=phone.strip())


LIVE = (EnterpriseStatus.OPERATING,)  # a relocated or deregistered firm has nothing to do at this hall


def person_for(id_number: str, *, source: str = "id_card") -> Person | None:
    """The person with this ID number: an account registered with it (its firms through the memberships of an
    enterprise account), and the firms whose legal representative it is. None when neither is known."""
    user = User.objects.filter(id_number=id_number, is_active=True).first()
    firm_q = Q(legal_representative_id_number=id_number)
    if user is not None and user.role == Role.ENTERPRISE:
        firm_q |= Q(pk__in=EnterpriseMembership.objects.filter(user=user).values("enterprise_id"))
    firms = list(Enterprise.objects.filter(firm_q).filter(status__in=LIVE).order_by("name", "pk")
                 .values_list("pk", "legal_representative", "legal_representative_id_number"))
    if user is None and not firms:
        return None
    name = (user.full_name if user is not None and user.full_name else
            next((rep for _pk, rep, rep_id in firms if rep_id == id_number), "") or (user.get_full_name() if user else ""))
    return Person(id_number=id_number, name=name, user_id=user.pk if user else None,
                  firm_ids=[pk for pk, _rep, _id in firms], source=source, phone=user.phone if user else "")


def person_for_user(user: User, *, source: str = "qr_handoff") -> Person | None:
    """The person of an account that confirmed a QR hand-off on its phone: its firms through the memberships of an
    enterprise account, and those whose legal representative its registered ID number is. None when the account
    acts for no firm and has no ID number (nothing could be done at the kiosk in its name)."""
    firm_q = Q(pk__in=EnterpriseMembership.objects.filter(user=user).values("enterprise_id"))
    if user.id_number:
        firm_q |= Q(legal_representative_id_number=user.id_number)
    firm_ids = list(Enterprise.objects.filter(firm_q).filter(status__in=LIVE).order_by("name", "pk")
                    .values_list("pk", flat=True))
    if not firm_ids and not user.id_number:
        return None
    return Person(id_number=user.id_number, name=user.full_name or user.get_full_name() or user.username,
                  user_id=user.pk, firm_ids=firm_ids, source=source, phone=user.phone)


def handoff_for_token(token: str):
    from .models import Handoff

    if not token:
        return None
    return Handoff.objects.filter(token_hash=key_digest(token)).select_related("terminal").first()


def person_firms(person: Person) -> list[Enterprise]:
    return list(Enterprise.objects.filter(pk__in=person.firm_ids).order_by("name", "pk").only("pk", "name", "uscc"))


def _kiosk_candidates():
    """Published items offered at the kiosk or 即办 (a small catalogue: filtered in Python, since a JSON
    containment lookup is not portable to SQLite)."""
    return (ServiceItem.objects.filter(status__in=["published", "suspended"], current_version__isnull=False)
            .select_related("current_version", "department").order_by("name", "pk"))


def kiosk_items(*, has_firms: bool, as_self: bool = True) -> tuple[list[ServiceItem], list[tuple[ServiceItem, str]]]:
    """(the items the person can complete here, the kiosk items they cannot with the reason). Two queries."""
    available, unavailable = [], []
    for item in _kiosk_candidates():
        version = item.current_version
        if "kiosk" not in (version.channels or []):
            continue
        reason = unavailable_reason(item, version, has_firms=has_firms, as_self=as_self)
        if reason is None and kiosk_enabled(item, version):
            available.append(item)
        else:
            unavailable.append((item, reason or "该事项暂不能自助办理。"))
    return available, unavailable


def kiosk_item(code: str) -> ServiceItem | None:
    return (ServiceItem.objects.filter(implementation_code=code, current_version__isnull=False)
            .filter(status__in=["published", "suspended"]).select_related("current_version", "department").first())


def visit_action(*, visit_id: int, case_number: str = "", order_number: str = "") -> Action | None:
    """An action of this visit only: a receipt is printed for the person who did it, while they are here."""
    qs = Action.objects.filter(visit_id=visit_id).select_related(
        "visit__terminal", "item__current_version", "case__enterprise", "order__enterprise")
    if case_number:
        return qs.filter(case__number=case_number).first()
    return qs.filter(order__number=order_number).first()


def refused_log_ins(terminal: Terminal, seconds: int) -> int:
    """Log-ins at this terminal that found nobody in the last `seconds` (the audit's own record of them)."""
    return AuditEvent.objects.filter(event_type="kiosk.login_refused", subject_type="kiosk.terminal",
                                     subject_id=str(terminal.pk),
                                     created_at__gte=timezone.now() - dt.timedelta(seconds=seconds)).count()

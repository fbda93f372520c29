"""Reads of the 帮代办 pages, starting from what the user may see."""

from __future__ import annotations

from gaoxin.accounts import permissions as perms
from gaoxin.core.masking import mask_phone

from .models import AssistOrder


def order_contact(order: AssistOrder, user) -> dict | None:
    """The enterprise's contact for the order: the one given on the order, else the registry's
    primary contact (一企一档). The phone is masked for whoever may not see personal data."""
    name, phone, source = order.contact_name.strip(), order.contact_phone.strip(), "订单填写"
    if not (name or phone):
        registry = order.enterprise.contacts.order_by("-is_primary", "id").first()
        if registry is None:
            return None
        name, phone, source = registry.name, registry.phone, "企业档案"
    show = perms.can_view_order_contact(user, order)
    return {"name": name, "phone": phone if show else mask_phone(phone), "source": source, "masked": not show}

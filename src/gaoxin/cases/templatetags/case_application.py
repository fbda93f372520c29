"""The application as the applicant filed it, on the case page: the chosen 办理情形, the
一件事's answers and shared materials, and the firm a founder's registration created."""

from django import template

from .. import permissions as perms
from .. import services
from ..models import Kind

register = template.Library()


@register.inclusion_tag("cases/partials/case_application.html", takes_context=True)
def case_application(context, case):
    user = context["request"].user
    shared = []
    if case.kind == Kind.PACKAGE:
        for sm in case.shared_materials.prefetch_related("uses__case__item"):
            names = []
            for cm in sorted(sm.uses.all(), key=lambda cm: cm.case_id):  # children in the bundle's order
                if cm.case.item.name not in names:
                    names.append(cm.case.item.name)
            shared.append((sm, names))
    from_package = []
    if case.kind == Kind.CHILD:
        from_package = [cm.material.name for cm in case.materials.filter(shared__isnull=False).select_related("material")]
    return {
        "case": case, "shared": shared, "from_package": from_package,
        "answers": [a for a in case.answers.get("items", []) if a.get("situation")] if case.kind == Kind.PACKAGE else [],
        "can_record_firm": services.registers_firm(case) and perms.can_record_new_firm(user, case),
    }


@register.filter
def may_apply_online(user) -> bool:
    """网上办 is for applicants: visitors are sent to log in (or register); staff register cases instead."""
    return not user.is_authenticated or perms.can_apply_online(user)

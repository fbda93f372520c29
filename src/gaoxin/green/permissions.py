"""Who sees and keeps green labels. The zone's economic bureau (GAOXIN_GREEN_DEPARTMENT_CODES) and the zone
administrator keep them; every member of staff reads them (they are public recognitions); a firm sees its own."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet

from gaoxin.accounts.models import Role
from gaoxin.accounts.permissions import firm_ids_of, has_role, is_staff_role

from .models import GreenLabel


def is_green_office(user) -> bool:
    if has_role(user, Role.ZONE_ADMIN):
        return True
    return (has_role(user, Role.DEPT_OFFICER) and user.org_unit is not None
            and user.org_unit.code in settings.GAOXIN_GREEN_DEPARTMENT_CODES)


def can_view_green(user) -> bool:
    return is_staff_role(user) or (has_role(user, Role.ENTERPRISE) and bool(firm_ids_of(user)))


def labels_visible_to(user) -> QuerySet[GreenLabel]:
    if is_staff_role(user):
        return GreenLabel.objects.all()
    if has_role(user, Role.ENTERPRISE):
        return GreenLabel.objects.filter(enterprise_id__in=sorted(firm_ids_of(user)))
    return GreenLabel.objects.none()


def can_manage_labels(user) -> bool:
    return is_green_office(user)


def label_roles(actor, label: GreenLabel) -> set[str]:
    return {"office"} if is_green_office(actor) else set()


def can_view_carbon(user) -> bool:
    """Grades compare a firm with its industry: staff read all; a firm its own (on the same page)."""
    return can_view_green(user)


def can_view_all_carbon(user) -> bool:
    return is_staff_role(user)


# --- finance board ------------------------------------------------------------------------------------------------
# A bank's loan officer (role 银行, belonging to a partner bank's org unit) sees only the needs shared with its bank
# and only its bank's responses; a firm its own needs and every answer to them; the zone's finance office
# (GAOXIN_GREEN_FINANCE_DEPARTMENT_CODES) and the zone administrator run the board and the risk pool; leaders read.


def bank_of(user):
    """The partner bank (an active org unit of kind 合作银行) a bank user works for, or None."""
    from gaoxin.accounts.models import OrgKind

    if not has_role(user, Role.BANK):
        return None
    unit = user.org_unit
    return unit if unit is not None and unit.kind == OrgKind.BANK and unit.is_active else None


def is_finance_office(user) -> bool:
    if has_role(user, Role.ZONE_ADMIN):
        return True
    return (has_role(user, Role.DEPT_OFFICER) and user.org_unit is not None
            and user.org_unit.code in settings.GAOXIN_GREEN_FINANCE_DEPARTMENT_CODES)


def reads_all_finance(user) -> bool:
    return is_finance_office(user) or has_role(user, Role.LEADER)


def can_post_need(user) -> bool:
    return has_role(user, Role.ENTERPRISE) and bool(firm_ids_of(user))


def can_use_finance(user) -> bool:
    return reads_all_finance(user) or bank_of(user) is not None or can_post_need(user)


def needs_visible_to(user):
    from .models import FinanceNeed

    if reads_all_finance(user):
        return FinanceNeed.objects.all()
    bank = bank_of(user)
    if bank is not None:
        return FinanceNeed.objects.filter(pk__in=_responses_of_bank(bank).values("need_id"))
    if has_role(user, Role.ENTERPRISE):
        return FinanceNeed.objects.filter(enterprise_id__in=sorted(firm_ids_of(user)))
    return FinanceNeed.objects.none()


def _responses_of_bank(bank):
    from .models import BankResponse

    return BankResponse.objects.filter(bank=bank)


def responses_visible_to(user):
    """Every answer for the office and leaders, the firm's answers for the firm, the bank's own for a bank."""
    from .models import BankResponse

    if reads_all_finance(user):
        return BankResponse.objects.all()
    bank = bank_of(user)
    if bank is not None:
        return _responses_of_bank(bank)
    if has_role(user, Role.ENTERPRISE):
        return BankResponse.objects.filter(need__enterprise_id__in=sorted(firm_ids_of(user)))
    return BankResponse.objects.none()


def need_roles(actor, need) -> set[str]:
    return {"firm"} if has_role(actor, Role.ENTERPRISE) and need.enterprise_id in firm_ids_of(actor) else set()


def response_roles(actor, response) -> set[str]:
    roles = set()
    bank = bank_of(actor)
    if bank is not None and bank.pk == response.bank_id:
        roles.add("bank")
    if is_finance_office(actor):
        roles.add("office")
    return roles


def can_view_pool(user) -> bool:
    return reads_all_finance(user)


def can_manage_pool(user) -> bool:
    return is_finance_office(user)


# --- the green scorecard --------------------------------------------------------------------------------------------
# The economic bureau runs it; staff read every firm's grade (leaders report them); a firm sees its own card with the
# reasons and what the next grade needs.


def can_run_scorecard(user) -> bool:
    return is_green_office(user)


def scorecard_results_visible_to(user):
    from .models import ScorecardResult

    if is_staff_role(user):
        return ScorecardResult.objects.all()
    if has_role(user, Role.ENTERPRISE):
        return ScorecardResult.objects.filter(enterprise_id__in=sorted(firm_ids_of(user)))
    return ScorecardResult.objects.none()


# --- objections to a scorecard grade --------------------------------------------------------------------------------
# As evaluation objections: the firm files against its own result; the economic bureau decides; staff read them; the
# evidence is opened by the bureau (audited) and by the firm itself.


def can_object_to_score(user, result) -> bool:
    return has_role(user, Role.ENTERPRISE) and result.enterprise_id in firm_ids_of(user)


def can_decide_score_objection(user) -> bool:
    return is_green_office(user)


def score_objections_visible_to(user):
    from .models import ScoreObjection

    if is_staff_role(user):
        return ScoreObjection.objects.all()
    if has_role(user, Role.ENTERPRISE):
        return ScoreObjection.objects.filter(result__enterprise_id__in=sorted(firm_ids_of(user)))
    return ScoreObjection.objects.none()


def score_evidence_visible_to(user):
    from .models import ScoreObjection

    if is_green_office(user):
        return ScoreObjection.objects.all()
    if has_role(user, Role.ENTERPRISE):
        return ScoreObjection.objects.filter(result__enterprise_id__in=sorted(firm_ids_of(user)))
    return ScoreObjection.objects.none()

"""Who sees and does what in the per-mu evaluation (亩产效益评价). Scopers return querysets, predicates
booleans; everything defaults to deny. Views, the API, services and templates (through context flags) ask
these; nothing in the room compares roles itself."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet

from gaoxin.accounts.models import Role
from gaoxin.accounts.permissions import has_role

BUREAU = "bureau"  # the workflow's role token: the zone administrator or the economic development bureau


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
    """Leaders read the cycles and data-supplying departments see them; enterprises see only their own
    figures and report cards."""
    return can_run_evaluation(user) or has_role(user, Role.LEADER) or can_supply_evaluation_data(user)


def can_report_evaluation_data(user) -> bool:
    """企业填报: enterprise users fill in, confirm and dispute their own firm's figures."""
    return has_role(user, Role.ENTERPRISE)


def cycles_visible_to(user) -> QuerySet:
    from .models import Cycle

    return Cycle.objects.all() if can_view_evaluation(user) else Cycle.objects.none()


def cycle_roles(actor, cycle) -> set[str]:
    """The actor's role tokens in the cycle's workflow: the bureau runs every step."""
    return {BUREAU} if can_run_evaluation(actor) else set()


def participants_of(user) -> QuerySet:
    """The participant rows of the firms an enterprise user is bound to (none for anyone else)."""
    from .models import Participant

    if not can_report_evaluation_data(user):
        return Participant.objects.none()
    return Participant.objects.filter(enterprise__in=user.enterprise_memberships.values("enterprise"))


def is_member(user, participant) -> bool:
    return can_report_evaluation_data(user) and user.enterprise_memberships.filter(
        enterprise_id=participant.enterprise_id).exists()


def can_supply_unit(user, unit) -> bool:
    """Download the template of, and upload the figures for, one department's fields."""
    return can_run_evaluation(user) or (has_role(user, Role.DEPT_OFFICER) and user.org_unit_id == unit.pk)


def can_record_adjustments(user) -> bool:
    """加减分事项: the bureau, and the departments that are the evidence source of a rule
    (settings.GAOXIN_EVALUATION_ADJUSTMENT_OWNERS)."""
    return can_run_evaluation(user) or (
        has_role(user, Role.DEPT_OFFICER) and bool(user.org_unit_id)
        and user.org_unit.code in set(settings.GAOXIN_EVALUATION_ADJUSTMENT_OWNERS.values()))


def can_record_rule(user, rule_id: str) -> bool:
    """One rule's events (adding, changing or removing them): the bureau any rule, a department the rules
    whose evidence it owns."""
    return can_run_evaluation(user) or (
        has_role(user, Role.DEPT_OFFICER) and bool(user.org_unit_id)
        and settings.GAOXIN_EVALUATION_ADJUSTMENT_OWNERS.get(rule_id) == user.org_unit.code)


def can_decide_objection(user, objection) -> bool:
    """An officer of the department that owns the disputed field (the tax bureau for 销售收入, natural
    resources for land), whose data it is; the administrator as a fallback. The bureau that runs the cycle does
    not decide another department's data (QA walk of issue 14: 经发局 rejected an objection to 税务局 data)."""
    return has_role(user, Role.ZONE_ADMIN) or (
        has_role(user, Role.DEPT_OFFICER) and bool(user.org_unit_id) and user.org_unit.code == objection.owner_code)


def objections_visible_to(user, cycle=None) -> QuerySet:
    """The bureau and leaders see every objection; a department those on its fields; a firm its own."""
    from .models import Objection

    rows = Objection.objects.select_related("participant__enterprise", "decided_by")
    if cycle is not None:
        rows = rows.filter(cycle=cycle)
    if can_run_evaluation(user) or has_role(user, Role.LEADER):
        return rows
    if has_role(user, Role.DEPT_OFFICER) and user.org_unit_id:
        return rows.filter(owner_code=user.org_unit.code)
    if can_report_evaluation_data(user):
        return rows.filter(participant__enterprise__in=user.enterprise_memberships.values("enterprise"))
    return rows.none()


def can_request_regrade(user) -> bool:
    return can_run_evaluation(user)


def can_approve_regrade(user) -> bool:
    """手动调档 is approved by a leader (never the requester, which the service checks)."""
    return has_role(user, Role.LEADER)


def can_export_release(user) -> bool:
    """The released list with utility account numbers: the bureau and leaders."""
    return can_run_evaluation(user) or has_role(user, Role.LEADER)


def can_edit_tier_policies(user) -> bool:
    """The differentiated-policy table is kept by the administrator in the admin site."""
    return has_role(user, Role.ZONE_ADMIN)


def can_import_tier_history(user) -> bool:
    return can_run_evaluation(user)


def can_view_results(user, cycle) -> bool:
    """The scored list (totals, ranks, tiers and every indicator, i.e. each firm's figures at one remove): the
    bureau at every stage and run; leaders once the result is on notice, or while a 调档 awaits their decision;
    data departments never here (they read the figures they supply on the collection page, the result on the
    public notice) — issue 15 §2: every department and the leader read every firm's working runs."""
    from .models import RegradeStatus
    from .selectors import NOTICE_STATES

    if can_run_evaluation(user):
        return True
    if not has_role(user, Role.LEADER):
        return False
    return cycle.status in NOTICE_STATES or cycle.regrades.filter(status=RegradeStatus.PENDING).exists()


def can_view_report_card(user, cycle, participant) -> bool:
    """A card holds all of a firm's figures (tax, sales, R&D…): the bureau reads every card at every stage,
    leaders once the result is on notice, a firm its own once the result is on notice. A data department
    reads the figures it supplies on its collection page, not whole cards (need to know)."""
    from .selectors import NOTICE_STATES

    if can_run_evaluation(user):
        return True
    if has_role(user, Role.LEADER) and can_view_results(user, cycle):  # on notice, or a 调档 awaits the leader
        return True
    return cycle.status in NOTICE_STATES and is_member(user, participant)

"""Who sees and does what with cases (办件). Scopers return querysets (404 outside them); predicates
booleans (403); role tokens name what an actor is *for this case* (CONVENTIONS §5). Default deny.

Tokens of `case_roles(actor, case)`:
- "clerk": the service centre's window clerks and administrators (前台统一受理、窗口统一出件);
- "admin": the zone administrator (撤销办件);
- "officer": an officer of the department that handles the case (an officer of another department has none);
- "applicant": an enterprise user who filed the case or belongs to the applying firm."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from gaoxin.accounts.models import Role
from gaoxin.accounts.permissions import firm_ids_of, has_role, is_staff_role

CLERK, ADMIN, OFFICER, APPLICANT = "clerk", "admin", "officer", "applicant"
CENTRE_ROLES = (Role.WINDOW_CLERK, Role.ZONE_ADMIN)


def cases_visible_to(user) -> QuerySet:
    """The centre's clerks, administrators and leaders see every case; a department
    officer the cases of the department; an agent or station officer the cases they filed;
    an enterprise user the cases of its enterprises or filed by itself."""
    kind, values = case_scope(user)
    return scope_cases(kind, **values)


def case_scope(user) -> tuple[str, dict]:
    """`cases_visible_to` as a kind of scope and its values: what a compiled read of one case
    (core.statements) binds on each request."""
    if has_role(user, Role.ZONE_ADMIN, Role.WINDOW_CLERK, Role.LEADER):
        return "all", {}
    if has_role(user, Role.DEPT_OFFICER):
        return "department", {"department": user.org_unit_id}
    if has_role(user, Role.AGENT, Role.STATION_OFFICER):
        return "filed", {"user": user.pk}
    if has_role(user, Role.ENTERPRISE):
        return "own", {"user": user.pk, "firms": sorted(firm_ids_of(user))}
    return "none", {}


def scope_cases(kind: str, **values) -> QuerySet:
    """The cases of a scope made by `case_scope`."""
    from .models import Case

    if kind == "all":
        return Case.objects.all()
    if kind == "department":
        return Case.objects.filter(department_id=values["department"])
    if kind == "filed":
        return Case.objects.filter(submitted_by_id=values["user"])
    if kind == "own":
        return Case.objects.filter(_own_cases(values["user"], values["firms"]))
    return Case.objects.none()


def own_cases(user) -> Q:
    """An enterprise user's cases: of the firms it acts for (their ids, `firm_ids_of`: no join through the
    memberships, no DISTINCT; an index range scan per firm) or filed by itself (a person without a firm)."""
    return _own_cases(user.pk, sorted(firm_ids_of(user)))


def _own_cases(user_id: int, firms: list[int]) -> Q:
    mine = Q(submitted_by_id=user_id)
    return Q(enterprise_id__in=firms) | mine if firms else mine


def _is_applicant(actor, case) -> bool:
    if case.submitted_by_id == actor.pk:
        return True
    return bool(case.enterprise_id) and case.enterprise_id in firm_ids_of(actor)


def case_roles(actor, case) -> set[str]:
    """The actor's role tokens for this case (see the module's docstring); the workflow's `roles`."""
    roles: set[str] = set()
    if has_role(actor, *CENTRE_ROLES):
        roles.add(CLERK)
    if has_role(actor, Role.ZONE_ADMIN):
        roles.add(ADMIN)
    if has_role(actor, Role.DEPT_OFFICER) and actor.org_unit_id and actor.org_unit_id == case.department_id:
        roles.add(OFFICER)
    if has_role(actor, Role.ENTERPRISE) and _is_applicant(actor, case):
        roles.add(APPLICANT)
    return roles


# --- applying and filing -----------------------------------------------------------------------

def can_apply_online(user) -> bool:
    """网上办: enterprise users (a firm's staff, or a registered natural person) apply themselves."""
    return has_role(user, Role.ENTERPRISE)


def can_apply_as_citizen(user) -> bool:
    """A self-registered natural person (resident ID number on the account) applies in their own
    name, e.g. a founder without a firm yet for 企业开办."""
    return can_apply_online(user) and bool(user.id_number)


def refuses_duplicate_applications(user) -> bool:
    """An applicant applying themself is refused a second application for an item or a 一件事 they already have
    in handling (the demo founder's identical second 企业开办 went through); staff file on purpose (a firm's
    projects each file the same item)."""
    return can_apply_online(user)


def can_register_case(user) -> bool:
    """Window intake, and filing on an enterprise's behalf (帮代办, 驿站)."""
    return has_role(user, Role.WINDOW_CLERK, Role.ZONE_ADMIN, Role.AGENT, Role.STATION_OFFICER)


def firms_for_application(user) -> QuerySet | None:
    """The firms a user may file a case for: an applicant its own; None for staff who register cases (any
    firm of the registry); no firm for anyone else."""
    from gaoxin.enterprises.models import Enterprise

    if can_apply_online(user):
        return Enterprise.objects.filter(pk__in=sorted(firm_ids_of(user)))
    if can_register_case(user):
        return None
    return Enterprise.objects.none()


def filing_channel(user) -> str:
    """The channel a case filed by this user comes in by: online for applicants, 代办 for agents,
    驿站 for station officers, the window otherwise."""
    if can_apply_online(user):
        return "web"
    if has_role(user, Role.AGENT):
        return "proxy"
    if has_role(user, Role.STATION_OFFICER):
        return "station"
    return "window"


def can_record_new_firm(user, case) -> bool:
    """Entering the USCC of the firm a founder's registration case created: the centre's clerks
    and administrators, or an officer of the department that decided the case."""
    return bool(case_roles(user, case) & {CLERK, OFFICER})


# --- the case page ---------------------------------------------------------------------------------

def can_watch_deadlines(user) -> bool:
    """The centre's clerks, administrators and leaders watch every deadline (预警 and 超期 queues)."""
    return has_role(user, Role.ZONE_ADMIN, Role.WINDOW_CLERK, Role.LEADER)


def can_view_deadline_queues(user) -> bool:
    """The 预警 and 超期 queues: who watches deadlines, and department officers for their own cases."""
    return can_watch_deadlines(user) or has_role(user, Role.DEPT_OFFICER)


def can_view_intake_queue(user) -> bool:
    """窗口受理队列: the centre's window accepts (clerks, administrators) and its leaders watch it."""
    return has_role(user, Role.ZONE_ADMIN, Role.WINDOW_CLERK, Role.LEADER)


def can_view_review_queue(user) -> bool:
    """部门审查队列: department officers (their department's), the centre and its leaders."""
    return has_role(user, Role.ZONE_ADMIN, Role.WINDOW_CLERK, Role.LEADER, Role.DEPT_OFFICER)


def has_own_cases(user) -> bool:
    """我的办件: who files cases (applicants, the window, agents, stations) or reviews them (officers)."""
    return can_apply_online(user) or can_register_case(user) or has_role(user, Role.DEPT_OFFICER)


QUEUE_PREDICATES = {
    "intake": can_view_intake_queue,
    "review": can_view_review_queue,
    "mine": has_own_cases,
    "at_risk": can_view_deadline_queues,
    "overdue": can_view_deadline_queues,
    "all": lambda user: True,  # every case the user may see (`cases_visible_to`)
}


def can_open_queue(user, queue: str) -> bool:
    """A tab of the case list: shown only to who may open it; the others are refused (403)."""
    predicate = QUEUE_PREDICATES.get(queue)
    return predicate is not None and predicate(user)


def can_open_case_files(user) -> bool:
    """Uploaded materials and result files are personal documents: clerks, administrators,
    leaders and department officers open those of the cases they see (`cases_visible_to`),
    an enterprise user those of its own cases. Agents and station officers file cases but
    do not read the files back."""
    return has_role(user, Role.ZONE_ADMIN, Role.WINDOW_CLERK, Role.LEADER, Role.DEPT_OFFICER, Role.ENTERPRISE)


def case_file_views_are_audited(user) -> bool:
    """Every opening of a case file by government staff goes to the audit log."""
    return is_staff_role(user)


def can_decide_case(user, case) -> bool:
    """准予 / 不予许可: officers of the department that handles the case."""
    return OFFICER in case_roles(user, case)


def can_deliver_case(user, case) -> bool:
    """送达（出件）: the centre's window ("窗口统一出件") or the deciding department."""
    return bool(case_roles(user, case) & {CLERK, OFFICER})


def can_accept_package(user, case) -> bool:
    """一件事: one acceptance at the 综窗 for every child."""
    return CLERK in case_roles(user, case)


def can_supply_owed(user, case) -> bool:
    """容缺 materials owed: the window takes them (original seen) or the applicant uploads them."""
    return bool(case_roles(user, case) & {CLERK, APPLICANT})


def can_check_originals(user, case) -> bool:
    """Only the window sees an original; the applicant must upload."""
    return CLERK in case_roles(user, case)


def can_add_case_materials(user, case) -> bool:
    """The applicant answers a correction request online with uploads."""
    return APPLICANT in case_roles(user, case)


def can_review_case(user, case) -> bool:
    """好差评 by the applicant of a delivered case ("一事一评")."""
    return APPLICANT in case_roles(user, case)


def can_record_review(user, case) -> bool:
    """Anyone with a part in the case may record the applicant's rating (at the window's 评价器 too)."""
    return bool(case_roles(user, case))


def lists_own_cases(user) -> bool:
    """Applicants look for what is still running: their list shows open cases first."""
    return can_apply_online(user)


# --- 好差评 rectifications -----------------------------------------------------------------------------

def rectifications_visible_to(user) -> QuerySet:
    from .models import Rectification

    if has_role(user, Role.ZONE_ADMIN, Role.LEADER):
        return Rectification.objects.all()
    if has_role(user, Role.DEPT_OFFICER):
        return Rectification.objects.filter(department_id=user.org_unit_id)
    return Rectification.objects.none()


def can_view_rectifications(user) -> bool:
    return has_role(user, Role.ZONE_ADMIN, Role.LEADER, Role.DEPT_OFFICER)


def rectification_roles(actor, rectification) -> set[str]:
    """"department": an officer of the department the 差评 concerns ("谁办理、谁负责");
    "admin": the zone administrator, who supervises every rectification."""
    roles: set[str] = set()
    if has_role(actor, Role.DEPT_OFFICER) and actor.org_unit_id and actor.org_unit_id == rectification.department_id:
        roles.add("department")
    if has_role(actor, Role.ZONE_ADMIN):
        roles.add(ADMIN)
    return roles

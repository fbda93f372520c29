"""The case state machine as an explicit table of named transitions (CONVENTIONS §3,
specs/services.md §5.3). Any transition not in the table is refused."""

from __future__ import annotations

from dataclasses import dataclass

from gaoxin.accounts.models import Role

from .models import DECIDED, TERMINAL, Status

SYSTEM = "system"
CLERKS = frozenset({Role.WINDOW_CLERK, Role.ZONE_ADMIN})
OFFICERS = frozenset({Role.DEPT_OFFICER})
APPLICANTS = frozenset({Role.ENTERPRISE})


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset
    target: Status | None  # None: decided by the service (e.g. approve with or without 容缺)
    roles: frozenset
    needs_reason: bool = False
    style: str = "primary"


def _t(name, label, sources, target, roles, needs_reason=False, style="primary"):
    return Transition(name, label, frozenset(sources), target, frozenset(roles), needs_reason, style)


NON_TERMINAL = frozenset(set(Status) - TERMINAL)

TRANSITIONS: dict[str, Transition] = {t.name: t for t in [
    _t("ACCEPT", "受理", [Status.RECEIVED], Status.ACCEPTED, CLERKS),
    _t("ACCEPT_TOLERANCE", "容缺受理", [Status.RECEIVED, Status.CORRECTION], Status.ACCEPTED, CLERKS, style="warning"),
    _t("COMPLETE_IMMEDIATE", "即办办结", [Status.RECEIVED], Status.DELIVERED, CLERKS | {SYSTEM}, style="success"),
    _t("REQUEST_CORRECTION", "一次性告知补正", [Status.RECEIVED], Status.CORRECTION, CLERKS, True, "warning"),
    _t("COMPLETE_CORRECTION", "补正材料已齐，受理", [Status.CORRECTION], Status.ACCEPTED, CLERKS),
    _t("NOT_ACCEPT", "不受理（退回）", [Status.RECEIVED], Status.NOT_ACCEPTED, CLERKS, True, "outline-danger"),
    _t("REFUSE_ACCEPT", "不予受理", [Status.RECEIVED, Status.CORRECTION], Status.REFUSED_ACCEPT, CLERKS, True, "danger"),
    _t("WITHDRAW_PRE", "撤件", [Status.RECEIVED, Status.CORRECTION], Status.WITHDRAWN_PRE, CLERKS | APPLICANTS, True,
       "outline-secondary"),
    _t("DEEMED_ACCEPT", "逾期未告知补正，视为受理", [Status.RECEIVED], Status.ACCEPTED, {SYSTEM}),
    _t("START_REVIEW", "开始审查", [Status.ACCEPTED], Status.IN_REVIEW, OFFICERS),
    _t("SUSPEND", "特别程序（暂停计时）", [Status.IN_REVIEW], Status.SUSPENDED, OFFICERS, True, "warning"),
    _t("RESUME", "特别程序结束（恢复计时）", [Status.SUSPENDED], Status.IN_REVIEW, OFFICERS),
    _t("EXTEND", "延长办理期限", [Status.IN_REVIEW], Status.IN_REVIEW, OFFICERS, True, "outline-warning"),
    _t("APPROVE", "准予（办结）", [Status.IN_REVIEW], None, OFFICERS, style="success"),
    _t("REFUSE", "不予许可（办结）", [Status.IN_REVIEW], Status.DECIDED_REFUSED, OFFICERS, True, "danger"),
    _t("DELIVER", "送达（出件）", DECIDED, Status.DELIVERED, CLERKS | OFFICERS, style="success"),
    _t("REQUEST_WITHDRAWAL", "申请撤回", [Status.ACCEPTED, Status.IN_REVIEW, Status.SUSPENDED], Status.WITHDRAW_PENDING,
       CLERKS | APPLICANTS, True, "outline-secondary"),
    _t("CONFIRM_WITHDRAWAL", "确认撤回", [Status.WITHDRAW_PENDING], Status.WITHDRAWN, CLERKS | OFFICERS),
    _t("TERMINATE_TOLERANCE", "容缺材料逾期未补，终止", [Status.ACCEPTED, Status.IN_REVIEW, Status.SUSPENDED,
                                                         Status.DECIDED_OK_TOLERANCE], Status.TERMINATED, {SYSTEM}),
    _t("CANCEL", "撤销办件", NON_TERMINAL, Status.CANCELLED, {Role.ZONE_ADMIN}, True, "outline-danger"),
]}

def allowed(transition: Transition, status: str, role: str | None) -> bool:
    return status in transition.sources and (role or SYSTEM) in transition.roles


def available(status: str, role: str) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if allowed(t, status, role)]

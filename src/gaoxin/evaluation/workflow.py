"""The yearly evaluation cycle's state machine (specs/evaluation.md §12.2) on the kernel's transition engine.

Forward along the table, the optional notices and the correction step skippable, 数据审核 ↔ 数据修正, 异议处理 →
公示 again when the zone re-publishes, 正式发布 → 更正 → 正式发布 (a new version). Every step is taken by the bureau
(the zone administrator or the economic development bureau); the guards hold what must be settled first: a
non-empty participant list, no open disputes before scoring, a finished run (none running, no 调档 waiting)
before 审定, 公示 and 发布, the notice window passed before 异议处理, every correction re-scored and no objection
open before release, a document number for 审定 and 发布, a reason for an amendment, no policies from a trial."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import yaml
from django.conf import settings
from django.core.exceptions import ValidationError

from gaoxin.core import notice
from gaoxin.core.workflow import Step, Workflow, transition

from . import notifications
from .method import METHODS_DIR
from .models import (
    Cycle,
    CycleEvent,
    CycleStatus,
    Objection,
    ObjectionStage,
    ObjectionStatus,
    RegradeStatus,
    RunStatus,
)
from .permissions import BUREAU, cycle_roles

S = CycleStatus
# The table's order, as the cycle page shows the steps; the optional ones may be skipped.
STEPS = [S.DRAFT, S.SCOPE_CONFIRMED, S.COLLECTING, S.DEPT_REVIEW, S.LAND_NOTICE, S.INTERIM_NOTICE, S.CORRECTING,
         S.ENTERPRISE_CONFIRM, S.SCORED, S.APPROVED_FOR_NOTICE, S.PUBLIC_NOTICE, S.OBJECTION_RESOLUTION,
         S.RELEASED, S.POLICY_APPLIED, S.AMENDED]
OPTIONAL = frozenset({S.LAND_NOTICE, S.INTERIM_NOTICE, S.CORRECTING})
REVIEW = [S.DEPT_REVIEW, S.LAND_NOTICE, S.INTERIM_NOTICE]  # data review and the optional notices after it
# The inputs a transition takes besides the reason (which the table's needs_reason governs).
PARAMS = {"APPROVE": ("doc_no",), "RELEASE": ("doc_no",), "RELEASE_AMENDMENT": ("doc_no",)}


def notice_window(cycle: Cycle, start: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day of the public notice: `notice_length` calendar or working days counting
    the first day (a working-day notice starts on the next working day; the kernel's core.notice)."""
    return notice.notice_window(start, cycle.notice_length, cycle.notice_unit)


def method_snapshot(name: str) -> tuple[dict, str]:
    data = yaml.safe_load((METHODS_DIR / f"{name}.yaml").read_text(encoding="utf-8"))
    return data, hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


# --- guards ----------------------------------------------------------------------------------

def _has_participants(cycle: Cycle, step: Step) -> None:
    if not cycle.participants.filter(participating=True).exists():
        raise ValidationError("参评名单为空，不能确认")


def _no_open_disputes(cycle: Cycle, step: Step) -> None:
    n = Objection.objects.filter(cycle=cycle, status=ObjectionStatus.OPEN, stage=ObjectionStage.VERIFY).count()
    if n:
        raise ValidationError(f"还有{n}条企业核实异议待部门处理")


def _doc_no(step: Step) -> str:
    doc_no = str(step.param("doc_no") or "").strip()
    if not doc_no:
        raise ValidationError({"doc_no": "请填写审定或发布文号"})
    return doc_no[:60]


def _result_ready(cycle: Cycle, step: Step) -> None:
    """A finished scoring run, none running, no 调档 waiting for a leader."""
    run = cycle.current_run
    if run is None or run.status != RunStatus.DONE:
        raise ValidationError("还没有完成的评价测算")
    if cycle.runs.filter(status=RunStatus.RUNNING).exists():
        raise ValidationError("有测算正在进行，请等待其完成")
    if cycle.regrades.filter(status=RegradeStatus.PENDING).exists():
        raise ValidationError("还有待领导审批的调档申请")


def _approvable(cycle: Cycle, step: Step) -> None:
    _doc_no(step)
    _result_ready(cycle, step)


def _notice_passed(cycle: Cycle, step: Step) -> None:
    if cycle.notice_end and step.today <= cycle.notice_end:
        raise ValidationError(f"公示期至{cycle.notice_end:%Y年%m月%d日}，期满后才能进入异议处理")


def _releasable(cycle: Cycle, step: Step) -> None:
    _doc_no(step)
    _result_ready(cycle, step)
    n = Objection.objects.filter(cycle=cycle, status=ObjectionStatus.OPEN).count()
    if n:
        raise ValidationError(f"还有{n}条异议待部门处理")
    if Objection.objects.filter(cycle=cycle, status=ObjectionStatus.CORRECTED,
                                decided_at__gt=cycle.current_run.created_at).exists():
        raise ValidationError("有已更正的数据尚未重新测算，请先重新测算")


def _not_trial(cycle: Cycle, step: Step) -> None:
    if cycle.trial:
        raise ValidationError("试评价结果仅供参考，不执行差别化政策")


# --- effects ---------------------------------------------------------------------------------

def _freeze_method(cycle: Cycle, step: Step) -> dict:
    """Entering 评价测算 freezes the method file into the cycle: every run of the year uses this copy."""
    if not cycle.method_frozen:
        cycle.method_frozen, cycle.method_hash = method_snapshot(cycle.method_name)
    return {"method_hash": cycle.method_hash}


def _approve(cycle: Cycle, step: Step) -> dict:
    cycle.approval_doc_no = _doc_no(step)
    return {"doc_no": cycle.approval_doc_no}


def _open_notice(cycle: Cycle, step: Step) -> dict:
    cycle.notice_start, cycle.notice_end = notice_window(cycle, step.today)
    # What the public saw first; later re-scorings (and a re-notice of only the changed firms) compare with it.
    if cycle.notice_run_id is None or settings.GAOXIN_EVALUATION_RENOTICE_SCOPE == "all":
        cycle.notice_run_id = cycle.current_run_id
    cycle.participants.filter(participating=True).update(record_status="IN_NOTICE")
    return {"notice_start": cycle.notice_start, "notice_end": cycle.notice_end}


def _release(cycle: Cycle, step: Step) -> dict:
    cycle.release_doc_no = _doc_no(step)
    cycle.release_version += 1
    return {"doc_no": cycle.release_doc_no, "release_version": cycle.release_version}


def _amend(cycle: Cycle, step: Step) -> dict:
    cycle.amendment_reason = step.reason[:200]
    return {"reason": cycle.amendment_reason}


# --- history, follow-up ----------------------------------------------------------------------

def _record(cycle: Cycle, step: Step, data: dict) -> None:
    actor = step.actor
    CycleEvent.objects.create(cycle=cycle, transition=step.transition.name, from_status=step.before,
                              to_status=cycle.status, actor=actor,
                              actor_repr=(actor.get_full_name() or actor.get_username()) if actor else "系统",
                              note=step.reason[:200], doc_no=str(data.get("doc_no", "")))


def _after(cycle: Cycle, step: Step) -> None:
    """A release (v1, or vN after an amendment) writes the Release, the tier history and the profile facts."""
    if step.transition.name in ("RELEASE", "RELEASE_AMENDMENT"):
        from .scoring import release_write

        release_write(actor=step.actor, cycle=cycle, doc_no=cycle.release_doc_no,
                      reason=cycle.amendment_reason if cycle.release_version > 1 else "")


WORKFLOW = Workflow(
    name="evaluation.cycle", noun="评价周期", model=Cycle, roles=cycle_roles, record=_record, after=_after,
    notify=notifications.cycle_changed, lock_queryset=lambda: Cycle.objects.select_related("current_run").defer("current_run__frame"),
    transitions=[
        transition("CONFIRM_SCOPE", "确认参评名单", [S.DRAFT], S.SCOPE_CONFIRMED, [BUREAU], guard=_has_participants),
        transition("START_COLLECTION", "开始数据采集", [S.SCOPE_CONFIRMED], S.COLLECTING, [BUREAU]),
        transition("START_REVIEW", "进入数据审核", [S.COLLECTING, S.CORRECTING], S.DEPT_REVIEW, [BUREAU]),
        transition("LAND_NOTICE", "用地面积公示", [S.DEPT_REVIEW], S.LAND_NOTICE, [BUREAU], style="outline-primary"),
        transition("INTERIM_NOTICE", "过程数据公示", [S.DEPT_REVIEW, S.LAND_NOTICE], S.INTERIM_NOTICE, [BUREAU],
                   style="outline-primary"),
        transition("START_CORRECTION", "进入数据修正", REVIEW, S.CORRECTING, [BUREAU], style="outline-primary"),
        transition("REQUEST_CONFIRMATION", "交企业核实确认", [*REVIEW, S.CORRECTING], S.ENTERPRISE_CONFIRM, [BUREAU]),
        transition("SCORE", "评价测算", [S.ENTERPRISE_CONFIRM], S.SCORED, [BUREAU], guard=_no_open_disputes,
                   effect=_freeze_method),
        transition("APPROVE", "审定", [S.SCORED], S.APPROVED_FOR_NOTICE, [BUREAU], guard=_approvable,
                   effect=_approve),
        transition("PUBLISH_NOTICE", "发布公示", [S.APPROVED_FOR_NOTICE], S.PUBLIC_NOTICE, [BUREAU],
                   guard=_result_ready, effect=_open_notice),
        transition("RESOLVE_OBJECTIONS", "进入异议处理", [S.PUBLIC_NOTICE], S.OBJECTION_RESOLUTION, [BUREAU],
                   guard=_notice_passed),
        transition("RENOTICE", "重新公示", [S.OBJECTION_RESOLUTION], S.PUBLIC_NOTICE, [BUREAU], guard=_result_ready,
                   effect=_open_notice, style="outline-primary"),
        transition("RELEASE", "正式发布", [S.OBJECTION_RESOLUTION], S.RELEASED, [BUREAU], guard=_releasable,
                   effect=_release, style="success"),
        transition("APPLY_POLICY", "执行差别化政策", [S.RELEASED], S.POLICY_APPLIED, [BUREAU], guard=_not_trial),
        transition("AMEND", "发布后更正", [S.RELEASED, S.POLICY_APPLIED], S.AMENDED, [BUREAU], needs_reason=True,
                   effect=_amend, style="outline-danger"),
        transition("RELEASE_AMENDMENT", "发布更正版本", [S.AMENDED], S.RELEASED, [BUREAU], guard=_releasable,
                   effect=_release, style="success"),
    ],
)


def transition_to(status: str, target: str) -> str | None:
    """The name of the transition from `status` to `target` (None if the table has none)."""
    return next((t.name for t in WORKFLOW.transitions if t.starts_from(status) and t.target == target), None)

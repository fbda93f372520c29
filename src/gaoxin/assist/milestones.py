"""The four "即" reforms as milestone pairs on a project (specs/services.md §11).

Pure: no Django, no database. The order rules and the reform gaps are computed from plain
dates, so the service, the pages and the tests share one definition.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass

# Milestone fields of a project, in the natural order of the project.
MILESTONES = (
    "negotiation_on",  # 洽谈（项目登记）
    "plan_issued_on",  # 审批服务方案出具
    "land_delivered_on",  # 拿地（交地）
    "construction_permit_on",  # 施工许可
    "completed_on",  # 竣工验收
    "certificate_on",  # 不动产首次登记
    "handover_on",  # 交房
    "handover_certificate_on",  # 购房人领证
)

# (earlier, later): the later milestone may fall on the same day but never before the earlier one.
# The plan is not ordered against the land (it is issued at negotiation, usually long before);
# the first registration and the handover are not ordered against each other (交房即交证 wants
# the registration first, but a handover before it is a fact to record, not an input error).
ORDER = (
    ("negotiation_on", "plan_issued_on"),
    ("negotiation_on", "land_delivered_on"),
    ("land_delivered_on", "construction_permit_on"),
    ("construction_permit_on", "completed_on"),
    ("completed_on", "certificate_on"),
    ("completed_on", "handover_on"),
    ("handover_on", "handover_certificate_on"),
    ("certificate_on", "handover_certificate_on"),
)


def _ancestors() -> dict[str, list[str]]:
    """Every milestone that must not come after each milestone, nearest first."""
    direct: dict[str, set[str]] = {m: set() for m in MILESTONES}
    for earlier, later in ORDER:
        direct[later].add(earlier)
    result = {}
    for m in MILESTONES:
        seen: set[str] = set()
        stack = list(direct[m])
        while stack:
            a = stack.pop()
            if a not in seen:
                seen.add(a)
                stack.extend(direct[a])
        result[m] = sorted(seen, key=MILESTONES.index, reverse=True)
    return result


ANCESTORS = _ancestors()


def cn_date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


# A milestone needs each of its direct predecessors recorded first: a first registration without a
# completion acceptance, or a plan without the negotiation it answers, is an input error.
REQUIRES = {m: [earlier for earlier, later in ORDER if later == m] for m in MILESTONES}


def milestone_errors(dates: Mapping[str, dt.date | None], *, today: dt.date, labels: Mapping[str, str],
                     changed: frozenset[str] | set[str] = frozenset(),
                     fixed: Mapping[str, str] | None = None) -> dict[str, str]:
    """One Chinese message per offending field; empty when the dates are consistent.

    `changed`: the fields the user just entered. A violated pair is blamed on the field the user
    changed (the later one when both or neither changed), so the error sits where the typing was.
    `fixed`: milestones whose date is not typed but proven elsewhere (a step of the approval chain),
    each with the sentence that says why it is still missing; they are never blamed, the typed field
    of the pair is."""
    fixed = fixed or {}
    errors: dict[str, str] = {}

    def blame(field: str, message: str) -> None:
        errors.setdefault(field, message)

    for field in MILESTONES:
        value = dates.get(field)
        if value is not None and value > today and field not in fixed:
            blame(field, f"{labels[field]}不能晚于今天（{cn_date(today)}）")
    for later in MILESTONES:
        if dates.get(later) is None:
            continue
        for earlier in REQUIRES[later]:
            if dates.get(earlier) is not None:
                continue
            if earlier in fixed and later not in fixed:
                blame(later, f"{labels[later]}需先有{labels[earlier]}：{fixed[earlier]}")
            elif later in fixed and earlier not in fixed:
                blame(earlier, f"请填写{labels[earlier]}：{labels[later]}已是{cn_date(dates[later])}")
            elif earlier in changed and later not in changed:
                blame(earlier, f"已填写{labels[later]}，{labels[earlier]}不能清空")
            elif earlier not in fixed:
                blame(later, f"{labels[later]}需先有{labels[earlier]}，请先填写{labels[earlier]}")
            break  # the first missing predecessor says enough
    for later in MILESTONES:
        b = dates.get(later)
        if b is None:
            continue
        for earlier in ANCESTORS[later]:
            a = dates.get(earlier)
            if a is None or a <= b:
                continue
            if earlier in fixed and later in fixed:
                continue  # both proven by the chain: its own order of steps decides
            if later in fixed or (earlier in changed and later not in changed and earlier not in fixed):
                blame(earlier, f"{labels[earlier]}不能晚于{labels[later]}（{cn_date(b)}）")
            else:
                blame(later, f"{labels[later]}不能早于{labels[earlier]}（{cn_date(a)}）")
            break  # the nearest violated predecessor says enough
    return errors


@dataclass(frozen=True)
class Reform:
    key: str
    name: str
    start: str  # milestone field
    end: str
    kpi: int  # largest gap in working days that still counts as achieved
    gap: int | None  # working days from start to end; None until both dates are known
    achieved: bool | None  # None until both dates are known

    @property
    def kpi_text(self) -> str:
        return "当天" if self.kpi == 0 else f"≤{self.kpi}个工作日"


# key, name, start milestone, end milestone
REFORMS = (
    ("negotiation_service", "洽谈即服务", "negotiation_on", "plan_issued_on"),
    ("land_to_start", "拿地即开工", "land_delivered_on", "construction_permit_on"),
    ("completion_to_certificate", "竣工即办证", "completed_on", "certificate_on"),
    ("handover_with_certificate", "交房即交证", "handover_on", "handover_certificate_on"),
)


def reforms(dates: Mapping[str, dt.date | None], *, kpis: Mapping[str, int],
            workdays_between: Callable[[dt.date, dt.date], int]) -> list[Reform]:
    """Each reform's gap in working days (start day not counted) and whether it is within its KPI."""
    result = []
    for key, name, start, end in REFORMS:
        a, b = dates.get(start), dates.get(end)
        gap = achieved = None
        if a is not None and b is not None:
            try:
                gap = workdays_between(a, b)
            except ValueError:  # a date outside the calendar's span: no gap to show
                gap = None
            achieved = gap is not None and 0 <= gap <= kpis[key]
        result.append(Reform(key=key, name=name, start=start, end=end, kpi=kpis[key], gap=gap, achieved=achieved))
    return result


def critical_path(durations: Mapping[int, int], predecessors: Mapping[int, list[int]], order: list[int]) -> int:
    """Longest path through a chain of steps (parallel steps have no predecessor in common).
    `order` lists the steps so that every predecessor comes first."""
    longest: dict[int, int] = {}
    for step in order:
        longest[step] = max((longest.get(p, 0) for p in predecessors.get(step, [])), default=0) + durations[step]
    return max(longest.values(), default=0)

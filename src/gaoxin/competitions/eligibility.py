"""Who may enter an edition (benefits.md §8), as a pure function of registry and profile facts: no Django.

A firm is a candidate when it is operating, its prior-year revenue is known and within the edition's cap, it is not
listed, it holds an HNTE certificate or a 科技型中小企业 number (when the edition asks for one), it has fewer awards
than the limit across editions and never finished in a national top three. Its group follows from its registration
date: on or after `startup_since` the 初创企业组, else the 成长企业组. Every refusal is a Chinese reason; what is only
worth a look (listing status not recorded) is a note."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

STARTUP, GROWTH = "startup", "growth"
GROUP_LABELS = {STARTUP: "初创企业组", GROWTH: "成长企业组"}


@dataclass(frozen=True)
class Rules:
    revenue_cap: Decimal  # 万元
    startup_since: dt.date
    needs_certificate: bool = True
    award_limit: int = 2


@dataclass(frozen=True)
class FirmFacts:
    firm_id: int
    name: str
    registered_on: dt.date | None
    operating: bool = True
    revenue: Decimal | None = None  # prior-year revenue, 万元
    listed: bool | None = None  # None: not recorded
    hnte: bool = False
    tech_sme_no: bool = False  # a valid 科技型中小企业 qualification with its number
    awards: int = 0  # awards won in earlier editions
    national_top3: bool = False


@dataclass(frozen=True)
class Assessment:
    firm_id: int
    group: str | None
    eligible: bool
    reasons: tuple[str, ...] = ()  # why not
    notes: tuple[str, ...] = ()
    basis: str = ""  # why suggested, for the invitation

    @property
    def group_label(self) -> str:
        return GROUP_LABELS.get(self.group or "", "")


def group_of(registered_on: dt.date | None, rules: Rules) -> str | None:
    if registered_on is None:
        return None
    return STARTUP if registered_on >= rules.startup_since else GROWTH


def _wan(value: Decimal) -> str:
    return f"{value.normalize():f}万元"


def assess(firm: FirmFacts, rules: Rules) -> Assessment:
    reasons: list[str] = []
    notes: list[str] = []
    basis: list[str] = []
    group = group_of(firm.registered_on, rules)
    if not firm.operating:
        reasons.append("企业非存续状态")
    if group is None:
        reasons.append("企业档案缺少成立日期，无法确定组别")
    if firm.revenue is None:
        reasons.append("上年营业收入未填报")
    elif firm.revenue > rules.revenue_cap:
        reasons.append(f"上年营业收入{_wan(firm.revenue)}，超过{_wan(rules.revenue_cap)}")
    else:
        basis.append(f"上年营业收入{_wan(firm.revenue)}")
    if firm.listed:
        reasons.append("上市企业不得参赛")
    elif firm.listed is None:
        notes.append("上市情况未填报，请核实")
    if rules.needs_certificate:
        if firm.hnte or firm.tech_sme_no:
            basis.append("、".join(n for n, held in (("高新技术企业", firm.hnte), ("科技型中小企业", firm.tech_sme_no))
                                  if held))
        else:
            reasons.append("无有效高新技术企业证书或科技型中小企业入库编号")
    if firm.national_top3:
        reasons.append("曾获全国赛前三名")
    if firm.awards >= rules.award_limit:
        reasons.append(f"历届已获奖{firm.awards}次，达到上限{rules.award_limit}次")
    elif firm.awards:
        notes.append(f"历届已获奖{firm.awards}次（再获奖须为升级或另一组别）")
    if group:
        basis.insert(0, GROUP_LABELS[group])
    return Assessment(firm.firm_id, group, not reasons, tuple(reasons), tuple(notes), "；".join(basis)[:200])


@dataclass
class Pool:
    candidates: list[Assessment] = field(default_factory=list)
    excluded: int = 0


def pool(firms, rules: Rules) -> Pool:
    """The candidates among `firms` (in their order) and how many were left out."""
    result = Pool()
    for firm in firms:
        a = assess(firm, rules)
        if a.eligible:
            result.candidates.append(a)
        else:
            result.excluded += 1
    return result

"""Differentiated policies per tier (specs/evaluation.md §13) and the released list that carries
them, with utility account numbers, to utilities, banks and departments (§12.1, §12.6)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db.models import Q, QuerySet

from gaoxin.core.excel import Table, write_workbook

from .models import Cycle, Release, ScoreResult, TierHistory, TierPolicy
from .selectors import results_title

TIER_SHEETS = {"A": "A类 优先发展类", "B": "B类 支持发展类", "C": "C类 提升发展类", "D": "D类 限制发展类",
               "T": "暂不评价类"}
COLUMNS = ["序号", "统一社会信用代码", "企业名称", "评价组", "等级", "综合得分", "组内排名", "连续D类年数",
           "差别化政策", "电力户号", "用水户号", "用气户号", "发布版本", "发布文号"]
WIDTHS = {"统一社会信用代码": 22, "企业名称": 32, "差别化政策": 40, "电力户号": 16, "用水户号": 16, "用气户号": 16}


def d_streaks(enterprise_ids: Iterable[int], year: int, proposed: dict[int, str] | None = None) -> dict[int, int]:
    """Consecutive evaluation years ending with `year` whose final released tier was D. A year in T
    or a year with no evaluation breaks the streak unless configured otherwise (§13). `proposed`: the tiers
    of `year` not yet released (the current run's, before release), counted with the released history, so a
    firm in D for 2022–2024 and proposed D for 2025 has a streak of 4 already at notice (issue 14 §1)."""
    t_breaks = settings.GAOXIN_EVALUATION_STREAK_T_BREAKS
    gap_breaks = settings.GAOXIN_EVALUATION_STREAK_GAP_BREAKS
    ids = enterprise_ids if isinstance(enterprise_ids, QuerySet) else list(enterprise_ids)  # a queryset stays a subquery
    history: dict[int, dict[int, str]] = {}
    for eid, y, tier in TierHistory.objects.filter(enterprise_id__in=ids, year__lte=year).values_list(
            "enterprise_id", "year", "tier"):
        history.setdefault(eid, {})[y] = tier
    for eid, tier in (proposed or {}).items():
        history.setdefault(eid, {})[year] = tier
    out = {}
    for eid, years in history.items():
        streak, y, first = 0, year, min(years)
        while y >= first:
            tier = years.get(y)
            if tier == "D":
                streak += 1
            elif (tier is None and gap_breaks) or (tier == "T" and t_breaks) or tier in ("A", "B", "C"):
                break
            y -= 1
        out[eid] = streak
    return out


def active_policies(on: dt.date) -> list[TierPolicy]:
    return list(TierPolicy.objects.filter(active=True)
                .filter(Q(effective_from__isnull=True) | Q(effective_from__lte=on))
                .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on)))


def policy_text(policy: TierPolicy) -> str:
    value = "" if policy.value is None else f" {policy.value.normalize():f}{policy.unit}"
    return f"{policy.get_lever_display()}{value}"


def measures(tier: str, streak: int, policies: list[TierPolicy]) -> list[TierPolicy]:
    """The policy rows that apply to a firm. Where several rows of one lever match, the highest
    value applies when the row says max_of_existing (no double surcharge, §13)."""
    rows = [p for p in policies if p.tier == tier and p.applies(streak)]
    best: dict[str, TierPolicy] = {}
    out = []
    for p in rows:
        if p.stacking == "max_of_existing":
            if p.lever not in best or (p.value or 0) > (best[p.lever].value or 0):
                best[p.lever] = p
        else:
            out.append(p)
    return list(best.values()) + out


def release_rows(release: Release) -> Iterable[dict]:
    """The released list, one dict per firm, in tier and rank order. Only the listed columns are read (no result
    objects, no indicator JSON): 10⁵ rows in well under a second."""
    results = (ScoreResult.objects.filter(run_id=release.run_id).order_by("final_tier", "group", "rank", "pk")
               .values_list("participant__enterprise_id", "participant__enterprise__uscc", "participant__enterprise__name",
                            "group", "final_tier", "total", "rank", "participant__enterprise__power_account",
                            "participant__enterprise__water_account", "participant__enterprise__gas_account"))
    streaks = d_streaks(ScoreResult.objects.filter(run_id=release.run_id).values("participant__enterprise_id"),
                        release.cycle.data_year)
    policies = active_policies(release.released_at.date())
    texts: dict[tuple[str, int], str] = {}  # the measures of a (tier, streak): a handful of distinct ones
    for eid, uscc, name, group, tier, total, rank, power, water, gas in results.iterator(chunk_size=5000):
        streak = streaks.get(eid, 0) if tier == "D" else 0
        if (tier, streak) not in texts:
            texts[tier, streak] = "；".join(policy_text(p) for p in measures(tier, streak, policies))
        yield {"uscc": uscc, "name": name, "group": "规模以上" if group == "ABOVE" else "规模以下",
               "tier": tier, "total": None if total is None else round(total, 4), "rank": rank,
               "streak": streak, "measures": texts[tier, streak], "power": power, "water": water, "gas": gas}


def write_release_list(path: str, release: Release, on_progress: Callable[[int], None] | None = None) -> int:
    """One sheet per tier plus, from version 2, the rows that changed since the previous version
    (recipients are re-notified with the changed rows only, §12.6). Returns the row count."""
    cycle: Cycle = release.cycle
    previous = {}
    if release.version > 1:
        prior = Release.objects.filter(cycle=cycle, version=release.version - 1).first()
        if prior is not None:
            previous = dict(ScoreResult.objects.filter(run_id=prior.run_id)
                            .values_list("participant__enterprise__uscc", "final_tier"))
    by_tier: dict[str, list[list]] = {tier: [] for tier in TIER_SHEETS}
    changed = []
    n = 0
    for n, row in enumerate(release_rows(release), start=1):
        listed = by_tier[row["tier"]]
        values = [len(listed) + 1, row["uscc"], row["name"], row["group"], row["tier"], row["total"], row["rank"],
                  row["streak"], row["measures"], row["power"], row["water"], row["gas"], f"v{release.version}",
                  release.doc_no]
        listed.append(values)
        if previous and previous.get(row["uscc"]) != row["tier"]:
            changed.append([previous.get(row["uscc"], "")] + values[1:])
        if on_progress and n % 2000 == 0:
            on_progress(n)
    tables = [Table(label, COLUMNS, by_tier[tier], title=f"{results_title(cycle)}（{label}） 发布文号：{release.doc_no} "
                    f"版本 v{release.version}", widths=WIDTHS, freeze=3) for tier, label in TIER_SHEETS.items()]
    if release.version > 1:
        tables.append(Table(f"本版变化（较v{release.version - 1}）", ["原等级"] + COLUMNS[1:], changed,
                            title=f"更正原因：{release.reason}", widths=WIDTHS))
    write_workbook(path, tables)
    return n


# --- tier history from before Gaoxin (importable, §13) -------------------------------------------

HISTORY_COLUMNS = {"uscc": "统一社会信用代码", "year": "数据年度", "tier": "等级"}


def parse_history(path) -> list[tuple[int, int, str]]:
    """(enterprise id, year, tier) for every row, or InputError naming every bad cell. Years
    already released in Gaoxin are refused: their history comes from the release."""
    from pathlib import Path

    from django.utils import timezone

    from gaoxin.core.excel import Column, Invalid, Sheet
    from gaoxin.enterprises.models import Enterprise

    from .inputs import InputError, firm_column, read_table

    released = set(Release.objects.values_list("cycle__data_year", flat=True))
    last = timezone.localdate().year - 1

    def year(value: str) -> int:
        number = value.removesuffix("年度").removesuffix("年").removesuffix(".0")
        if not number.isdigit() or not 2000 <= int(number) <= last:
            raise Invalid(f"“{value}”应为2000至{last}之间的年份")
        if int(number) in released:
            raise Invalid(f"{number}年度已在本平台正式发布，不能导入")
        return int(number)

    def tier(value: str) -> str:
        letter = value.removesuffix("类").upper()
        if letter not in TIER_SHEETS:
            raise Invalid(f"“{value}”应为A、B、C、D或T")
        return letter

    def enterprises(codes: set[str]) -> dict[str, int]:
        return dict(Enterprise.objects.filter(uscc__in=codes).values_list("uscc", "pk"))

    sheet = Sheet("", [
        firm_column(enterprises, "“{}”不在企业档案中", field="enterprise", schema=HISTORY_COLUMNS),
        Column(HISTORY_COLUMNS["year"], "year", year, required=True),
        Column(HISTORY_COLUMNS["tier"], "tier", tier, required=True),
    ], unique=("enterprise", "year"), duplicate="与第{row}行重复（同一企业同一年度）")
    rows, errors = sheet.check(read_table(path))
    if errors:
        raise InputError(errors, Path(path).name)
    return [(r["enterprise"], r["year"], r["tier"]) for r in rows]


def history_import(*, actor, rows: list[tuple[int, int, str]], source_name: str = "") -> dict[str, int]:
    """Write imported tiers, all or nothing, with one audit event; re-importing a year replaces it."""
    from django.core.exceptions import PermissionDenied
    from django.db import transaction

    from gaoxin.core.services import audit_record

    from .permissions import can_import_tier_history

    if not can_import_tier_history(actor):
        raise PermissionDenied("只有管委会管理员或经发局人员可以导入历年等级")
    with transaction.atomic():
        keys = {(e, y) for e, y, _ in rows}
        existing = {(h.enterprise_id, h.year): h for h in TierHistory.objects.filter(
            enterprise_id__in={e for e, _ in keys}, year__in={y for _, y in keys})}
        replaced = [h.pk for k, h in existing.items() if k in keys]
        TierHistory.objects.filter(pk__in=replaced).delete()
        TierHistory.objects.bulk_create([TierHistory(enterprise_id=e, year=y, tier=t, source="imported")
                                         for e, y, t in rows], batch_size=2000)
        counts = {"rows": len(rows), "replaced": len(replaced), "years": len({y for _, y in keys})}
        audit_record(event_type="evaluation.history.import", actor=actor, subject_type="evaluation.tierhistory",
                     subject_repr=source_name or "历年等级", after=counts)
    return counts

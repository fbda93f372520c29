"""Reading the stored figures: a period's values with the period before and the same period a year earlier, a
breakdown by one dimension, a monthly trend, the records behind a figure, and the released evaluation tiers.
Each read is one query whatever the number of figures or records (the dashboard's query count is constant)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Max, Min, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from . import periods as P
from .figures import BY_ID, DIMENSIONS, FIGURES, TIER_FIGURES, Figure
from .models import FigureDay, FigureRefresh


@dataclass
class Value:
    figure: Figure
    value: float | int | None
    previous: float | int | None
    year_before: float | int | None
    num: float = 0
    den: float = 0

    @staticmethod
    def _change(now, then):
        if now is None or then is None:
            return None
        if now == then:
            return 0.0
        if then == 0:
            return None
        return round((float(now) - float(then)) * 100 / abs(float(then)), 1)

    def _points(self, now, then):
        return None if now is None or then is None else round(float(now) - float(then), 1)

    @property
    def is_rate(self) -> bool:
        return self.figure.unit == "%"

    @property
    def mom(self):
        """环比: change from the period before, in % (a rate: in percentage points)."""
        return self._points(self.value, self.previous) if self.is_rate else self._change(self.value, self.previous)

    @property
    def yoy(self):
        """同比: change from the same period a year earlier, in % (a rate: in percentage points)."""
        return self._points(self.value, self.year_before) if self.is_rate else self._change(self.value, self.year_before)

    @property
    def warning(self) -> str:
        """The breached threshold in words, or ""."""
        limit, v, unit = self.figure.threshold, self.value, self.figure.unit
        if v is None:
            return ""
        if "min" in limit and float(v) < float(limit["min"]):
            return f"{self.figure.name}{_fmt(v, unit)}，低于预警线（不低于{_fmt(limit['min'], unit)}）"
        if "max" in limit and float(v) > float(limit["max"]):
            bound = "应为0" if float(limit["max"]) == 0 else f"不超过{_fmt(limit['max'], unit)}"
            return f"{self.figure.name}{_fmt(v, unit)}，超过预警线（{bound}）"
        return ""

    @property
    def better(self) -> str:
        """"up", "down" or "" (neither): which way of change is good, for the colour of 环比 and 同比."""
        return {True: "up", False: "down"}.get(self.figure.higher_is_better, "")

    def as_dict(self) -> dict:
        f = self.figure
        return {"id": f.id, "name": f.name, "section": f.section, "unit": f.unit, "better": self.better,
                "value": self.value,
                "previous": self.previous, "year_before": self.year_before, "mom": self.mom, "yoy": self.yoy,
                "num": self.num, "den": self.den, "warning": self.warning}


def _fmt(value, unit: str) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value}{unit}" if unit == "%" else f"{value}{unit}"


def refresh_state() -> FigureRefresh | None:
    return FigureRefresh.objects.filter(pk=1).first()


def _scope_filter(scope: str | None) -> Q:
    """The whole zone (dim ""), or one department's rows (a department head's view)."""
    return Q(dim="department", key=scope) if scope else Q(dim="")


def figures_for(scope: str | None) -> list[Figure]:
    return [f for f in FIGURES if not scope or "department" in f.dims]


def data_start() -> dict[str, dt.date]:
    """Each figure's first day with stored records: a comparison with a period that starts before it would compare
    with a time before the records were kept (or a partial period). One query."""
    return dict(FigureDay.objects.filter(dim="").values("figure").annotate(first=Min("day"))
                .values_list("figure", "first").order_by())


def values(period: P.Period, *, scope: str | None = None, figures: list[Figure] | None = None, dim: str = "",
           key: str | None = None, since: dict[str, dt.date] | None = None) -> list[Value]:
    """Each figure for the period, the period before and the same period a year earlier: one query. With `dim` and
    `key`, the figures of that one key of the dimension (a department, a station …). A comparison period that starts
    before the figure's first day with data (`since`, from `data_start`) is not compared (None)."""
    figures = figures if figures is not None else figures_for(scope)
    ranges = {"now": period, "prev": period.previous(), "yoy": period.year_before()}
    start = min(p.start for p in ranges.values())
    end = max(p.end for p in ranges.values())
    sums = {}
    for name, p in ranges.items():
        within = Q(day__gte=p.start, day__lte=p.end)
        sums[f"n_{name}"] = Sum("num", filter=within)
        sums[f"d_{name}"] = Sum("den", filter=within)
    where = Q(dim=dim, key=key or "") if dim else _scope_filter(scope)
    rows = {r["figure"]: r for r in FigureDay.objects.filter(
        where, figure__in=[f.id for f in figures], day__gte=start, day__lte=end)
        .values("figure").annotate(**sums).order_by()}
    out = []
    for f in figures:
        r = rows.get(f.id, {})

        first = (since or {}).get(f.id)

        def result(name, f=f, r=r, first=first):
            if name != "now" and since is not None and (first is None or ranges[name].start < first):
                return None
            return f.result(r.get(f"n_{name}") or 0, r.get(f"d_{name}") or 0)

        out.append(Value(f, result("now"), result("prev"), result("yoy"), float(r.get("n_now") or 0),
                         float(r.get("d_now") or 0)))
    return out


def breakdown(period: P.Period, dim: str, *, figures: list[Figure] | None = None, scope: str | None = None) -> dict:
    """{figure id: [(key, label, value, num, den)]} for the figures that have the dimension, best first: one query
    (and one for the labels)."""
    figures = [f for f in (figures or FIGURES) if dim in f.dims]
    if scope and dim != "department":
        # A department's figures are stored by department only: another dimension's rows are the whole zone's.
        return {f.id: [] for f in figures}
    filters = Q(dim=dim, day__gte=period.start, day__lte=period.end, figure__in=[f.id for f in figures])
    if scope and dim == "department":
        filters &= Q(key=scope)
    rows = list(FigureDay.objects.filter(filters).values("figure", "key").annotate(n=Sum("num"), d=Sum("den"))
                .order_by())
    names = labels(dim, {r["key"] for r in rows})
    out: dict[str, list] = {f.id: [] for f in figures}
    for r in rows:
        f = BY_ID[r["figure"]]
        out[f.id].append((r["key"], names.get(r["key"], MISSING.get(dim, "未填写")), f.result(r["n"], r["d"]),
                          float(r["n"]), float(r["d"])))
    for f in figures:
        reverse = f.higher_is_better is not False
        out[f.id].sort(key=lambda row: (row[2] is None, -(row[2] or 0) if reverse else (row[2] or 0), row[1]))
    return out


# What a record without a value for the dimension is.
MISSING = {"station": "非驿站办理", "park": "园区未填写", "department": "未指定部门", "category": "未分类",
           "chain": "未列入产业链"}


def trend(figure_ids: list[str], *, end: dt.date, months: int = 13, scope: str | None = None) -> dict:
    """{figure id: [(month label, value)]} for the `months` months up to the one holding `end`: one query."""
    last = P.month(end.year, end.month)
    first = last
    for _ in range(months - 1):
        first = first.previous()
    rows = (FigureDay.objects.filter(_scope_filter(scope), figure__in=figure_ids, day__gte=first.start, day__lte=last.end)
            .annotate(m=TruncMonth("day")).values("figure", "m").annotate(n=Sum("num"), d=Sum("den")).order_by())
    by = {(r["figure"], (r["m"].year, r["m"].month)): r for r in rows}
    out = {}
    for fid in figure_ids:
        f, series, p = BY_ID[fid], [], first
        for _ in range(months):
            r = by.get((fid, (p.start.year, p.start.month)))
            series.append((f"{p.start.year}-{p.start.month:02d}", f.result(r["n"], r["d"]) if r else f.result(0, 0)))
            p = P.month(*((p.start.year + 1, 1) if p.start.month == 12 else (p.start.year, p.start.month + 1)))
        out[fid] = series
    return out


def labels(dim: str, keys) -> dict[str, str]:
    """Names of dimension keys: units and parks by id, channels and categories by their choices."""
    keys = {k for k in keys if k}
    if not keys:
        return {}
    if dim in ("department", "station"):
        from gaoxin.accounts.models import OrgUnit

        return {str(pk): name for pk, name in OrgUnit.objects.filter(pk__in=[int(k) for k in keys if k.isdigit()])
                .values_list("pk", "name")}
    if dim == "park":
        from gaoxin.enterprises.models import ParkArea

        return {str(pk): name for pk, name in ParkArea.objects.filter(pk__in=[int(k) for k in keys if k.isdigit()])
                .values_list("pk", "name")}
    if dim == "chain":
        from gaoxin.chains.models import Chain

        return {str(pk): name for pk, name in Chain.objects.filter(pk__in=[int(k) for k in keys if k.isdigit()])
                .values_list("pk", "name")}
    if dim == "channel":
        from gaoxin.catalog.models import Channel

        return {**{k: k for k in keys}, **dict(Channel.choices)}
    if dim == "window":
        from gaoxin.catalog.models import Window

        return {str(w.pk): f"{w.zone.name} {w.number}号窗口（{w.name}）" for w in
                Window.objects.filter(pk__in=[int(k) for k in keys if k.isdigit()]).select_related("zone")}
    if dim == "category":
        from gaoxin.appeals.models import Category
        from gaoxin.green.models import LabelLevel
        from gaoxin.guidance.models import Outcome
        from gaoxin.kiosk.models import VisitStep
        from gaoxin.stations.models import ServiceCategory

        return {**{k: k for k in keys}, **dict(Category.choices), **dict(ServiceCategory.choices),
                **dict(LabelLevel.choices), **dict(VisitStep.choices), **dict(Outcome.choices)}
    return {k: k for k in keys}


def records(figure: Figure, period: P.Period, *, user, dim: str = "", key: str = "") -> QuerySet:
    """The records behind a figure in a period (and one dimension key), as far as the viewer may see them; each
    annotated `counted` (for a share: whether it is in the numerator)."""
    source = figure.source
    dim_q = Q()
    if dim and dim in figure.dims:
        path = source.dimensions[dim]
        if key:
            dim_q = Q(**{path: key})
        else:  # the records without a value for the dimension ("未填写")
            dim_q = Q(**{f"{path}__isnull": True}) if path.endswith("_id") else Q(**{path: ""})
    # One filter call: a dimension across a multi-valued relation (a payment's chain, through the firm's
    # memberships) is read on the same joined row as the figure's filter, so each record is listed once.
    qs = source.scope(user).filter(source.in_period(period.start, period.end)).filter(figure.where_q, dim_q)
    if source.annotations:
        qs = qs.annotate(**source.annotations())
    if figure.kind == "share":
        qs = qs.annotate(counted=figure.numerator_expression())
    elif figure.kind in ("mean", "sum"):
        qs = qs.annotate(counted=figure.value_expression())
    return qs.select_related(*source.related).order_by(*source.newest_first())


def dimension_names() -> dict[str, str]:
    return dict(DIMENSIONS)


def tiers() -> dict:
    """Firms per released tier in the latest data year and the year before it (evaluation.md)."""
    from gaoxin.evaluation.models import TierHistory

    latest = TierHistory.objects.aggregate(y=Max("year"))["y"]
    if latest is None:
        return {}
    counts = {(r["year"], r["tier"]): r["n"] for r in TierHistory.objects.filter(year__in=[latest, latest - 1])
              .values("year", "tier").annotate(n=Count("id")).order_by()}
    return {"year": latest, "rows": [
        {"tier": t, "name": name, "count": counts.get((latest, t), 0),
         "change": counts.get((latest, t), 0) - counts[(latest - 1, t)] if (latest - 1, t) in counts else None}
        for t, name in TIER_FIGURES.items()]}


def chains(year: int) -> list[dict]:
    """The industry chains' figures (issue 20 item 4), registered beside the tiers: like them yearly, not daily, so
    read from the chains room (`chains.selectors.chains_yearly`, constant queries) rather than stored per day. Per
    chain: sales and tax of its local firms in the latest released evaluation year, and its problems, problems
    solved and policies paid in `year`."""
    from gaoxin.chains.models import Chain
    from gaoxin.chains.selectors import chains_yearly

    names = list(Chain.objects.order_by("name", "pk").values_list("pk", "code", "name"))
    if not names:
        return []
    yearly = chains_yearly()
    out = []
    for pk, code, name in names:
        rows = yearly.get(pk, [])
        money = next((r for r in rows if r["sales"] is not None or r["tax"] is not None), None)
        this = next((r for r in rows if r["year"] == year), {})
        out.append({"code": code, "name": name, "data_year": money["year"] if money else None,
                    "sales": money["sales"] if money else None, "tax": money["tax"] if money else None,
                    "problems": this.get("problems", 0), "solved": this.get("solved", 0),
                    "paid": this.get("paid", 0), "paid_amount": this.get("paid_amount", 0)})
    return out

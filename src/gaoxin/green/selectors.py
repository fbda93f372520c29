"""Reads of the green room, each starting from the permission scoper."""

from __future__ import annotations

from django.db.models import Count, Q

from . import permissions as perms
from .models import GreenLabel, LabelKind, LabelLevel, LabelStatus


def label_list(*, user, kind: str = "", level: str = "", status: str = "", q: str = ""):
    qs = perms.labels_visible_to(user).select_related("enterprise")
    if kind:
        qs = qs.filter(kind=kind)
    if level:
        qs = qs.filter(level=level)
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(Q(enterprise__name__icontains=q) | Q(enterprise__uscc__icontains=q) | Q(title__icontains=q))
    return qs.order_by("-year", "kind", "enterprise__name", "pk")


def label_get(*, user, pk: int) -> GreenLabel | None:
    return perms.labels_visible_to(user).select_related("enterprise").filter(pk=pk).first()


def label_counts(*, user=None) -> list[dict]:
    """Live labels (not revoked) per kind and level, in the table's order: [{kind, kind_label, level, level_label,
    count}]; one query."""
    qs = perms.labels_visible_to(user) if user is not None else GreenLabel.objects.all()
    rows = (qs.exclude(status=LabelStatus.REVOKED).values("kind", "level").annotate(n=Count("pk")))
    found = {(r["kind"], r["level"]): r["n"] for r in rows}
    kinds, levels = list(LabelKind.values), list(LabelLevel.values)
    return [{"kind": k, "kind_label": LabelKind(k).label, "level": lv, "level_label": LabelLevel(lv).label, "count": n}
            for (k, lv), n in sorted(found.items(), key=lambda kv: (kinds.index(kv[0][0]), levels.index(kv[0][1])))]


# --- carbon-efficiency grade --------------------------------------------------------------------------------------

CARBON_FIELDS = ("energy_tce", "electricity_wan_kwh", "sales_wan", "value_added_wan")


def carbon_params():
    from django.conf import settings

    from .carbon import CarbonParams

    return CarbonParams(thresholds=tuple(settings.GAOXIN_GREEN_CARBON_THRESHOLDS),
                        factor_tce=settings.GAOXIN_GREEN_CARBON_FACTOR_TCE,
                        factor_electricity=settings.GAOXIN_GREEN_CARBON_FACTOR_ELECTRICITY,
                        min_peers=settings.GAOXIN_GREEN_CARBON_MIN_PEERS)


def carbon_inputs() -> list[dict]:
    """Each firm's figures from the latest evaluation cycle that holds any of them (the department's verified value
    before the firm's reported one); one query. Rows carry the firm's name, code, industry and the data year."""
    from gaoxin.evaluation.models import CycleValue

    values = (CycleValue.objects.filter(field__in=CARBON_FIELDS)
              .values_list("participant__enterprise_id", "participant__enterprise__name",
                           "participant__enterprise__uscc", "participant__enterprise__industry_id",
                           "participant__cycle__data_year", "field", "verified", "reported"))
    firms: dict[int, dict] = {}
    for firm_id, name, uscc, industry, year, field, verified, reported in values.iterator(chunk_size=5000):
        row = firms.get(firm_id)
        if row is None or year > row["year"]:
            row = firms[firm_id] = {"enterprise_id": firm_id, "name": name, "uscc": uscc, "industry": industry or "",
                                    "year": year, **dict.fromkeys(CARBON_FIELDS)}
        elif year < row["year"]:
            continue
        value = verified if verified is not None else reported
        row[field] = float(value) if value is not None else None
    return sorted(firms.values(), key=lambda r: r["enterprise_id"])


def carbon_grades() -> list[dict]:
    """Every firm with figures, graded against its industry (carbon.grade_firms); a list of plain rows."""
    from .carbon import GRADE_LABELS, frame, grade_firms

    rows = carbon_inputs()
    if not rows:
        return []
    graded = grade_firms(frame(rows), carbon_params()).select(
        "enterprise_id", "emissions_t", "basis", "intensity", "benchmark", "benchmark_scope", "ratio", "grade",
        "note").to_dicts()
    out = []
    for row, g in zip(rows, graded, strict=True):
        out.append({**row, **g, "grade_label": GRADE_LABELS.get(g["grade"], "无法评定")})
    return out


def carbon_list(*, user, grade: str = "", industry: str = "", q: str = "") -> list[dict]:
    """The grades this user may read (staff: every firm; a firm: its own), graded against every firm."""
    from gaoxin.accounts.permissions import firm_ids_of

    if not perms.can_view_carbon(user):
        return []
    rows = carbon_grades()
    if not perms.can_view_all_carbon(user):
        own = set(firm_ids_of(user))
        rows = [r for r in rows if r["enterprise_id"] in own]
    if grade:
        rows = [r for r in rows if (r["grade"] or "none") == grade]
    if industry:
        rows = [r for r in rows if r["industry"].startswith(industry)]
    if q:
        rows = [r for r in rows if q in r["name"] or q.upper() in r["uscc"]]
    order = {g: i for i, g in enumerate(["dark_green", "light_green", "yellow", "red"])}
    return sorted(rows, key=lambda r: (order.get(r["grade"], 9), r["ratio"] if r["ratio"] is not None else 0,
                                       r["name"]))

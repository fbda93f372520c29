"""Reads of the green room, each starting from the permission scoper."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone

from . import permissions as perms
from .models import LENT, GreenLabel, LabelKind, LabelLevel, LabelStatus


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


# --- finance board ------------------------------------------------------------------------------------------------


def need_list(*, user, status: str = "", green: str = "", q: str = ""):
    qs = perms.needs_visible_to(user).select_related("enterprise")
    if status:
        qs = qs.filter(status=status)
    if green == "yes":
        qs = qs.filter(is_green=True)
    elif green == "no":
        qs = qs.filter(is_green=False)
    if q:
        qs = qs.filter(Q(enterprise__name__icontains=q) | Q(purpose__icontains=q))
    # The answers the viewer may read, counted in the same query (a bank: its own only).
    seen = perms.responses_visible_to(user)
    today = timezone.localdate()
    qs = qs.annotate(
        n_responses=Count("responses", filter=Q(responses__in=seen), distinct=True),
        n_answered=Count("responses", filter=Q(responses__in=seen.exclude(status="pending")), distinct=True),
        # what became of it, for the list: loans made, and banks past their deadline without an answer
        n_lent=Count("responses", filter=Q(responses__in=seen.filter(status__in=LENT)), distinct=True),
        n_overdue=Count("responses", filter=Q(responses__in=seen.filter(status="pending", respond_by__lt=today)),
                        distinct=True))
    return qs.order_by("-posted_on", "-pk")


def inbox(*, user, status: str = "", overdue: bool = False, q: str = ""):
    """A bank's responses (the needs shared with it), oldest deadline first."""
    qs = perms.responses_visible_to(user).select_related("need__enterprise", "bank")
    if status:
        qs = qs.filter(status=status)
    if overdue:
        from django.utils import timezone

        qs = qs.filter(status="pending", respond_by__lt=timezone.localdate())
    if q:
        qs = qs.filter(Q(need__enterprise__name__icontains=q) | Q(need__purpose__icontains=q))
    return qs.order_by("status", "respond_by", "-pk")


def need_get(*, user, pk: int):
    return perms.needs_visible_to(user).select_related("enterprise", "enterprise__industry").filter(pk=pk).first()


def need_responses(*, user, need):
    return list(perms.responses_visible_to(user).filter(need=need).select_related("bank", "officer")
                .order_by("bank__sort_order", "bank__name"))


def need_events(*, user, need):
    """The timeline this user may read: the need's own rows and the rows of the answers they see."""
    seen = perms.responses_visible_to(user).filter(need=need).values("pk")
    return list(need.events.filter(Q(response__isnull=True) | Q(response__in=seen)).select_related("actor", "response__bank"))


def response_get(*, user, pk: int):
    return perms.responses_visible_to(user).select_related("need__enterprise", "bank").filter(pk=pk).first()


def shared_file(*, user, need) -> dict:
    """What of the firm a bank may read, by the firm's choice (ShareScope); the firm and the office read it all."""
    from .models import ShareScope

    full = not perms.bank_of(user)
    scope = need.share_scope
    out: dict = {"profile": None, "labels": None, "grades": None}
    if full or scope in (ShareScope.PROFILE, ShareScope.GRADES):
        e = need.enterprise
        out["profile"] = [("统一社会信用代码", e.uscc), ("法定代表人", e.legal_representative),
                          ("行业", str(e.industry)), ("规模", e.get_size_group_display()),
                          ("成立日期", f"{e.registered_on:%Y-%m-%d}" if e.registered_on else "—"),
                          ("注册资本", f"{e.registered_capital:,.2f} 万元" if e.registered_capital else "—"),
                          ("注册地址", e.address or "—")]
    if full or scope == ShareScope.GRADES:
        out["labels"] = list(GreenLabel.objects.filter(enterprise=need.enterprise)
                             .exclude(status=LabelStatus.REVOKED).order_by("-year", "kind"))
        out["grades"] = [r for r in carbon_grades() if r["enterprise_id"] == need.enterprise_id]
    return out


# --- risk pool ----------------------------------------------------------------------------------------------------


def loan_subsidies(responses) -> dict:
    """response id -> its interest subsidy movement (one query)."""
    from .models import MovementKind, PoolMovement

    ids = [r.pk for r in responses]
    return {m.loan_id: m for m in PoolMovement.objects.filter(loan_id__in=ids, kind=MovementKind.SUBSIDY)}


def pool_summary() -> dict:
    """The pool's balance, contributions by source and what it paid (subsidies, compensations); two queries."""
    from django.db.models import Sum

    from .models import FundSource, MovementKind, PoolMovement, RiskPool

    pool = RiskPool.objects.order_by("pk").first()
    rows = PoolMovement.objects.values("kind", "source").annotate(total=Sum("amount"), n=Count("pk")).order_by()
    by = {(r["kind"], r["source"]): r for r in rows}
    zero = Decimal("0.00")
    sources = [{"source": s, "label": FundSource(s).label,
                "amount": by.get((MovementKind.CONTRIBUTION, s), {}).get("total") or zero} for s in FundSource.values]
    def paid(kind):
        return sum((r["total"] for (k, _s), r in by.items() if k == kind), zero)

    def count(kind):
        return sum(r["n"] for (k, _s), r in by.items() if k == kind)

    return {"balance": pool.balance if pool else zero, "sources": sources,
            "contributed": sum((s["amount"] for s in sources), zero),
            "subsidies": paid(MovementKind.SUBSIDY), "subsidy_count": count(MovementKind.SUBSIDY),
            "compensations": paid(MovementKind.COMPENSATION), "compensation_count": count(MovementKind.COMPENSATION)}


def movement_list(*, user, kind: str = ""):
    from .models import PoolMovement

    if not perms.can_view_pool(user):
        return PoolMovement.objects.none()
    qs = PoolMovement.objects.select_related("actor", "loan__bank", "loan__need__enterprise")
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-occurred_on", "-pk")


def loans_awaiting_subsidy(*, user):
    """Disbursed loans in good standing with no interest subsidy yet (the finance office's work list); a defaulted
    or compensated loan earns none (`services.subsidy_pay`)."""
    from .models import MovementKind, ResponseStatus

    if not perms.can_view_pool(user):
        return []
    return list(perms.responses_visible_to(user).filter(status=ResponseStatus.DISBURSED)
                .exclude(movements__kind=MovementKind.SUBSIDY)
                .select_related("bank", "need__enterprise").order_by("disbursed_on", "pk"))


def finance_figures() -> dict:
    """The green room's finance figures (issue 21 item 6): green loans (count, amount, share of the board's loans by
    count and by amount), subsidies paid and the pool's balance; three queries."""
    from django.db.models import Sum

    from .models import LENT, BankResponse

    zero = Decimal("0.00")
    rows = {r["need__is_green"]: r for r in BankResponse.objects.filter(status__in=LENT)
            .values("need__is_green").annotate(n=Count("pk"), amount=Sum("disbursed_amount")).order_by()}
    green = rows.get(True, {"n": 0, "amount": zero})
    total_n = sum(r["n"] for r in rows.values())
    total_amount = sum((r["amount"] or zero for r in rows.values()), zero)
    pool = pool_summary()
    return {"green_loans": green["n"], "green_amount": green["amount"] or zero, "all_loans": total_n,
            "all_amount": total_amount,
            "count_share": round(100 * green["n"] / total_n, 1) if total_n else None,
            "amount_share": round(float(100 * (green["amount"] or zero) / total_amount), 1) if total_amount else None,
            "subsidies": pool["subsidies"], "subsidy_count": pool["subsidy_count"], "balance": pool["balance"]}

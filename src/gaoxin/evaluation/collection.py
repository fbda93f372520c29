"""Data collection (specs/evaluation.md §12.2 数据采集, §12.5): department templates generated
from the cycle's method, atomic uploads with a per-cell error report, enterprise self-reporting
and the cross-check of reported against verified figures."""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import polars as pl
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, FloatField
from django.db.models.functions import Cast
from django.utils import timezone

from gaoxin.accounts.models import OrgUnit
from gaoxin.core.excel import Invalid, Sheet, Table, decimal, write_workbook
from gaoxin.core.services import audit_record
from gaoxin.enterprises.models import Enterprise

from .inputs import NON_NEGATIVE, SCHEMA, InputError, column, firm_column, read_table
from .method import RAW_FIELDS, Method, builtin_method, method_from_dict
from .models import Cycle, CycleStatus, CycleValue, Participant
from .permissions import can_supply_unit, is_member

S = CycleStatus
DEPARTMENT_STATES = {S.COLLECTING, S.DEPT_REVIEW, S.CORRECTING, S.AMENDED}
USCC, NAME = SCHEMA["uscc"], SCHEMA["name"]


_FROZEN: dict[str, Method] = {}  # method hash (SHA-256 of the frozen file) -> validated method


def cycle_method(cycle: Cycle) -> Method:
    """The cycle's method: the frozen copy once scoring started, else the shipped file. Pages call
    this several times per request, so each distinct method is validated once per process."""
    if not cycle.method_frozen:
        return builtin_method(cycle.method_name)
    method = _FROZEN.get(cycle.method_hash)
    if method is None:
        method = _FROZEN[cycle.method_hash] = method_from_dict(cycle.method_frozen)
    return method


def needed_fields(cycle: Cycle, group: str | None = None) -> list[str]:
    """Raw fields the cycle's method uses (for one group, or all), in the method file's field order."""
    needed = cycle_method(cycle).fields_needed({group} if group else None)
    return [f for f in RAW_FIELDS if f in needed]


def owned_fields(cycle: Cycle, unit: OrgUnit) -> list[str]:
    owners = settings.GAOXIN_EVALUATION_FIELD_OWNERS
    return [f for f in needed_fields(cycle) if owners.get(f) == unit.code]


def supplying_units(cycle: Cycle) -> list[tuple[OrgUnit | None, str, list[str]]]:
    """(unit, code, fields) for every department that owns a needed field; unit is None when the
    configured code names no department in the registry."""
    owners = settings.GAOXIN_EVALUATION_FIELD_OWNERS
    by_code: dict[str, list[str]] = defaultdict(list)
    for field in needed_fields(cycle):
        by_code[owners.get(field, "")].append(field)
    units = {u.code: u for u in OrgUnit.objects.filter(code__in=by_code)}
    return [(units.get(code), code, fields) for code, fields in by_code.items()]


def _participants(cycle: Cycle):
    return Participant.objects.filter(cycle=cycle, participating=True).select_related("enterprise")


def build_template(cycle: Cycle, unit: OrgUnit) -> bytes:
    """The department's sheet: its fields only, one row per participating firm, current values filled
    in, number validation on every input cell."""
    fields = owned_fields(cycle, unit)
    rows = list(_participants(cycle).order_by("group", "enterprise__uscc"))
    values = {(v.participant_id, v.field): v.verified for v in
              CycleValue.objects.filter(participant__cycle=cycle, field__in=fields, verified__isnull=False)}
    headings = [SCHEMA[f] for f in fields]
    out = io.BytesIO()
    write_workbook(out, [Table(
        f"{unit.short_name or unit.name}数据", [USCC, NAME, *headings],
        ([p.enterprise.uscc, p.enterprise.name, *(values.get((p.pk, f)) for f in fields)] for p in rows),
        widths={USCC: 22, NAME: 30} | dict.fromkeys(headings, 16), freeze=2,
        validations={SCHEMA[f]: _number_rule(f) for f in fields},
    )])
    return out.getvalue()


def _number_rule(field: str) -> dict:
    """Excel's own check on a figure cell, the same rule the upload applies."""
    rule = {"validate": "decimal", "input_title": SCHEMA[field][:32],
            "error_message": "请输入数字" + ("，不能为负数" if field in NON_NEGATIVE else "")}
    return rule | ({"criteria": ">=", "value": 0} if field in NON_NEGATIVE else
                   {"criteria": "between", "minimum": -1e12, "maximum": 1e12})


def _figure(field: str):
    # CycleValue holds 18 digits, 4 of them decimals.
    return decimal(minimum=0 if field in NON_NEGATIVE else None, places=4, max_digits=18)


def _check_state(cycle: Cycle, allowed: set[str], what: str) -> None:
    if cycle.status not in allowed:
        raise ValidationError(f"评价周期处于“{cycle.get_status_display()}”，不能{what}")


def parse_department_file(cycle: Cycle, unit: OrgUnit, path: str | Path,
                          on_progress: Callable[[int, int], None] | None = None) -> dict[tuple[int, str], Decimal]:
    """{(participant id, field): value} for every filled cell, or InputError listing every bad cell."""
    fields = owned_fields(cycle, unit)
    known = dict(_participants(cycle).values_list("enterprise__uscc", "pk"))
    sheet = Sheet("", [firm_column(known, "“{}”不在本周期参评名单中", field="participant"),
                       *(column(f, _figure(f), needed=True) for f in fields)], unique=("participant",))
    rows, errors = sheet.check(read_table(path), on_progress=on_progress and (
        lambda done, total: on_progress(done - 1, total - 1)))  # the firm column is not a figure
    if errors:
        raise InputError(errors, Path(path).name)
    return {(row["participant"], f): row[f] for row in rows for f in fields if row[f] is not None}


@transaction.atomic
def department_import(*, actor, cycle: Cycle, unit: OrgUnit, values: dict[tuple[int, str], Decimal],
                      source_name: str = "") -> dict[str, int]:
    """Write a department's verified figures, all or nothing, with one audit event."""
    if not can_supply_unit(actor, unit):
        raise PermissionDenied("只能上报本部门负责的数据")
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    _check_state(cycle, DEPARTMENT_STATES, "上报部门数据")
    counts = _upsert(values, column="verified", unit=unit)
    audit_record(event_type="evaluation.data.department_import", actor=actor, subject=cycle,
                 after={"unit": unit.code, "file": source_name, **counts})
    return counts


def _upsert(values: dict[tuple[int, str], Decimal], *, column: str, unit: OrgUnit | None = None) -> dict[str, int]:
    existing = {(v.participant_id, v.field): v for v in CycleValue.objects.filter(
        participant_id__in={p for p, _ in values}, field__in={f for _, f in values})}
    new, changed, now = [], [], timezone.now()
    for key, value in values.items():
        row = existing.get(key) or CycleValue(participant_id=key[0], field=key[1])
        if getattr(row, column) == value and (unit is None or row.verified_by_id == unit.pk):
            continue
        setattr(row, column, value)
        row.updated_at = now
        if unit is not None:
            row.verified_by = unit
        (changed if row.pk else new).append(row)
    CycleValue.objects.bulk_create(new, batch_size=2000)
    CycleValue.objects.bulk_update(changed, [column, "verified_by", "updated_at"], batch_size=2000)
    return {"created": len(new), "updated": len(changed), "unchanged": len(values) - len(new) - len(changed)}


def parse_figure(raw, field: str) -> Decimal:
    """A typed figure (thousands separators allowed) as a Decimal; ValueError names the field."""
    try:
        return _figure(field)(str(raw).strip())
    except Invalid as exc:
        raise ValueError(f"{RAW_FIELDS.get(field, field)}：{exc}") from None


@transaction.atomic
def enterprise_report(*, actor, participant: Participant, values: dict[str, str]) -> dict[str, int]:
    """An enterprise enters its own figures (企业填报) while data is being collected."""
    participant = Participant.objects.select_related("cycle").get(pk=participant.pk)
    if not is_member(actor, participant):
        raise PermissionDenied("只能填报本企业的数据")
    _check_state(participant.cycle, {S.COLLECTING}, "填报")
    if not participant.participating:
        raise ValidationError("本企业本年度不参评，无需填报")
    allowed = needed_fields(participant.cycle, participant.group)
    errors, parsed = {}, {}
    for field, raw in values.items():
        if field not in allowed:
            errors[field] = "本次评价不需要此项"
            continue
        if raw is None or str(raw).strip() == "":
            continue
        try:
            parsed[(participant.pk, field)] = parse_figure(raw, field)
        except ValueError as exc:
            errors[field] = str(exc)
    if errors:
        raise ValidationError(errors)
    counts = _upsert(parsed, column="reported")
    Participant.objects.filter(pk=participant.pk).update(record_status="FILLED")
    audit_record(event_type="evaluation.data.enterprise_report", actor=actor, subject=participant, after=counts)
    return counts


def cross_check(cycle: Cycle, gap_percent: float | None = None, *, listed: int = 200) -> dict:
    """Gaps between reported and verified figures above the configured percentage, and missing
    figures per department and per enterprise (§12.5). Vectorised with Polars; at most `listed`
    gaps and enterprises are returned with their names, the totals count everything."""
    gap_percent = settings.GAOXIN_EVALUATION_GAP_PERCENT if gap_percent is None else gap_percent
    method, owners = cycle_method(cycle), settings.GAOXIN_EVALUATION_FIELD_OWNERS
    parts = pl.DataFrame(list(cycle.participants.filter(participating=True).values_list("pk", "group", "enterprise_id")),
                         schema={"pid": pl.Int64, "group": pl.String, "eid": pl.Int64}, orient="row")
    need = pl.DataFrame([(g, f, owners.get(f, "")) for g in method.groups for f in needed_fields(cycle)
                         if f in method.fields_needed({g})],
                        schema={"group": pl.String, "field": pl.String, "owner": pl.String}, orient="row")
    vals = pl.DataFrame(list(CycleValue.objects.filter(participant__cycle=cycle, participant__participating=True)
                             .values_list("participant_id", "field", Cast("reported", FloatField()),
                                          Cast("verified", FloatField()))),
                        schema={"pid": pl.Int64, "field": pl.String, "reported": pl.Float64, "verified": pl.Float64},
                        orient="row")
    grid = parts.join(need, on="group").join(vals, on=["pid", "field"], how="left")
    unverified = grid.filter(pl.col("verified").is_null()).group_by("owner").len()
    missing = (grid.filter(pl.col("verified").is_null() & pl.col("reported").is_null())
               .group_by("eid").agg(pl.col("field")).sort("eid"))
    gaps = (grid.filter(pl.col("reported").is_not_null() & pl.col("verified").is_not_null() & (pl.col("verified") != 0))
            .with_columns(gap=((pl.col("reported") - pl.col("verified")).abs() / pl.col("verified").abs() * 100))
            .filter(pl.col("gap") > gap_percent).sort(["gap", "eid"], descending=[True, False]))
    shown_ids = set(gaps["eid"].head(listed).to_list()) | set(missing["eid"].head(listed).to_list())
    firms = Enterprise.objects.in_bulk(shown_ids)
    names = dict(OrgUnit.objects.filter(code__in=unverified["owner"].to_list()).values_list("code", "name"))

    def dec(x: float) -> Decimal:
        return Decimal(str(round(x, 4))).normalize()

    return {
        "gap_percent": gap_percent,
        "gap_count": gaps.height,
        "gaps": [{"enterprise": firms[r["eid"]], "field": RAW_FIELDS[r["field"]], "reported": dec(r["reported"]),
                  "verified": dec(r["verified"]), "gap": round(r["gap"], 1)} for r in gaps.head(listed).iter_rows(named=True)],
        "unverified_by_department": {names.get(r["owner"], r["owner"]): r["len"] for r in unverified.sort("owner").iter_rows(named=True)},
        "missing_count": missing.height,
        "missing_by_enterprise": [{"enterprise": firms[r["eid"]], "missing": [RAW_FIELDS[f] for f in r["field"]]}
                                  for r in missing.head(listed).iter_rows(named=True)],
    }


def expected_counts(cycle: Cycle, rated: dict[str, int] | None = None) -> dict[str, int]:
    """Figures each department owes: participating firms × the department's fields their group uses. `rated`:
    the participating firms per group when the caller has counted them already."""
    method, owners = cycle_method(cycle), settings.GAOXIN_EVALUATION_FIELD_OWNERS
    expected: dict[str, int] = defaultdict(int)
    if rated is None:
        rated = dict(cycle.participants.filter(participating=True).values_list("group").annotate(n=Count("id")))
    for group, n in rated.items():
        for field in method.fields_needed({group}):
            expected[owners.get(field, "")] += n
    return dict(expected)

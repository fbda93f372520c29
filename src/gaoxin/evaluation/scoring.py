"""Scoring runs over the cycle's stored figures (specs/evaluation.md §12.2 评价测算, §12.4):
the engine's input built from the database, every run stored with its method, an input hash and
its results, the tier diff between runs, manual re-grading (调档) with a leader's approval, and
the release into each firm's tier history."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable

import polars as pl
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, FloatField, OuterRef, Q, Subquery
from django.db.models.functions import Cast
from django.utils import timezone

from gaoxin.accounts.models import EnterpriseMembership, OrgUnit
from gaoxin.core.models import JobStatus
from gaoxin.core.notify import notify
from gaoxin.core.services import audit_record
from gaoxin.enterprises.models import LandKind

from . import engine, notifications
from .adjustments import adjustments_frame
from .collection import cycle_method
from .inputs import NUMERIC
from .method import LAND_FIELDS, RAW_FIELDS
from .models import (
    TIER_NAMES,
    Cycle,
    CycleStatus,
    CycleValue,
    Objection,
    ObjectionStatus,
    Participant,
    Regrade,
    RegradeStatus,
    Release,
    RunStatus,
    ScoreResult,
    ScoreRun,
    TierHistory,
)
from .permissions import can_approve_regrade, can_request_regrade, can_run_evaluation

S = CycleStatus
# States in which the bureau may (re)score: the first run moves ENTERPRISE_CONFIRM to SCORED.
SCORABLE = {S.ENTERPRISE_CONFIRM, S.SCORED, S.OBJECTION_RESOLUTION, S.AMENDED}
REGRADABLE = {S.SCORED, S.OBJECTION_RESOLUTION, S.AMENDED}
_LAND_KIND = {LandKind.OWN: "own_land_m2", LandKind.LEASED_IN: "leased_in_m2", LandKind.LEASED_OUT: "leased_out_m2"}


# --- the engine's input, from the database -----------------------------------------------

def input_frame(cycle: Cycle, participants: list[int] | None = None) -> pl.DataFrame:
    """One row per participant (or per one of `participants`) in the engine's schema. A figure is the verified
    value, else the reported one; each kind of land comes from the registry's parcels unless natural resources
    supplied it."""
    chosen = cycle.participants.all() if participants is None else cycle.participants.filter(pk__in=participants)
    parts = pl.DataFrame(
        _fetch(chosen.values_list("pk", "enterprise_id", "enterprise__uscc", "enterprise__name", "group",
                                  "enterprise__industry_id", "participating", "t_reason")),
        schema={"pid": pl.Int64, "eid": pl.Int64, "uscc": pl.String, "name": pl.String, "group": pl.String,
                "industry_code": pl.String, "participating": pl.Boolean, "t_reason": pl.String}, orient="row")
    values = pl.DataFrame(
        _fetch(CycleValue.objects.filter(participant__in=chosen).values_list(
            "participant_id", "field", Cast("reported", FloatField()), Cast("verified", FloatField()))),
        schema={"pid": pl.Int64, "field": pl.String, "reported": pl.Float64, "verified": pl.Float64}, orient="row")
    wide = (values.with_columns(value=pl.coalesce("verified", "reported")).drop_nulls("value")
            .pivot(on="field", index="pid", values="value") if values.height else pl.DataFrame({"pid": []},
                                                                                             schema={"pid": pl.Int64}))
    frame = parts.join(wide, on="pid", how="left")
    land_given = [c for c in LAND_FIELDS if c in frame.columns]
    registry = _registry_land(chosen)
    frame = frame.join(registry, on="eid", how="left", suffix="_registry")
    # Each kind of land separately: the natural-resources department's figure where it gave one, else the
    # registry's parcels (a correction of the firm's own land keeps its leased-in land; QA walk of issue 14).
    for col in ("own_land_m2", "leased_in_m2", "leased_out_m2"):
        given = pl.col(col) if col in land_given else pl.lit(None, dtype=pl.Float64)
        frame = frame.with_columns(pl.coalesce(given, pl.col(f"{col}_registry")).alias(col))
    for col in NUMERIC:
        if col not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.Float64).alias(col))
    frame = frame.with_columns(t_reason=pl.when(pl.col("participating")).then(None).otherwise(pl.col("t_reason")))
    return frame.select(["pid", "eid", "uscc", "name", "group", "industry_code", "t_reason",
                         *[pl.col(c).cast(pl.Float64) for c in NUMERIC]]).sort("uscc")


def _fetch(queryset) -> list[tuple]:
    """The rows of a values_list queryset straight from the cursor: no per-value converters (the columns read
    here are numbers, text, and booleans that Polars reads from 0/1 as well), about three times faster at 10⁵
    rows."""
    from django.db import connections

    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _registry_land(participants) -> pl.DataFrame:
    from gaoxin.enterprises.models import LandParcel

    rows = (LandParcel.objects.filter(enterprise_id__in=participants.values("enterprise_id"))
            .values_list("enterprise_id", "kind", Cast("area_m2", FloatField())))
    frame = pl.DataFrame(_fetch(rows), schema={"eid": pl.Int64, "kind": pl.String, "m2": pl.Float64}, orient="row")
    frame = frame.with_columns(pl.col("kind").replace_strict(_LAND_KIND, default=None)).drop_nulls("kind")
    if frame.is_empty():
        return pl.DataFrame(schema={"eid": pl.Int64, **{f"{c}_registry": pl.Float64 for c in _LAND_KIND.values()}})
    wide = frame.pivot(on="kind", index="eid", values="m2", aggregate_function="sum")
    return wide.select("eid", *[(pl.col(c) if c in wide.columns else pl.lit(None, dtype=pl.Float64)).alias(f"{c}_registry")
                                for c in _LAND_KIND.values()])


LAND_LABELS = {"own_land_m2": "自有用地", "leased_in_m2": "租入用地", "leased_out_m2": "出租用地",
               "unregistered_land_m2": "未登记用地"}


def land_of(participant: Participant) -> dict:
    """A firm's land exactly as the engine uses it (issue 14 §2): each kind in m² from the same input the scoring
    run reads, the area counted (the method's included kinds minus its subtracted ones) in m² and 亩, where it
    comes from (the natural-resources department's figures, or the registry's parcels, listed), and the
    department that answers an objection to it."""
    from gaoxin.enterprises.models import LandParcel

    cycle = participant.cycle
    land = cycle_method(cycle).land
    row = input_frame(cycle, [participant.pk]).row(0, named=True)
    supplied = set(CycleValue.objects.filter(participant=participant, field__in=LAND_FIELDS).filter(
        Q(verified__isnull=False) | Q(reported__isnull=False)).values_list("field", flat=True))
    kinds = [{"field": f, "label": LAND_LABELS[f], "m2": row.get(f), "counted": "加" if f in land.include else "减",
              "source": "自然资源部门核定" if f in supplied else "企业档案地块"}
             for f in (*land.include, *land.subtract)]
    known = [row.get(f) for f in land.include if row.get(f) is not None]
    m2 = sum(known) - sum(row.get(f) or 0 for f in land.subtract) if known else None
    owner = settings.GAOXIN_EVALUATION_FIELD_OWNERS.get("own_land_m2", "")
    from_registry = any(k["source"] == "企业档案地块" for k in kinds)
    return {
        "kinds": kinds, "m2": m2, "mu": None if m2 is None else m2 * land.mu_per_m2, "mu_per_m2": land.mu_per_m2,
        "source": "企业档案登记的地块" if not supplied else "自然资源部门核定数据" if not from_registry
        else "自然资源部门核定数据与企业档案登记的地块（逐项见上表）",
        "parcels": list(LandParcel.objects.filter(enterprise_id=participant.enterprise_id).order_by("kind", "parcel_no"))
        if from_registry else [],
        "owner": OrgUnit.objects.filter(code=owner).first(),
    }


def input_hash(frame: pl.DataFrame, adjustments: pl.DataFrame | None = None) -> str:
    """SHA-256 of the exact engine input (figures and bonus/penalty events), so a run can be shown
    to rest on the stored data."""
    digest = hashlib.sha256(frame.drop("pid", "eid").sort("uscc").write_csv().encode())
    if adjustments is not None and adjustments.height:
        digest.update(adjustments.sort(["uscc", "rule_id"]).write_csv().encode())
    return digest.hexdigest()


def prior_frame(cycle: Cycle) -> pl.DataFrame | None:
    """The previous data year's released indicator values, for prior-year benchmarks (§7)."""
    release = (Release.objects.filter(cycle__data_year=cycle.data_year - 1).select_related("run").defer("run__frame")
               .order_by("-released_at", "-version").first())
    if release is None:
        return None
    rows = [{"group": group, "industry_code": industry, **{iid: v.get("value") for iid, v in indicators.items()}}
            for group, industry, indicators in ScoreResult.objects.filter(run=release.run).exclude(tier="T").values_list(
                "group", "participant__enterprise__industry_id", "indicators").iterator(chunk_size=5000)]
    if not rows:
        return None
    return pl.DataFrame(rows, infer_schema_length=None)


# --- starting and computing a run --------------------------------------------------------------

@transaction.atomic
def score_start(*, actor, cycle: Cycle, note: str = "") -> ScoreRun:
    """Open a scoring run (the first one moves the cycle to 评价测算 and freezes the method) and
    queue it as a background job."""
    from gaoxin.core.services import job_enqueue

    from .services import cycle_transition
    from .tasks import score_task

    if not can_run_evaluation(actor):
        raise PermissionDenied("只有管委会管理员或经发局人员可以发起评价测算")
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.status not in SCORABLE:
        raise ValidationError(f"评价周期处于“{cycle.get_status_display()}”，不能发起测算")
    _fail_abandoned_runs(cycle)
    if cycle.runs.filter(status=RunStatus.RUNNING).exists():
        raise ValidationError("已有一次测算正在进行，请等待其完成")
    if cycle.status == S.ENTERPRISE_CONFIRM:
        cycle = cycle_transition(actor=actor, cycle=cycle, name="SCORE")
    number = (cycle.runs.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    run = ScoreRun.objects.create(cycle=cycle, number=number, note=note.strip()[:200] or ("初评" if number == 1 else "重新测算"),
                                  method_hash=cycle.method_hash, created_by=actor)
    run.job = job_enqueue(kind="evaluation_score", actor=actor, task=score_task, args=(run.pk,))
    run.save(update_fields=["job"])
    audit_record(event_type="evaluation.score.start", actor=actor, subject=run,
                 after={"cycle": cycle.pk, "number": number, "note": run.note})
    return run


def _fail_abandoned_runs(cycle: Cycle) -> None:
    """Before a new run is refused because one is running: a run whose worker died is failed first (the reaper
    on scoring jobs silent for GAOXIN_JOB_HEARTBEAT_TIMEOUT_SECONDS), and so is a run whose job is gone or
    already failed, so a dead worker never blocks the cycle."""
    from gaoxin.core.jobs import INTERRUPTED, jobs_reap

    if not cycle.runs.filter(status=RunStatus.RUNNING).exists():
        return
    jobs_reap(kinds=["evaluation_score"])
    for run in cycle.runs.filter(status=RunStatus.RUNNING).filter(Q(job__isnull=True) | Q(job__status=JobStatus.FAILED)):
        score_fail(run, INTERRUPTED)


_RESULT_COLUMNS = ("run_id", "participant_id", "group", "total", "base_score", "bonus", "penalty", "rank", "tier",
                   "final_tier", "indicators", "reasons")


def _result_table(run: ScoreRun, results: pl.DataFrame, frame: pl.DataFrame, method) -> pl.DataFrame | list[tuple]:
    """Every ScoreResult row as a tuple of `_RESULT_COLUMNS`, in the engine's row order (so the ids come out in
    the same order as before). `indicators` and `reasons` are JSON text built by Polars: each indicator that has a
    value or a score, as {"value", "benchmark", "score"}; the reasons as a list (none: []). Python's json writes
    the same numbers (both give the shortest text that reads back as the same float); a non-finite number,
    which Polars would write as null, takes the row-by-row path."""
    ids = method.indicator_ids()
    cols = [f"{iid}_{kind}" for iid in ids for kind in ("value", "benchmark", "score")]
    floats = [c for c in cols if results.schema[c].is_float()]
    if floats and results.select(pl.any_horizontal(~pl.col(c).is_finite() for c in floats).any()).item():
        return _result_rows(run, results, frame, method)
    pieces = [pl.when(pl.col(f"{iid}_value").is_not_null() | pl.col(f"{iid}_score").is_not_null())
              .then(pl.format(f'"{iid}": {{}}', pl.struct(value=f"{iid}_value", benchmark=f"{iid}_benchmark",
                                                           score=f"{iid}_score").struct.json_encode()))
              for iid in ids]
    indicators = pl.format("{{{}}}", pl.concat_list(pieces).list.drop_nulls().list.join(", ")) if pieces \
        else pl.lit("{}")
    reasons = (pl.struct(r=pl.col("reasons").cast(pl.List(pl.String)).fill_null(pl.lit([], dtype=pl.List(pl.String))))
               .struct.json_encode().str.slice(5).str.strip_suffix("}"))
    table = results.select(
        run_id=pl.lit(run.pk, dtype=pl.Int64),
        participant_id=pl.col("uscc").replace_strict(frame["uscc"], frame["pid"], return_dtype=pl.Int64),
        group=pl.col("group"), total=pl.col("total").cast(pl.Float64), base_score=pl.col("base_score").cast(pl.Float64),
        bonus=pl.col("bonus").cast(pl.Float64), penalty=pl.col("penalty").cast(pl.Float64),
        rank=pl.col("rank").cast(pl.Int64), tier=pl.col("tier"), final_tier=pl.col("tier"),
        indicators=indicators, reasons=reasons)
    return table


def _result_rows(run: ScoreRun, results: pl.DataFrame, frame: pl.DataFrame, method) -> list[tuple]:
    """`_result_table` row by row, with Python's json (NaN and infinities as Python writes them)."""
    import json

    ids = method.indicator_ids()
    pids = dict(zip(frame["uscc"].to_list(), frame["pid"].to_list(), strict=True))
    rows = []
    for r in results.iter_rows(named=True):
        indicators = {iid: {"value": r[f"{iid}_value"], "benchmark": r[f"{iid}_benchmark"], "score": r[f"{iid}_score"]}
                      for iid in ids if r.get(f"{iid}_score") is not None or r.get(f"{iid}_value") is not None}
        rows.append((run.pk, pids[r["uscc"]], r["group"], r["total"], r["base_score"], r["bonus"], r["penalty"],
                     r["rank"], r["tier"], r["tier"], json.dumps(indicators), json.dumps(list(r["reasons"] or []))))
    return rows


def _insert_results(rows: pl.DataFrame | list[tuple]) -> None:
    """Write the run's results in one statement stream, not one ORM object per row: COPY on PostgreSQL (the
    frame as CSV in one piece: Polars writes each float as the shortest text that reads back as the same float),
    executemany elsewhere. Inside the caller's transaction: all rows or none."""
    from django.db import connection

    table = connection.ops.quote_name(ScoreResult._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(ScoreResult._meta.get_field(c.removesuffix("_id")).column)
                        for c in _RESULT_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            if isinstance(rows, pl.DataFrame):
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)") as copy:
                    copy.write(rows.write_csv(include_header=False))
            else:
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
        else:
            rows = rows.rows() if isinstance(rows, pl.DataFrame) else rows
            marks = ", ".join(["%s"] * len(_RESULT_COLUMNS))
            for start in range(0, len(rows), 20_000):
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows[start:start + 20_000])


def score_compute(run: ScoreRun, on_progress: Callable[[int, str], None] | None = None) -> ScoreRun:
    """Run the engine over the stored figures and store everything; one audit event. Called by the
    background task. Approved re-gradings carry over; firms whose tier moved are notified."""
    step = on_progress or (lambda done, message: None)
    cycle = run.cycle
    method = cycle_method(cycle)
    step(1, "读取数据")
    frame = input_frame(cycle)
    events = adjustments_frame(cycle)
    digest = input_hash(frame, events)
    step(2, "计算基准值、得分和等级")
    result = engine.evaluate(frame.drop("pid", "eid"), method, adjustments=events, prior=prior_frame(cycle))
    step(3, "保存结果")
    rows = _result_table(run, result.results, frame, method)
    buffer = io.BytesIO()
    result.results.write_parquet(buffer)
    bench = result.benchmarks.select("group", "indicator", "benchmark", "source", "population").to_dicts() \
        if result.benchmarks.height else []
    with transaction.atomic():
        run = ScoreRun.objects.select_for_update().select_related("cycle").get(pk=run.pk)
        if run.status == RunStatus.DONE:
            return run  # a re-delivered task: the run is already stored
        if run.status == RunStatus.FAILED:  # failed meanwhile (its job was taken for dead): nothing is stored
            raise ValidationError("本次测算已中断，结果未保存，请重新发起测算")
        _insert_results(rows)
        for regrade in Regrade.objects.filter(cycle=cycle, status=RegradeStatus.APPROVED).order_by("decided_at"):
            ScoreResult.objects.filter(run=run, participant_id=regrade.participant_id).update(final_tier=regrade.to_tier)
        previous = cycle.current_run
        run.status, run.finished_at, run.input_hash, run.benchmarks = RunStatus.DONE, timezone.now(), digest, bench
        run.frame = buffer.getvalue()
        run.counts = tier_counts(run)
        run.save()
        Cycle.objects.filter(pk=cycle.pk).update(current_run=run)
        if cycle.status == S.SCORED:
            Participant.objects.filter(cycle=cycle).exclude(record_status__in=("REGRADED", "SCORED")).update(
                record_status="SCORED")
        changed = _notify_changes(cycle, tier_changes(run, previous)) if previous else 0
        audit_record(event_type="evaluation.score.finish", actor=run.created_by, subject=run,
                     after={"input_hash": digest, "method_hash": run.method_hash, "counts": run.counts,
                            "tier_changes": changed})
    step(4, "完成")
    return run


def score_fail(run: ScoreRun, message: str) -> None:
    with transaction.atomic():
        updated = ScoreRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
            status=RunStatus.FAILED, finished_at=timezone.now())
        if updated:
            audit_record(event_type="evaluation.score.fail", actor=run.created_by, subject=run,
                         before={"status": RunStatus.RUNNING}, after={"status": RunStatus.FAILED, "message": message})


def score_job_failed(job, message: str) -> dict:
    """core.jobs failure handler of "evaluation_score": the job's run fails with it (its task raised, or its worker
    died), so the cycle can be scored again; the job's page links back to the cycle."""
    cycle_id = None
    for run in ScoreRun.objects.filter(job=job).select_related("created_by"):
        cycle_id = run.cycle_id
        if run.status == RunStatus.RUNNING:
            score_fail(run, message)
    return {"cycle": cycle_id} if cycle_id else {}


def tier_counts(run: ScoreRun) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for group, tier, n in (ScoreResult.objects.filter(run=run).values_list("group", "final_tier")
                           .annotate(n=Count("id")).order_by()):
        counts.setdefault(group, {})[tier] = n
    return counts


def tier_changes(run: ScoreRun, previous: ScoreRun | None):
    """Results of `run` whose final tier differs from `previous`, each with the old tier, rank and
    total annotated (one query; the (run, participant) unique index serves the lookups)."""
    if previous is None:
        return ScoreResult.objects.none()
    old = ScoreResult.objects.filter(run=previous, participant=OuterRef("participant"))
    return (ScoreResult.objects.filter(run=run)
            .annotate(old_tier=Subquery(old.values("final_tier")[:1]), old_rank=Subquery(old.values("rank")[:1]),
                      old_total=Subquery(old.values("total")[:1]))
            .exclude(old_tier=F("final_tier")).select_related("participant__enterprise")
            .order_by("group", "rank", "pk"))


def change_reason(row: ScoreResult, corrections: dict[int, list[Objection]]) -> str:
    """Why a firm's tier moved: its own corrected figure, else the group's re-ranking."""
    own = corrections.get(row.participant_id)
    if own:
        return "；".join(f"本企业异议更正：{RAW_FIELDS.get(o.field, o.field)} {_fmt(o.current)} → {_fmt(o.corrected)}"
                         for o in own)
    rank = f"组内排名 第{row.old_rank}名 → 第{row.rank}名" if row.old_rank and row.rank else "排名变化"
    return f"组内其他企业数据更正后基准值和名次重算，{rank}"


def _fmt(value) -> str:
    return "无" if value is None else f"{value.normalize():f}"


def corrections_between(run: ScoreRun, previous: ScoreRun | None) -> dict[int, list[Objection]]:
    rows = Objection.objects.filter(cycle_id=run.cycle_id, status=ObjectionStatus.CORRECTED,
                                    decided_at__lte=run.created_at)
    if previous is not None:
        rows = rows.filter(decided_at__gt=previous.created_at)
    out: dict[int, list[Objection]] = {}
    for o in rows:
        out.setdefault(o.participant_id, []).append(o)
    return out


def _notify_changes(cycle: Cycle, changed) -> int:
    """Every firm whose tier moved is told, not only the objector (§12.4). Returns how many moved."""
    rows = list(changed.values_list("participant__enterprise_id", "participant__enterprise__name", "old_tier",
                                    "final_tier"))
    if not rows:
        return 0
    from django.urls import reverse

    users: dict[int, list] = {}
    members = EnterpriseMembership.objects.filter(enterprise_id__in=changed.values("participant__enterprise_id"))
    for member in members.select_related("user"):
        users.setdefault(member.enterprise_id, []).append(member.user)
    report = reverse("evaluation_report", args=[cycle.pk])
    for eid, name, old, new in rows:
        notify(users.get(eid, []), kind="EVALUATION_TIER", url=report,
               message=f"{cycle}：{name}的测算等级由{TIER_NAMES.get(old, old)}调整为{TIER_NAMES.get(new, new)}，"
                       "原因见企业评价报告")
    return len(rows)


# --- manual re-grading (调档) ----------------------------------------------------------------

@transaction.atomic
def regrade_request(*, actor, participant: Participant, to_tier: str, reason: str) -> Regrade:
    if not can_request_regrade(actor):
        raise PermissionDenied("只有管委会管理员或经发局人员可以提出调档")
    participant = Participant.objects.select_related("cycle").get(pk=participant.pk)
    cycle = Cycle.objects.select_for_update().get(pk=participant.cycle_id)
    if cycle.status not in REGRADABLE:
        raise ValidationError(f"评价周期处于“{cycle.get_status_display()}”，不能调档")
    current = ScoreResult.objects.filter(run_id=cycle.current_run_id, participant=participant).first()
    errors = {}
    if current is None:
        errors["participant"] = "该企业没有测算结果"
    elif current.tier == "T":
        errors["participant"] = "暂不评价（T类）企业不能调档"
    elif any("一票否决" in r for r in current.reasons or []):
        errors["participant"] = "该企业因一票否决事项列为D类，不能调档"
    if to_tier not in "ABCD" or len(to_tier) != 1:
        errors["to_tier"] = "请选择A、B、C、D之一"
    elif current is not None and to_tier == current.final_tier:
        errors["to_tier"] = f"该企业当前已是{to_tier}类"
    if not reason.strip():
        errors["reason"] = "调档必须说明理由"
    if not errors and Regrade.objects.filter(participant=participant, status=RegradeStatus.PENDING).exists():
        errors["participant"] = "该企业已有待审批的调档申请"
    if errors:
        raise ValidationError(errors)
    regrade = Regrade.objects.create(cycle=cycle, participant=participant, from_tier=current.final_tier,
                                     to_tier=to_tier, reason=reason.strip(), requested_by=actor)
    audit_record(event_type="evaluation.regrade.request", actor=actor, subject=regrade,
                 after={"participant": participant.pk, "from": regrade.from_tier, "to": to_tier, "reason": regrade.reason})
    notifications.regrade_requested(regrade)
    return regrade


@transaction.atomic
def regrade_decide(*, actor, regrade: Regrade, approve: bool, note: str = "") -> Regrade:
    """A leader (not the requester) approves or rejects; an approved tier applies to the current run
    and to every later run of the cycle."""
    if not can_approve_regrade(actor):
        raise PermissionDenied("调档须由领导审批")
    regrade = Regrade.objects.select_for_update().select_related("cycle").get(pk=regrade.pk)
    if regrade.requested_by_id == actor.pk:
        raise PermissionDenied("提出人不能审批自己的调档申请")
    if regrade.status != RegradeStatus.PENDING:
        raise ValidationError(f"该调档申请已{regrade.get_status_display()}")
    if regrade.cycle.status not in REGRADABLE:
        raise ValidationError(f"评价周期处于“{regrade.cycle.get_status_display()}”，不能审批调档")
    if not approve and not note.strip():
        raise ValidationError({"note": "不予批准须说明理由"})
    regrade.status = RegradeStatus.APPROVED if approve else RegradeStatus.REJECTED
    regrade.approver, regrade.approval_note, regrade.decided_at = actor, note.strip()[:200], timezone.now()
    regrade.save(update_fields=["status", "approver", "approval_note", "decided_at"])
    if approve:
        ScoreResult.objects.filter(run_id=regrade.cycle.current_run_id, participant_id=regrade.participant_id).update(
            final_tier=regrade.to_tier)
        Participant.objects.filter(pk=regrade.participant_id).update(record_status="REGRADED")
        run = ScoreRun.objects.get(pk=regrade.cycle.current_run_id)
        run.counts = tier_counts(run)
        run.save(update_fields=["counts"])
    audit_record(event_type="evaluation.regrade.decide", actor=actor, subject=regrade,
                 before={"status": RegradeStatus.PENDING}, after={"status": regrade.status, "note": regrade.approval_note})
    notifications.regrade_decided(regrade)
    return regrade


# --- release ---------------------------------------------------------------------------

def release_write(*, actor, cycle: Cycle, doc_no: str, reason: str) -> Release:
    """Called inside the RELEASED transition: version N, the final tiers into each firm's history."""
    release = Release.objects.create(cycle=cycle, version=cycle.release_version, run_id=cycle.current_run_id,
                                     doc_no=doc_no, reason=reason, released_by=actor)
    finals = list(ScoreResult.objects.filter(run_id=cycle.current_run_id)
                  .values_list("participant__enterprise_id", "final_tier"))
    members = cycle.participants.values("enterprise_id")  # a subquery, not 100k bound parameters
    TierHistory.objects.filter(year=cycle.data_year, enterprise_id__in=members).delete()
    TierHistory.objects.bulk_create([TierHistory(enterprise_id=e, year=cycle.data_year, tier=t, cycle=cycle,
                                                 release_version=release.version) for e, t in finals], batch_size=2000)
    Participant.objects.filter(cycle=cycle).update(record_status="PUBLISHED")
    if not cycle.trial:
        _tier_facts(release, finals, members, actor)
    return release


def _tier_facts(release: Release, finals: list[tuple[int, str]], members, actor) -> None:
    """The released tier becomes the enterprise profile's `evaluation_tier` fact, which policy rules and
    green-finance products read (benefits.md); a participant without a rated tier (T) loses an older one.
    Written by benefits' own service, which audits it and re-matches the published policies. A trial
    cycle's result is for reference only and is not handed on (§12.1)."""
    from gaoxin.benefits.services import profile_facts_set

    tiers = dict.fromkeys(members.values_list("enterprise_id", flat=True))
    tiers.update((e, t) for e, t in finals if t in "ABCD")
    profile_facts_set(facts={e: {"evaluation_tier": t} for e, t in tiers.items()}, actor=actor,
                      source=f"亩产效益评价 {release.doc_no}"[:40],  # the bureau's: a firm disputes it, never overwrites
                      supplied_by=OrgUnit.objects.filter(code=settings.GAOXIN_EVALUATION_DEPARTMENT_CODE).first())

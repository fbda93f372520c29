"""The whole result frame of a finished scoring run (the engine's output, stored as Parquet on the run), kept in
memory per process for the report cards' what-if and the zone summary: read and parsed once per run instead of
on every view (issue 17: 163 ms a card at 100,000 firms).

A finished run's frame is written once, in the transaction that marks it done, and never changed (a correction
makes a new run; re-grading changes final tiers in ScoreResult, not the frame). The key is the database, the
run's id and its finish time, so a run id that comes back (a test database rolled back) is not mistaken for an
older one. Bounded: at most `MAX_FRAMES` frames and `MAX_BYTES` of frames in memory, least recently used out first
(GAOXIN_EVALUATION_FRAME_CACHE_FRAMES / _MB override them)."""

from __future__ import annotations

import io
import threading
from collections import OrderedDict

import polars as pl
from django.conf import settings

from .models import RunStatus, ScoreRun

MAX_FRAMES = getattr(settings, "GAOXIN_EVALUATION_FRAME_CACHE_FRAMES", 4)
MAX_BYTES = getattr(settings, "GAOXIN_EVALUATION_FRAME_CACHE_MB", 256) * 1024 * 1024

_frames: OrderedDict[tuple, pl.DataFrame] = OrderedDict()
_lock = threading.Lock()


def run_frame(run: ScoreRun | None) -> pl.DataFrame | None:
    """The run's result frame, or None (no run, not finished, or stored without a frame)."""
    if run is None or run.status != RunStatus.DONE:
        return None
    key = (run._state.db, run.pk, run.finished_at)
    with _lock:
        frame = _frames.get(key)
        if frame is not None:
            _frames.move_to_end(key)
            return frame
    if "frame" in run.get_deferred_fields():
        data = ScoreRun.objects.using(run._state.db).filter(pk=run.pk).values_list("frame", flat=True).first()
    else:
        data = run.frame
    if not data:
        return None
    frame = pl.read_parquet(io.BytesIO(bytes(data)))
    with _lock:
        _frames[key] = frame
        _frames.move_to_end(key)
        while len(_frames) > 1 and (len(_frames) > MAX_FRAMES
                                    or sum(f.estimated_size() for f in _frames.values()) > MAX_BYTES):
            _frames.popitem(last=False)
    return frame


def clear() -> None:
    with _lock:
        _frames.clear()

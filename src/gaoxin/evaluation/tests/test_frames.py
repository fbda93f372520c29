"""The run's result frame is read once per process and run (issue 17), a new run has its own, the cache is
bounded, and the report card's what-if reads it from there."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gaoxin.evaluation import frames
from gaoxin.evaluation.models import Cycle, ScoreRun
from gaoxin.evaluation.tests.helpers import score
from gaoxin.evaluation.tests.test_results_views import login, scored  # noqa: F401  (fixture)


def test_a_runs_frame_is_read_once_and_a_new_run_has_its_own(admin_user, scored):  # noqa: F811
    frames.clear()
    run = ScoreRun.objects.defer("frame").get(pk=scored.current_run_id)
    with CaptureQueriesContext(connection) as first:
        frame = frames.run_frame(run)
    with CaptureQueriesContext(connection) as again:
        assert frames.run_frame(ScoreRun.objects.defer("frame").get(pk=run.pk)) is frame
    assert len(first) == 1 and len(again) == 1  # the second: only the run itself
    newer = score(Cycle.objects.get(pk=scored.pk), admin_user)
    assert frames.run_frame(newer) is not frame and frames.run_frame(newer).equals(frame)


def test_the_cache_is_bounded(admin_user, scored, monkeypatch):  # noqa: F811
    frames.clear()
    monkeypatch.setattr(frames, "MAX_FRAMES", 2)
    runs = [ScoreRun.objects.get(pk=scored.current_run_id)]
    for _ in range(3):
        runs.append(score(Cycle.objects.get(pk=scored.pk), admin_user))
    for run in runs:
        frames.run_frame(run)
    assert len(frames._frames) == 2 and {k[1] for k in frames._frames} == {runs[-1].pk, runs[-2].pk}


def test_the_card_reads_the_frame_from_the_cache(client, admin_user, scored, firms):  # noqa: F811
    frames.clear()
    participant = scored.participants.get(enterprise=firms[5])
    url = reverse("evaluation_card", args=[scored.pk, participant.pk])
    first = login(client, admin_user).get(url)
    assert first.status_code == 200 and len(frames._frames) == 1
    with CaptureQueriesContext(connection) as ctx:
        again = client.get(url)
    assert again.context["what_ifs"] == first.context["what_ifs"] and first.context["what_ifs"]
    frame_reads = [q["sql"] for q in ctx.captured_queries if re.search(r'"evaluation_scorerun"\."frame"', q["sql"])]
    assert not frame_reads, frame_reads

"""The results a scoring run writes in bulk (issue 17): the JSON Polars builds reads back exactly as Python's json
would have written it, row for row, and a frame with a non-finite number takes the row-by-row path."""

import json

import polars as pl

from gaoxin.evaluation import scoring
from gaoxin.evaluation.collection import cycle_method
from gaoxin.evaluation.models import ScoreRun
from gaoxin.evaluation.tests.test_results_views import scored  # noqa: F401  (fixture)


def test_polars_json_reads_back_as_pythons(scored):  # noqa: F811
    run = ScoreRun.objects.get(pk=scored.current_run_id)
    results, frame, method = pl.read_parquet(bytes(run.frame)), scoring.input_frame(scored), cycle_method(scored)
    bulk = scoring._result_table(run, results, frame, method)
    by_row = scoring._result_rows(run, results, frame, method)
    assert isinstance(bulk, pl.DataFrame) and len(by_row) == bulk.height == 10
    for fast, slow in zip(bulk.rows(), by_row, strict=True):
        assert fast[:10] == slow[:10]
        assert json.loads(fast[10]) == json.loads(slow[10]) and list(json.loads(fast[10])) == list(json.loads(slow[10]))
        assert json.loads(fast[11]) == json.loads(slow[11])
    stored = {r.participant_id: (r.indicators, r.reasons) for r in run.results.all()}
    assert {row[1]: (json.loads(row[10]), json.loads(row[11])) for row in bulk.rows()} == stored


def test_a_non_finite_figure_goes_row_by_row(scored):  # noqa: F811
    run = ScoreRun.objects.get(pk=scored.current_run_id)
    results = pl.read_parquet(bytes(run.frame)).with_columns(I1_value=pl.lit(float("inf")))
    rows = scoring._result_table(run, results, scoring.input_frame(scored), cycle_method(scored))
    assert isinstance(rows, list) and json.loads(rows[0][10])["I1"]["value"] == float("inf")

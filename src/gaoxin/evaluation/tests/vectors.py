"""The test vectors of specs/evaluation.md §16 as input frames."""

import polars as pl

from gaoxin.core.validators import uscc_check_char


def code(n: int) -> str:
    body = f"91430300MA4E{n:05d}"
    return body + uscc_check_char(body)


E = {f"E{i}": code(i) for i in range(1, 6)}
F = {f"F{i}": code(100 + i) for i in range(1, 4)}

# §16.1: own, leased-in, leased-out m²; tax, sales, value added 万元; energy tce; COD, NH3-N, SO2, NOx kg; R&D; employees
ABOVE_ROWS = {
    "E1": (40_000, 0, 0, 1_800, 36_000, 9_000, 3_000, 2_000, 200, 1_900, 3_800, 1_440, 400),
    "E2": (100_000, 0, 0, 2_250, 60_000, 12_000, 30_000, 20_000, 2_400, 19_000, 28_500, 600, 800),
    "E3": (12_000, 8_000, 0, 1_200, 24_000, 6_000, 600, 0, 0, 0, 0, 1_680, 250),
    "E4": (36_000, 0, 6_000, 320, 8_000, 1_600, 1_000, 1_000, 80, 950, 1_900, 160, 200),
    "E5": (54_000, 0, 0, -20, 6_000, 900, 4_000, 3_000, 400, 4_750, 5_700, 0, 150),
}
FIELDS = ["own_land_m2", "leased_in_m2", "leased_out_m2", "tax_wan", "sales_wan", "value_added_wan", "energy_tce",
          "cod_kg", "nh3n_kg", "so2_kg", "nox_kg", "rd_wan", "avg_employees"]


def above_frame() -> pl.DataFrame:
    rows = []
    for firm, values in ABOVE_ROWS.items():
        rows.append({"uscc": E[firm], "name": firm, "group": "ABOVE", **dict(zip(FIELDS, map(float, values), strict=True))})
    return _complete(pl.DataFrame(rows))


def below_frame() -> pl.DataFrame:
    data = {"F1": (6_000, 108, 400), "F2": (3_000, 18, 150), "F3": (10_000, 330, 1_000)}
    rows = [{"uscc": F[f], "name": f, "group": "BELOW", "own_land_m2": float(m2), "tax_wan": float(t),
             "electricity_wan_kwh": float(kwh)} for f, (m2, t, kwh) in data.items()]
    return _complete(pl.DataFrame(rows))


def _complete(frame: pl.DataFrame) -> pl.DataFrame:
    from gaoxin.evaluation.inputs import NUMERIC

    for col in NUMERIC:
        if col not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.Float64).alias(col))
    for col in ("industry_code", "t_reason"):
        if col not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(col))
    return frame


def adjustments_frame(*, veto_e2: bool = False) -> pl.DataFrame:
    rows = [(E["E1"], "HNTE", 1), (E["E2"], "ENV_PENALTY", 1)]
    if veto_e2:
        rows.append((E["E2"], "MAJOR_SAFETY", 1))
    return pl.DataFrame(rows, schema={"uscc": pl.String, "rule_id": pl.String, "count": pl.Int64}, orient="row")

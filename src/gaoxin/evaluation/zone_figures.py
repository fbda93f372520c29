"""The zone summary's headline figures, as the source page reports them (issue 14 §4): per data year, for the
zone and for each park, the A-tier count and its change, 税收总额 and 主营业务收入总额 with their year-on-year
change, and tax and sales per mu with theirs. Pure Polars: no Django, no database.

Input per year: the released run's rated firms (`uscc`, `area_mu`, `I1_value` = tax per mu, `I2_value` = sales
per mu, as the engine computed them) and every evaluated firm's final tier and park (`uscc`, `final_tier`,
`park`). Totals are per-mu values times the firm's land, i.e. the figures the engine used."""

from __future__ import annotations

import polars as pl

ZONE = "全区"
MEASURES = ("tax_total", "sales_total", "tax_per_mu", "sales_per_mu")


def _per_scope(year: int, rated: pl.DataFrame, tiers: pl.DataFrame) -> pl.DataFrame:
    money = rated.select(
        "uscc", "area_mu",
        (pl.col("I1_value") * pl.col("area_mu")).alias("tax"), (pl.col("I2_value") * pl.col("area_mu")).alias("sales"),
    ).join(tiers.select("uscc", "park"), on="uscc", how="left")
    counts = tiers.select("park", a=(pl.col("final_tier") == "A").cast(pl.Int64),
                          rated=(pl.col("final_tier") != "T").cast(pl.Int64))

    def summarise(frame: pl.DataFrame, firms: pl.DataFrame, by: list[str]) -> pl.DataFrame:
        sums = frame.group_by(by).agg(area=pl.col("area_mu").sum(), tax_total=pl.col("tax").sum(),
                                      sales_total=pl.col("sales").sum()) if by else frame.select(
            area=pl.col("area_mu").sum(), tax_total=pl.col("tax").sum(), sales_total=pl.col("sales").sum())
        tally = firms.group_by(by).agg(firms=pl.col("rated").sum(), a_count=pl.col("a").sum()) if by else firms.select(
            firms=pl.col("rated").sum(), a_count=pl.col("a").sum())
        out = tally.join(sums, on=by, how="left") if by else pl.concat([tally, sums], how="horizontal")
        return out.with_columns(
            tax_per_mu=pl.when(pl.col("area") > 0).then(pl.col("tax_total") / pl.col("area")),
            sales_per_mu=pl.when(pl.col("area") > 0).then(pl.col("sales_total") / pl.col("area")),
        )

    zone = summarise(money, counts, []).with_columns(scope=pl.lit(ZONE))
    parks = summarise(money.drop_nulls("park"), counts.drop_nulls("park"), ["park"]).rename({"park": "scope"})
    return pl.concat([zone, parks.select(zone.columns)], how="vertical_relaxed").with_columns(year=pl.lit(year))


def zone_figures(years: list[tuple[int, pl.DataFrame, pl.DataFrame]]) -> pl.DataFrame:
    """One row per (scope, year): firms (rated, T class not counted), a_count, tax_total, sales_total, tax_per_mu, sales_per_mu, and the
    change from the scope's previous released year (`a_change` in firms; `<measure>_yoy` in %, null without a
    previous year or a zero base)."""
    if not years:
        return pl.DataFrame()
    frame = pl.concat([_per_scope(year, rated, tiers) for year, rated, tiers in years], how="vertical_relaxed")
    frame = frame.sort(["scope", "year"])
    previous = [pl.col(m).shift(1).over("scope") for m in MEASURES]
    return frame.with_columns(
        a_change=pl.col("a_count") - pl.col("a_count").shift(1).over("scope"),
        **{f"{m}_yoy": pl.when(p != 0).then((pl.col(m) / p - 1) * 100) for m, p in zip(MEASURES, previous, strict=True)},
    )

"""`gaoxin evaluate`: score an evaluation input file from the command line, without a
database. Prints a summary; writes the result file only when everything is valid."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

from gaoxin.core.validators import normalize_code

from .engine import TIERS, EvaluationResult, evaluate
from .explain import explain, what_if
from .inputs import InputError, prepare_adjustments, prepare_data, prepare_prior, read_table
from .method import METHODS_DIR, Method, MethodError, load_method

RESULT_HEADINGS = {
    "uscc": "统一社会信用代码", "name": "企业名称", "group": "规模口径", "industry_code": "行业代码",
    "status": "参评状态", "t_reason": "暂不评价原因", "area_mu": "用地面积（亩）", "pollution_eq": "污染物排放当量",
    "base_score": "指标合计得分", "bonus": "加分", "penalty": "扣分", "vetoed": "一票否决", "total": "综合得分",
    "rank": "组内排名", "tier": "等级", "tier_label": "等级名称", "reasons": "说明",
}


def _load_method(spec: str) -> Method:
    path = Path(spec)
    if not path.exists() and (METHODS_DIR / f"{spec}.yaml").exists():
        path = METHODS_DIR / f"{spec}.yaml"
    return load_method(path)


def _headings(result: EvaluationResult) -> dict[str, str]:
    names = {}
    for group in result.method.groups.values():
        for iid, ind in group.indicators.items():
            label = ind.name_zh or iid
            names |= {f"{iid}_value": f"{iid} {label}", f"{iid}_benchmark": f"{iid} 基准值", f"{iid}_score": f"{iid} 得分"}
    return RESULT_HEADINGS | names


def _flat(result: EvaluationResult) -> pl.DataFrame:
    return result.results.with_columns(pl.col("reasons").list.join("；"))


def write_result(result: EvaluationResult, out: Path) -> None:
    """Write to a temporary file beside `out`, then rename: a failure leaves no partial file."""
    suffix = out.suffix.lower()
    fd, tmp = tempfile.mkstemp(suffix=suffix, dir=out.parent or ".")
    os.close(fd)
    try:
        if suffix == ".xlsx":
            from gaoxin.core.excel import Table, write_workbook

            flat = _flat(result)
            headings = _headings(result)
            write_workbook(tmp, [
                Table("评价结果", [headings.get(c, c) for c in flat.columns], flat.iter_rows(), freeze=2),
                Table("基准值", ["口径", "分区", "指标", "基准值", "取值年度", "样本数"], result.benchmarks.iter_rows()),
                Table("等级名额", ["口径", "名额基数", "一票否决", *TIERS], result.quotas.iter_rows()),
            ])
        elif suffix == ".csv":
            _flat(result).write_csv(tmp)
        elif suffix == ".parquet":
            result.results.write_parquet(tmp)
        else:
            raise InputError([], f"不支持的输出类型 {suffix}（支持 .xlsx、.csv、.parquet）")
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def summary(result: EvaluationResult) -> str:
    lines = [f"评价方法：{result.method.name_zh or result.method.profile}"]
    res = result.results
    for gname in result.method.groups:
        members = res.filter(pl.col("group") == gname)
        if members.is_empty():
            continue
        counts = {t: int((members["tier"] == t).sum()) for t in (*TIERS, "T")}
        lines.append(f"口径 {gname}：{len(members)} 家 — " + "，".join(f"{t} {n}" for t, n in counts.items()))
        bench = result.benchmarks.filter(pl.col("group") == gname)
        for row in bench.iter_rows(named=True):
            value = "无" if row["benchmark"] is None else f"{row['benchmark']:.4f}"
            part = "" if row["partition"] == "zone" else f"[{row['partition']}] "
            lines.append(f"    基准值 {part}{row['indicator']} = {value}（{row['source']}，样本 {row['population']}）")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="gaoxin evaluate",
        description="亩产效益综合评价：读取企业数据，按评价方法计分、排名、定档。Score a per-mu efficiency evaluation.",
    )
    parser.add_argument("input", help="企业数据 .xlsx / .csv / .parquet（中文表头或英文列名）")
    parser.add_argument("--method", default="shandong_default",
                        help="评价方法 YAML 文件，或内置方法名：shandong_default、zhejiang、efficacy")
    parser.add_argument("--adjustments", help="加减分与一票否决事件：统一社会信用代码、规则编号、次数")
    parser.add_argument("--prior", help="上年度指标值：规模口径、[行业代码]、各指标编号列")
    parser.add_argument("--out", help="结果文件 .xlsx / .csv / .parquet")
    parser.add_argument("--explain", metavar="USCC", help="逐项说明一家企业的得分")
    parser.add_argument("--what-if", nargs=2, metavar=("USCC", "INDICATOR"), help="测算升一档所需的最小指标值")
    args = parser.parse_args(argv)
    if not (args.out or args.explain or args.what_if):
        parser.error("需要 --out、--explain 或 --what-if 之一")

    def progress(message: str) -> None:
        print(f"… {message}", file=sys.stderr, flush=True)

    started = time.perf_counter()
    try:
        method = _load_method(args.method)
        progress(f"读取 {args.input}")
        data = prepare_data(read_table(args.input), method, on_progress=progress, source=args.input)
        adjustments = prior = None
        if args.adjustments:
            adjustments = prepare_adjustments(read_table(args.adjustments), method, set(data["uscc"]), args.adjustments)
        if args.prior:
            prior = prepare_prior(read_table(args.prior), method, args.prior)
        progress(f"计分 {len(data):,} 家企业")
        result = evaluate(data, method, adjustments, prior)
    except (MethodError, InputError) as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"无法评价：{exc}", file=sys.stderr)
        return 2
    print(summary(result))
    if args.out:
        try:
            write_result(result, Path(args.out))
        except InputError as exc:
            print(str(exc), file=sys.stderr)
            return 2
        print(f"结果已写入 {args.out}（用时 {time.perf_counter() - started:.2f} 秒）")
    try:
        if args.explain:
            print("\n".join(explain(result, normalize_code(args.explain))))
        if args.what_if:
            print(what_if(result, normalize_code(args.what_if[0]), args.what_if[1]).message)
    except KeyError as exc:
        print(str(exc.args[0]), file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

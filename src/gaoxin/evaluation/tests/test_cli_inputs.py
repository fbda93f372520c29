"""The command line and input validation: row- and column-level errors, nothing written."""

import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from gaoxin.core.excel import write_workbook
from gaoxin.evaluation.cli import main
from gaoxin.evaluation.inputs import SCHEMA

from .vectors import E, above_frame, adjustments_frame, below_frame

SRC = Path(__file__).resolve().parents[3]


def chinese_csv(path: Path, frame: pl.DataFrame | None = None) -> Path:
    frame = frame if frame is not None else pl.concat([above_frame(), below_frame()], how="diagonal_relaxed")
    cols = [c for c in SCHEMA if c in frame.columns]
    frame.select(cols).rename({c: SCHEMA[c] for c in cols}).write_csv(path)
    return path


@pytest.fixture
def data_csv(tmp_path):
    return chinese_csv(tmp_path / "企业数据.csv")


@pytest.fixture
def adj_csv(tmp_path):
    path = tmp_path / "加减分.csv"
    adjustments_frame(veto_e2=True).write_csv(path)
    return path


def test_cli_writes_xlsx_with_chinese_headings(tmp_path, data_csv, adj_csv, capsys):
    out = tmp_path / "结果.xlsx"
    assert main([str(data_csv), "--adjustments", str(adj_csv), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "口径 ABOVE：5 家 — A 1，B 2，C 1，D 1" in printed and "基准值 I1 = 36.7457" in printed
    import fastexcel

    reader = fastexcel.read_excel(str(out))
    assert reader.sheet_names == ["评价结果", "基准值", "等级名额"]
    sheet = reader.load_sheet("评价结果", dtypes="string").to_polars()
    tiers = dict(zip(sheet["企业名称"], sheet["等级"], strict=True))
    assert tiers["E2"] == "D" and tiers["E3"] == "A"
    assert "I1 单位用地税收" in sheet.columns


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_cli_other_formats_round_trip(tmp_path, data_csv, suffix):
    parquet_in = tmp_path / "in.parquet"
    pl.read_csv(data_csv, infer_schema=False).write_parquet(parquet_in)
    out = tmp_path / f"out{suffix}"
    assert main([str(parquet_in), "--out", str(out)]) == 0
    frame = pl.read_csv(out) if suffix == ".csv" else pl.read_parquet(out)
    assert len(frame) == 8 and set(frame["tier"]) == {"A", "B", "C", "D"}


def test_cli_xlsx_input(tmp_path):
    frame = above_frame()
    cols = [c for c in SCHEMA if c in frame.columns]
    path = tmp_path / "in.xlsx"
    write_workbook(str(path), [("数据", [SCHEMA[c] for c in cols], frame.select(cols).iter_rows())])
    assert main([str(path), "--out", str(tmp_path / "o.csv")]) == 0


def bad_input(tmp_path, mutate) -> tuple[int, str, Path]:
    frame = pl.read_csv(chinese_csv(tmp_path / "base.csv"), infer_schema=False)
    path = tmp_path / "bad.csv"
    mutate(frame).write_csv(path)
    out = tmp_path / "out.xlsx"
    return path, out


@pytest.mark.parametrize("mutate,expected", [
    (lambda f: f.with_columns(pl.when(pl.col("企业名称") == "E2").then(pl.lit("91430300MA4E00002X"))
                              .otherwise(pl.col("统一社会信用代码")).alias("统一社会信用代码")), "第3行“统一社会信用代码”"),
    (lambda f: pl.concat([f, f.head(1)]), "第10行“统一社会信用代码”列（A列）：与第2行重复"),
    (lambda f: f.with_columns(pl.when(pl.col("企业名称") == "E4").then(pl.lit("-5"))
                              .otherwise(pl.col("自有用地面积（平方米）")).alias("自有用地面积（平方米）")), "第5行“自有用地面积（平方米）”列（O列）：不能为负数"),
    (lambda f: f.with_columns(pl.when(pl.col("企业名称") == "E1").then(pl.lit("一千八"))
                              .otherwise(pl.col("实缴税收（万元）")).alias("实缴税收（万元）")), "第2行“实缴税收（万元）”列（G列）：“一千八”不是数字"),
    (lambda f: f.drop("综合能耗（吨标准煤）"), "表头“综合能耗（吨标准煤）”：缺少评价方法需要的列"),
    (lambda f: f.with_columns(pl.lit("中型").alias("规模口径")), "第2行“规模口径”"),
])
def test_bad_input_is_reported_and_nothing_written(tmp_path, capsys, mutate, expected):
    path, out = bad_input(tmp_path, mutate)
    assert main([str(path), "--out", str(out)]) == 2
    assert expected in capsys.readouterr().err
    assert not out.exists()
    assert not list(tmp_path.glob("*.xlsx"))


def test_unknown_adjustment_rule_and_firm(tmp_path, data_csv, capsys):
    path = tmp_path / "adj.csv"
    pl.DataFrame({"uscc": [E["E1"], "91110000600037341L"], "rule_id": ["NOPE", "HNTE"]}).write_csv(path)
    assert main([str(data_csv), "--adjustments", str(path), "--out", str(tmp_path / "o.xlsx")]) == 2
    err = capsys.readouterr().err
    assert "第2行“规则编号”列（B列）：“NOPE”不是评价方法中的规则" in err
    assert "第3行“统一社会信用代码”列（A列）：“91110000600037341L”不在评价数据中" in err


def test_bad_method_file_names_the_key(tmp_path, data_csv, capsys):
    method = tmp_path / "m.yaml"
    method.write_text("profile: x\ngroups:\n  ABOVE:\n    indicators:\n      I1: {num: tax_wan, den: area_mu, wieght: 100}\n",
                      encoding="utf-8")
    assert main([str(data_csv), "--method", str(method), "--out", str(tmp_path / "o.xlsx")]) == 2
    err = capsys.readouterr().err
    assert "groups.ABOVE.indicators.I1.wieght: unknown key" in err
    assert "groups.ABOVE.indicators.I1.weight: required key is missing" in err


def test_prior_year_benchmarks(tmp_path, data_csv, capsys):
    prior = tmp_path / "prior.csv"
    pl.DataFrame({"规模口径": ["规上", "规上"], "I1": ["10", "20"]}).write_csv(prior)
    assert main([str(data_csv), "--prior", str(prior), "--out", str(tmp_path / "o.csv")]) == 0
    assert "基准值 I1 = 30.0000（prior_year，样本 2）" in capsys.readouterr().out


def test_explain_and_what_if(data_csv, capsys):
    assert main([str(data_csv), "--explain", E["E4"], "--what-if", E["E4"], "I1"]) == 0
    out = capsys.readouterr().out
    assert "I1 单位用地税收：指标值 7.1111，基准值 36.7457" in out and "等级 C（提升发展类）" in out
    assert "升为B类" in out


def test_a_code_on_the_command_line_is_read_as_typed(data_csv, capsys):
    typed = f" {E['E4'][:6].lower()} {E['E4'][6:].lower()} "
    assert main([str(data_csv), "--explain", typed, "--what-if", typed, "I1"]) == 0
    assert "等级 C（提升发展类）" in capsys.readouterr().out


def test_gaoxin_command_runs_without_django(data_csv, tmp_path):
    code = (
        "import sys; sys.argv = ['gaoxin', 'evaluate', %r, '--out', %r]\n"
        "from gaoxin.cli import main\n"
        "try:\n    main()\nexcept SystemExit as e:\n    code = e.code\n"
        "assert code == 0, code\n"
        "assert 'django' not in sys.modules, 'the evaluation command imported Django'\n"
    ) % (str(data_csv), str(tmp_path / "o.csv"))
    subprocess.run([sys.executable, "-c", code], check=True, cwd=SRC, env={"PYTHONPATH": str(SRC), "PATH": "/usr/bin"})

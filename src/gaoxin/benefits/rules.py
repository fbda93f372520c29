"""The eligibility rule language: small, readable, checked when saved, compiled to Polars.

    has('高新技术企业') and rd_ratio >= 0.03
    collection_method == '查账征收' and not (main_business_industry in ['批发和零售业', '房地产业']
                                              and excluded_industry_income_share > 0.50)
    rd_ratio_3y >= (0.05 if revenue <= 5000 else 0.04 if revenue <= 20000 else 0.03)

Syntax is a safe subset of Python expressions, parsed with `ast` and never executed: `and`,
`or`, `not`, comparisons (== != < <= > >= in, chained), numbers, '文本', True/False, lists,
+ - * /, `a if cond else b`, has('资质'), min(), max(). Numbers are exact decimals.

A rule is bounded before it is compiled (`Limits`, settings GAOXIN_RULE_MAX_*): its length, the
size and depth of its syntax tree, its conditions and arithmetic terms, and the size of the Polars
expression it compiles to (a value used twice, as `min`, `/` and `if … else` do, counts twice). A rule
past a bound is refused with a Chinese RuleError: never a RecursionError, never minutes of CPU.

Evaluation is three-valued (benefits.md §2.3): a missing field makes its comparison UNKNOWN
(null), and `and` / `or` / `not` follow Kleene logic — exactly Polars' null semantics, so a
whole rule is one vectorised expression over all enterprises. `evaluate_row` is the same
semantics in plain Python, used for explanations and as the benchmark's baseline.
"""

from __future__ import annotations

import ast
import hashlib
import operator
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation

import polars as pl

from .fields import ALL_FIELDS, FIELDS, PERSON_FIELDS, Field

NUMBER = pl.Decimal(28, 6)


class RuleError(ValueError):
    def __init__(self, message: str, column: int | None = None):
        self.column = column
        where = f"第{column + 1}个字符处：" if column is not None else ""
        super().__init__(where + message)


@dataclass(frozen=True)
class Limits:
    """How large a rule may be; each bound is checked before anything is compiled."""

    length: int = 2000  # characters
    nodes: int = 600  # nodes of the syntax tree (names, numbers, operators, ...)
    depth: int = 30  # nesting of the syntax tree: brackets, not, if … else, min/max inside each other (at most 100)
    conditions: int = 64  # comparisons and has(...) (the reasons a firm is shown)
    terms: int = 64  # arithmetic operations + - * / (at most 100)
    cost: int = 5000  # nodes of the compiled Polars expression, a part used twice counted twice

    # The compiler recurses along the tree (nesting plus chained terms): whatever is configured, a tree
    # stays far from Python's recursion limit.
    CEILING = 100

    def __post_init__(self):
        object.__setattr__(self, "depth", min(self.depth, self.CEILING))
        object.__setattr__(self, "terms", min(self.terms, self.CEILING))


# The limits compile_rule uses when given none; the benefits app sets them from settings (GAOXIN_RULE_MAX_*).
_limits = Limits()


def configure(limits: Limits) -> None:
    global _limits
    _limits = limits


@dataclass
class Leaf:
    text: str
    fields: list[str]

    @property
    def label(self) -> str:
        return humanize(self.text)


_WORDS = [(r"\bhas\(“([^”]+)”\)", r"具有“\1”"), (r">=", "≥"), (r"<=", "≤"), (r"!=", "≠"), (r"==", "为"),
          (r"\bnot in\b", "不属于"), (r"\bin\b", "属于"), (r"\band\b", "且"), (r"\bor\b", "或"),
          (r"\bnot\b", "非"), (r"\bTrue\b", "是"), (r"\bFalse\b", "否"), (r"\bif\b", "当"), (r"\belse\b", "否则")]


def _list_words(items: str, names: dict[str, str]) -> str:
    """A list literal ['A', 'B'] reads as “A”、“B”; codes with a name (industry sections) by their names."""
    values = [a or b or c for a, b, c in re.findall(r"'([^']*)'|\"([^\"]*)\"|([-\d.]+)", items)]
    return "、".join(f"“{names.get(v, v)}”" for v in values)


def _with_unit(m: re.Match) -> str:
    """`revenue <= 20000` -> `revenue <= 20000万元`: a number compared with a field reads in the field's unit."""
    f = ALL_FIELDS.get(m.group(1))
    return f"{m.group(1)} {m.group(2)} {m.group(3)}{f.unit if f else ''}"


def _short_label(code: str) -> str:
    """A field's label without its bracketed hint of values ("纳税信用等级（A/B/M/C/D）" -> "纳税信用等级")."""
    return re.sub(r"（[^）]*）$", "", ALL_FIELDS[code].label)


def _conditional_words(text: str) -> str | None:
    """`x >= (0.05 if revenue <= 5000 else 0.04 if revenue <= 20000 else 0.03)` in the order people read it:
    "x ≥ 下列值：上年营业收入 ≤ 5000万元时为 0.05；上年营业收入 ≤ 20000万元时为 0.04；其他为 0.03"; None for
    a condition without such a value."""
    try:
        node = ast.parse(text, mode="eval").body
    except SyntaxError:
        return None
    if not (isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.comparators[0], ast.IfExp)):
        return None
    parts, value = [], node.comparators[0]
    while isinstance(value, ast.IfExp):
        parts.append(f"{humanize(ast.unparse(value.test))}时为 {humanize(ast.unparse(value.body))}")
        value = value.orelse
    parts.append(f"其他为 {humanize(ast.unparse(value))}")
    op = {ast.GtE: "≥", ast.LtE: "≤", ast.Gt: ">", ast.Lt: "<", ast.Eq: "为", ast.NotEq: "≠"}.get(type(node.ops[0]), "")
    return f"{humanize(ast.unparse(node.left))} {op} 下列值：{'；'.join(parts)}"


def _coded_value(m: re.Match) -> str:
    """`size_group == 'ABOVE'` -> `size_group == '规上'`: a field's stored code read as its word."""
    f = ALL_FIELDS.get(m.group(1))
    value = m.group(3) if m.group(3) is not None else m.group(4)  # 'ABOVE' or "ABOVE"
    return f"{m.group(1)} {m.group(2)} '{f.word(value) if f else value}'"


def _coded_list(m: re.Match) -> str:
    """`industry_section in ['C', 'M']` -> its items by their words (“制造业”、“科学研究和技术服务业”)."""
    f = ALL_FIELDS.get(m.group(1))
    return f"{m.group(1)} {m.group(2)} {_list_words(m.group(3), dict(f.words) if f else {})}"


def humanize(text: str) -> str:
    """A condition in plain Chinese for enterprises: field names become their labels (with their units), text
    values and lists their quoted items (a stored code by its word: 规上, 制造业), operators words and signs
    (× ÷ ≥ ≤ ≠), a threshold that depends on another field as its cases."""
    if " if " in text and (words := _conditional_words(text)) is not None:
        return words
    out = re.sub(r"\b([a-z_][a-z0-9_]*)\s*(>=|<=|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)(?![\d.])", _with_unit, text)
    out = re.sub(r"\b([a-z_][a-z0-9_]*)\s*(==|!=)\s*(?:'([^']*)'|\"([^\"]*)\")", _coded_value, out)
    out = re.sub(r"\b([a-z_][a-z0-9_]*)\s+(not\s+in|in)\s*\[([^\]]*)\]", _coded_list, out)
    out = re.sub(r"\[([^\]]*)\]", lambda m: _list_words(m.group(1), {}), out)
    out = re.sub(r"'([^']*)'|\"([^\"]*)\"", lambda m: f"“{m.group(1) if m.group(1) is not None else m.group(2)}”", out)
    out = re.sub(r"\b[a-z_][a-z0-9_]*\b", lambda m: _short_label(m.group(0)) if m.group(0) in ALL_FIELDS else m.group(0), out)
    out = out.replace(" * ", " × ").replace(" / ", " ÷ ")
    for pattern, replacement in _WORDS:
        out = re.sub(pattern, replacement, out)
    return out


@dataclass
class Compiled:
    source: str
    expr: pl.Expr  # Boolean with nulls: True PASS, False FAIL, null UNKNOWN
    leaves: list[Leaf]
    leaf_exprs: list[pl.Expr]
    fields: list[str]
    tree: ast.AST = field(repr=False)
    registry: dict[str, Field] = field(default_factory=lambda: FIELDS, repr=False)  # the subject's field set

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.source.encode()).hexdigest()[:16]


MAX_LITERAL = Decimal(10) ** 12  # a rule's or formula's literal number: less than 1万亿, at most 6 decimals
LITERAL_STEP = Decimal("0.000001")

_CMP = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=",
        ast.In: "in", ast.NotIn: "not in"}


class _Compiler:
    def __init__(self, source: str, qualifications: set[str], kind: str, registry: dict[str, Field]):
        self.source = source
        self.registry = registry
        self.qualifications = qualifications
        self.kind = kind  # "rule" (boolean) or "formula" (number)
        self.leaves: list[Leaf] = []
        self.leaf_exprs: list[pl.Expr] = []
        self.fields: list[str] = []
        self.in_value = 0

    def fail(self, node, message):
        raise RuleError(message, getattr(node, "col_offset", None))

    def text(self, node) -> str:
        return ast.get_source_segment(self.source, node) or ""

    # -- types: "bool", "number", "text", "list" ------------------------------------------------
    def compile(self, node) -> tuple[pl.Expr, str]:
        method = getattr(self, f"_{type(node).__name__}", None)
        if method is None:
            self.fail(node, f"不支持的写法“{self.text(node)}”")
        return method(node)

    def _BoolOp(self, node):
        parts = []
        for value in node.values:
            expr, kind = self.compile(value)
            if kind != "bool":
                self.fail(value, f"“{self.text(value)}”不是条件（需要比较或 has(...)）")
            parts.append(expr)
        combined = parts[0]
        for part in parts[1:]:
            combined = (combined & part) if isinstance(node.op, ast.And) else (combined | part)
        return combined, "bool"

    def _UnaryOp(self, node):
        expr, kind = self.compile(node.operand)
        if isinstance(node.op, ast.Not):
            if kind != "bool":
                self.fail(node, "not 后面应是条件")
            return ~expr, "bool"
        if isinstance(node.op, ast.USub) and kind == "number":
            return -expr, "number"
        self.fail(node, f"不支持的运算“{self.text(node)}”")

    def _Compare(self, node):
        operands = [node.left, *node.comparators]
        compiled = [self.compile(o) for o in operands]
        result = None
        for (left, lkind), op, (right, rkind), rnode in zip(compiled[:-1], node.ops, compiled[1:], operands[1:],
                                                           strict=True):
            symbol = _CMP.get(type(op))
            if symbol is None:
                self.fail(node, "不支持的比较符号")
            if symbol in ("in", "not in"):
                if rkind != "list":
                    self.fail(rnode, "in 后面应是列表，如 ['A', 'B']")
                values = right
                expr = left.is_in(values) if symbol == "in" else ~left.is_in(values)
                expr = pl.when(left.is_null()).then(None).otherwise(expr)
            else:
                if lkind != rkind or lkind not in ("number", "text", "bool"):
                    self.fail(node, f"“{self.text(node)}”两边类型不同（{lkind} 与 {rkind}）")
                if lkind != "number" and symbol not in ("==", "!="):
                    self.fail(node, "文字和是否只能用 == 或 != 比较")
                expr = {"==": left == right, "!=": left != right, "<": left < right, "<=": left <= right,
                        ">": left > right, ">=": left >= right}[symbol]
            result = expr if result is None else (result & expr)
        self._leaf(node, result)
        return result, "bool"

    def _leaf(self, node, expr) -> None:
        # Conditions inside a value ("0.05 if revenue <= 5000 else …") are not conditions of the rule.
        if not self.in_value:
            self.leaves.append(Leaf(self.text(node), self._fields_in(node)))
            self.leaf_exprs.append(expr)

    def _fields_in(self, node) -> list[str]:
        return sorted({n.id for n in ast.walk(node) if isinstance(n, ast.Name) and n.id in self.registry})

    def _Name(self, node):
        if node.id not in self.registry:
            close = [c for c in self.registry if node.id[:4] in c][:5]
            hint = f"，是否想写：{'、'.join(close)}" if close else ""
            other = "（该字段属于另一类对象：企业政策用企业数据，人才政策用个人数据）" if node.id in ALL_FIELDS else ""
            self.fail(node, f"未知字段“{node.id}”{other}{hint}")
        f = self.registry[node.id]
        if node.id not in self.fields:
            self.fields.append(node.id)
        col = pl.col(node.id)
        return (col.cast(NUMBER) if f.kind == "number" else col), f.kind

    def _Constant(self, node):
        value = node.value
        if isinstance(value, bool):
            return pl.lit(value), "bool"
        if isinstance(value, (int, float)):
            try:
                exact = Decimal(self.text(node) or str(value))
            except InvalidOperation:
                self.fail(node, "数字格式不正确")
            # The rule's numbers are exact decimals of the field registry's precision: 1e40 or a 50-digit literal
            # answered 500 (Decimal128 overflow in Polars); red-team walk of issue 15.
            if not exact.is_finite() or abs(exact) >= MAX_LITERAL or exact != exact.quantize(LITERAL_STEP):
                self.fail(node, f"数字“{self.text(node)}”超出范围（绝对值须小于{MAX_LITERAL:,}，最多6位小数）")
            return pl.lit(exact, dtype=NUMBER), "number"
        if isinstance(value, str):
            return pl.lit(value), "text"
        self.fail(node, f"不支持的值“{self.text(node)}”")

    def _List(self, node):
        values = []
        for elt in node.elts:
            if not isinstance(elt, ast.Constant) or not isinstance(elt.value, (str, int, float)):
                self.fail(elt, "列表中只能写文字或数字")
            values.append(elt.value if isinstance(elt.value, str) else Decimal(self.text(elt)))
        return values, "list"

    _Tuple = _List

    def _BinOp(self, node):
        left, lkind = self.compile(node.left)
        right, rkind = self.compile(node.right)
        if lkind != "number" or rkind != "number":
            self.fail(node, "只有数字可以做加减乘除")
        ops = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b}
        if isinstance(node.op, ast.Div):
            return pl.when(right != 0).then(left / right).otherwise(None), "number"
        if type(node.op) not in ops:
            self.fail(node, "只支持 + - * /")
        return ops[type(node.op)](left, right).cast(NUMBER), "number"

    def _IfExp(self, node):
        self.in_value += 1
        cond, ckind = self.compile(node.test)
        self.in_value -= 1
        body, bkind = self.compile(node.body)
        other, okind = self.compile(node.orelse)
        if ckind != "bool" or bkind != okind:
            self.fail(node, "“a if 条件 else b”中条件应为比较，两个取值类型应相同")
        # An UNKNOWN condition gives an UNKNOWN value.
        return pl.when(cond.is_null()).then(None).when(cond).then(body).otherwise(other), bkind

    def _Call(self, node):
        name = getattr(node.func, "id", "")
        if name == "has":
            if len(node.args) != 1 or not isinstance(node.args[0], ast.Constant) or not isinstance(node.args[0].value, str):
                self.fail(node, "has 的写法：has('高新技术企业')")
            qual = node.args[0].value
            if self.qualifications and qual not in self.qualifications:
                noun = "人才称号" if self.registry is PERSON_FIELDS else "资质"
                self.fail(node, f"未知{noun}“{qual}”（可用：{'、'.join(sorted(self.qualifications))}）")
            expr = pl.col("qualifications").list.contains(qual)
            self._leaf(node, expr)
            return expr, "bool"
        if name in ("min", "max") and len(node.args) >= 2:
            parts = [self.compile(a) for a in node.args]
            if any(k != "number" for _, k in parts):
                self.fail(node, f"{name} 的参数应为数字")
            exprs = [e for e, _ in parts]
            # Polars' min/max_horizontal skip nulls; an UNKNOWN argument must make the result UNKNOWN
            # (min(green_loan_need * 0.01, 50) is not 50 when the loan is not known), as in evaluate_row.
            unknown = pl.any_horizontal([e.is_null() for e in exprs])
            value = pl.min_horizontal(exprs) if name == "min" else pl.max_horizontal(exprs)
            return pl.when(unknown).then(None).otherwise(value).cast(NUMBER), "number"
        self.fail(node, f"未知函数“{name}”（可用：has、min、max）")


def _is_condition(node) -> bool:
    return isinstance(node, ast.Compare) or (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "has")


def _cost(node, memo: dict[int, int]) -> int:
    """The size of the Polars expression `_Compiler` builds for `node`: a part the compiler uses twice (the
    left side of `in`, the divisor, the condition of `if … else`, the arguments of min/max, the middle of a
    chained comparison) counts twice, so nesting them cannot hide an expression of exponential size."""
    if id(node) in memo:
        return memo[id(node)]
    kids = {id(k): _cost(k, memo) for k in ast.iter_child_nodes(node) if not isinstance(k, ast.expr_context)}

    def c(k) -> int:
        return kids.get(id(k), 1)

    if isinstance(node, ast.Compare):
        operands = [node.left, *node.comparators]
        total = sum(c(left) * (2 if isinstance(op, ast.In | ast.NotIn) else 1) + c(right) + 3
                    for left, op, right in zip(operands[:-1], node.ops, operands[1:], strict=True))
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        total = c(node.left) + 2 * c(node.right) + 3
    elif isinstance(node, ast.IfExp):
        total = 2 * c(node.test) + c(node.body) + c(node.orelse) + 3
    elif isinstance(node, ast.Call):
        total = 2 * sum(c(a) for a in node.args) + 3
    elif isinstance(node, ast.List | ast.Tuple):
        total = max(len(node.elts), 1)
    else:
        total = sum(kids.values()) + 1
    memo[id(node)] = total
    return total


def _check_size(tree: ast.Expression, limits: Limits, noun: str) -> None:
    """Refuse a tree past one of the limits, before anything recurses over it (the walk is iterative)."""
    nodes = depth = conditions = terms = 0
    stack = [(tree.body, 1, False)]
    while stack:
        node, level, in_value = stack.pop()
        nodes += 1
        depth = max(depth, level)
        if nodes > limits.nodes:
            raise RuleError(f"{noun}过于复杂（超过{limits.nodes}个字段、数字和运算符），请精简或拆分为多条政策")
        if depth > limits.depth:
            raise RuleError(f"{noun}嵌套过深（超过{limits.depth}层括号、not、if … else 或 min/max 的层层套用）")
        if _is_condition(node) and not in_value:
            conditions += 1
        terms += isinstance(node, ast.BinOp)
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, ast.expr_context):
                # Conditions inside a value ("0.05 if revenue <= 5000 else …") are not conditions of the rule.
                inside = in_value or (isinstance(node, ast.IfExp) and child is node.test)
                # a + b + c is a chain as written, not a nesting (the terms bound its length).
                chained = isinstance(node, ast.BinOp) and child is node.left and isinstance(child, ast.BinOp)
                stack.append((child, level if chained else level + 1, inside))
    if conditions > limits.conditions:
        raise RuleError(f"条件过多（{conditions}个比较，最多{limits.conditions}个），请拆分为多条政策")
    if terms > limits.terms:
        raise RuleError(f"算式过长（{terms}个加减乘除，最多{limits.terms}个），请精简")
    memo: dict[int, int] = {}
    cost = _cost(tree.body, memo)
    cost += sum(memo[id(n)] for n in ast.walk(tree.body) if _is_condition(n))  # each condition is also kept alone
    if cost > limits.cost:
        raise RuleError(f"{noun}的计算量过大（约{cost}步，最多{limits.cost}步），"
                        "请减少层层套用的 min/max、除法和 if … else")


# Python's parser speaks English; a clerk reads the rule's mistake in Chinese (the position is given beside it).
_SYNTAX_MESSAGES = [
    (re.compile(r"'(.)' was never closed"), "“{0}”没有对应的右括号"),
    (re.compile(r"unmatched '(.)'"), "多了一个“{0}”"),
    (re.compile(r"closing parenthesis '(.)' does not match opening parenthesis '(.)'"), "“{1}”与“{0}”不配对"),
    (re.compile(r"unterminated string literal"), "引号没有闭合（文字要用一对单引号括起来，如 'ABOVE'）"),
    (re.compile(r"invalid character '(.)'"), "不能使用字符“{0}”（请用半角括号、引号和运算符）"),
]


def _syntax_message(message: str, source: str) -> str:
    for pattern, text in _SYNTAX_MESSAGES:
        found = pattern.search(message)
        if found:
            return text.format(*found.groups())
    if re.search(r"(?<![=!<>])=(?!=)", source):
        return "比较相等请写 ==（两个等号）"
    return "写法有误（检查比较符号、and / or 和括号）"


def compile_rule(source: str, *, qualifications: set[str] | None = None, kind: str = "rule",
                 limits: Limits | None = None, fields: dict[str, Field] | None = None) -> Compiled:
    """Parse and check a rule (kind "rule", boolean) or a benefit formula (kind "formula", number).
    `limits`: its bounds (default: those `configure` set, i.e. the settings). `fields`: the subject's field set
    (default the enterprise's `FIELDS`; a person policy passes `PERSON_FIELDS`, whose has('…') are titles held)."""
    limits = limits or _limits
    noun = "条件" if kind == "rule" else "公式"
    source = (source or "").strip()
    if not source:
        raise RuleError("条件不能为空")
    if len(source) > limits.length:
        raise RuleError(f"{noun}过长（{len(source)}个字符，最多{limits.length}个），请精简或拆分为多条政策")
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        if "too many nested" in (exc.msg or ""):
            raise RuleError(f"{noun}嵌套过深（超过{limits.depth}层括号）") from None
        raise RuleError(f"语法错误：{_syntax_message(exc.msg or '', source)}", (exc.offset or 1) - 1) from None
    except (RecursionError, MemoryError):
        # CPython's parser gives up on very deep nesting (5,000 added terms) with one of these.
        raise RuleError(f"{noun}嵌套过深（超过{limits.depth}层括号、运算或 not 的层层套用）") from None
    _check_size(tree, limits, noun)
    registry = FIELDS if fields is None else fields
    compiler = _Compiler(source, qualifications or set(), kind, registry)
    expr, result_kind = compiler.compile(tree.body)
    wanted = "bool" if kind == "rule" else "number"
    if result_kind != wanted:
        raise RuleError("条件的结果应为“是/否”" if kind == "rule" else "测算公式的结果应为数字")
    return Compiled(source, expr, compiler.leaves, compiler.leaf_exprs, compiler.fields, tree, registry)


def check_values(compiled: Compiled, *, how: str = "") -> None:
    """A rule's text values against the fields' known value sets (`Field.choices`): a comparison (==, !=, in,
    not in) of such a field with a value it never takes is refused — it would silently hold for no one (== '规上'
    when the registry stores ABOVE) or for everyone (!=). The message names the field and its values in Chinese,
    a stored code by its word (规上、规下), never the code itself; `how` says where the page shows the fixed
    form of a word (the policy form's 条件写法, the notice form's picker).
    Called when a rule is saved (policies, targeted notices), not when a stored rule is matched."""
    registry = compiled.registry
    for node in ast.walk(compiled.tree):
        if not isinstance(node, ast.Compare):
            continue
        operands = [node.left, *node.comparators]
        for left, op, right in zip(operands[:-1], node.ops, operands[1:], strict=True):
            if isinstance(op, ast.In | ast.NotIn):
                pairs = [(left, v) for v in getattr(right, "elts", [])]
            elif isinstance(op, ast.Eq | ast.NotEq):
                pairs = [(left, right), (right, left)]
            else:
                continue
            for name, value in pairs:
                if not (isinstance(name, ast.Name) and isinstance(value, ast.Constant) and isinstance(value.value, str)):
                    continue
                f = registry.get(name.id)
                if f is None or not f.choices or value.value in f.choices:
                    continue
                column = len(compiled.source.encode()[:value.col_offset].decode(errors="ignore"))  # ast counts bytes
                if f.code_for(value.value):  # the word of a stored code: the rule writes the code, which is not said
                    raise RuleError(f"“{f.short_label}”的“{value.value}”在条件中须用该字段的固定写法"
                                    f"（可选：{f.allowed_text()}）{'，' + how if how else ''}", column)
                raise RuleError(f"“{f.short_label}”没有“{value.value}”这个取值，可选：{f.allowed_text()}", column)


# --- the rule as a readable tree (issue 14 §5) ---------------------------------------------------

def rule_tree(compiled: Compiled) -> dict:
    """The rule's logic as people read it: `{"op": "all" | "any", "children": [...]}` (且 / 或),
    `{"op": "not", "children": [one]}` (不满足 / 不属于以下情形), and terminals `{"op": "leaf", "index": i,
    "label": …}` for the i-th condition of `compiled.leaves` (a comparison or has(...)), or
    `{"op": "term", "source": …, "label": …}` for a bare yes/no field or constant. NOT, OR and nested groups
    keep their place, so the page never shows a NOT-ed group as plain conditions to meet."""
    counter = iter(range(len(compiled.leaves)))
    source = compiled.source

    def walk(node) -> dict:
        if isinstance(node, ast.BoolOp):
            return {"op": "all" if isinstance(node.op, ast.And) else "any", "children": [walk(v) for v in node.values]}
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return {"op": "not", "children": [walk(node.operand)]}
        if isinstance(node, ast.Compare) or (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "has"):
            i = next(counter)
            return {"op": "leaf", "index": i, "label": compiled.leaves[i].label}
        text = ast.get_source_segment(source, node) or ""
        return {"op": "term", "source": text, "label": humanize(text)}

    return walk(compiled.tree.body)


# --- the same semantics in plain Python (explanations, baseline) -------------------------------

def _and(values):
    if any(v is False for v in values):
        return False
    return None if any(v is None for v in values) else True


def _or(values):
    if any(v is True for v in values):
        return True
    return None if any(v is None for v in values) else False


_PY_OPS = {"==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
           "in": lambda a, b: a in b, "not in": lambda a, b: a not in b}


def evaluate_row(compiled: Compiled, row: dict):
    """Three-valued evaluation of a compiled rule for one enterprise (a dict of field values)."""
    source = compiled.source

    def ev(node):
        if isinstance(node, ast.BoolOp):
            values = [ev(v) for v in node.values]
            return _and(values) if isinstance(node.op, ast.And) else _or(values)
        if isinstance(node, ast.UnaryOp):
            value = ev(node.operand)
            if isinstance(node.op, ast.Not):
                return None if value is None else not value
            return None if value is None else -value
        if isinstance(node, ast.Compare):
            operands = [ev(o) for o in [node.left, *node.comparators]]
            results = []
            for left, op, right in zip(operands[:-1], node.ops, operands[1:], strict=True):
                if left is None or right is None:
                    results.append(None)
                    continue
                symbol = _CMP[type(op)]
                results.append(_PY_OPS[symbol](left, right))
            return _and(results)
        if isinstance(node, ast.Name):
            value = row.get(node.id)
            if value is not None and compiled.registry[node.id].kind == "number":
                return Decimal(str(value))
            return value
        if isinstance(node, ast.Constant):
            if isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
                return Decimal(ast.get_source_segment(source, node))
            return node.value
        if isinstance(node, (ast.List, ast.Tuple)):
            return [e.value if isinstance(e.value, str) else Decimal(ast.get_source_segment(source, e)) for e in node.elts]
        if isinstance(node, ast.BinOp):
            a, b = ev(node.left), ev(node.right)
            if a is None or b is None:
                return None
            if isinstance(node.op, ast.Div):
                return None if b == 0 else a / b
            return {ast.Add: a + b, ast.Sub: a - b, ast.Mult: a * b}[type(node.op)]
        if isinstance(node, ast.IfExp):
            cond = ev(node.test)
            return None if cond is None else (ev(node.body) if cond else ev(node.orelse))
        if isinstance(node, ast.Call):
            name = node.func.id
            if name == "has":
                return node.args[0].value in (row.get("qualifications") or [])
            values = [ev(a) for a in node.args]
            if any(v is None for v in values):
                return None
            return min(values) if name == "min" else max(values)
        raise RuleError("unsupported")

    return ev(compiled.tree.body)


def unmet_conditions(compiled: Compiled, row: dict) -> list[str]:
    """Why a subject does not qualify, in plain Chinese: the conditions of the rule's top level (its `and`) that
    are not met (FAIL, not UNKNOWN), each a sentence of its own ("未持有“车城人才”", "未满足：上年营业收入 ≥ 1000万元");
    the whole rule when it is a single condition."""
    body = compiled.tree.body
    parts = body.values if isinstance(body, ast.BoolOp) and isinstance(body.op, ast.And) else [body]
    unmet = []
    for part in parts:
        text = ast.get_source_segment(compiled.source, part) or ""
        if evaluate_row(replace(compiled, source=text, tree=ast.parse(text, mode="eval")), row) is not False:
            continue
        if isinstance(part, ast.Call) and getattr(part.func, "id", "") == "has":
            unmet.append(f"未持有“{part.args[0].value}”")
        elif (isinstance(part, ast.Compare) and isinstance(part.ops[0], ast.Eq) and isinstance(part.left, ast.Name)
              and isinstance(part.comparators[0], ast.Constant) and part.comparators[0].value is False):
            unmet.append(_short_label(part.left.id))  # `restricted_industry == False` failed: the fact is the reason
        else:
            unmet.append(f"未满足：{humanize(text)}")
    return unmet

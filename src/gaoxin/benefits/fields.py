"""The fields a policy rule may use (benefits.md §2.2, §6.2). Pure data: no Django.

A policy has a subject: an enterprise (`FIELDS`, the 企业画像) or a person in the talent registry
(`PERSON_FIELDS`: tier, titles held, education, 职称, 技能等级, employer, work and social-insurance
location, years since recognition, IIT paid and taxable income). The same rule language reads both;
`SUBJECT_FIELDS` picks a subject's set, and the two sets use distinct codes so a label is always found
(`ALL_FIELDS`).

kind: "number" (compared as exact decimals), "text", "bool". `source` says where the value
comes from: the registry, a fact the enterprise or a department records, or a derived formula.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from gaoxin.enterprises.industries import SECTIONS


@dataclass(frozen=True)
class Field:
    code: str
    label: str
    kind: str  # number | text | bool
    unit: str = ""
    source: str = "fact"  # registry | fact | derived
    # The department (org unit code) that supplies this fact when it has it (纳税信用等级 from the tax bureau): a
    # value it supplied is the department's, which the enterprise may dispute but not overwrite (issue 14 §6).
    supplier: str = ""
    choices: tuple[str, ...] = ()  # a text field's allowed values (a rule comparing it with another is refused)
    words: tuple[tuple[str, str], ...] = ()  # what a stored code reads as on a page: ("ABOVE", "规上")
    low: str | None = None  # a number fact's bounds (inclusive), as decimal strings
    high: str | None = None
    integer: bool = False  # a count of people or events: a whole number

    def word(self, value: str) -> str:
        """A value as people read it: a stored code by its word (ABOVE -> 规上), any other value as it is."""
        return dict(self.words).get(value, value)

    def code_for(self, word: str) -> str | None:
        """The stored code a word stands for (规上 -> ABOVE), or None."""
        return next((code for code, w in self.words if w == word), None)

    @property
    def short_label(self) -> str:
        """The label without its bracketed hint of values ("规模（ABOVE 规上 / BELOW 规下）" -> "规模")."""
        return re.sub(r"（[^）]*）$", "", self.label)

    def allowed_text(self) -> str:
        """The allowed values as people read them, in a message: a stored code by its word, never the code
        (“规上”、“规下”; 'A'、'B'、'M'、'C'、'D' where the values are written as they are)."""
        words = dict(self.words)
        return "、".join(f"“{words[c]}”" if c in words else f"'{c}'" for c in self.choices)


SHARE = {"low": "0", "high": "1"}  # a proportion written as a decimal (0.05 = 5 %)
AMOUNT = {"low": "0"}
SCORE = {"low": "0", "high": "100"}


# 从业人数 and 资产总额 at the start and end of each quarter (benefits.md §4 P5): the year's quarterly average is
# derived from them — (季初 + 季末) ÷ 2 per quarter, the four averaged — when all eight of a kind are recorded.
QUARTERS = (1, 2, 3, 4)
QUARTER_FIELDS = [Field(f"{kind}_q{q}_{edge}", f"第{'一二三四'[q - 1]}季度{'初' if edge == 'start' else '末'}{label}",
                        "number", unit, integer=kind == "staff")
                  for kind, label, unit in (("staff", "从业人数", "人"), ("assets", "资产总额", "万元"))
                  for q in QUARTERS for edge in ("start", "end")]

FIELDS: dict[str, Field] = {f.code: f for f in [
    # From the enterprise registry (一企一档).
    Field("industry_code", "行业代码", "text", source="registry"),
    # The registry's industry code against the zone's list of restricted and prohibited industries
    # (RestrictedIndustry); UNKNOWN when the code is missing or too coarse to tell.
    Field("restricted_industry", "属于国家限制和禁止行业", "bool", source="registry"),
    Field("industry_section", "行业门类", "text", source="registry", choices=tuple(SECTIONS),
          words=tuple(SECTIONS.items())),
    # The registry's codes (enterprises.SizeGroup), read as 规上 / 规下.
    Field("size_group", "规模（ABOVE 规上 / BELOW 规下）", "text", source="registry", choices=("ABOVE", "BELOW"),
          words=(("ABOVE", "规上"), ("BELOW", "规下"))),
    Field("park", "园区", "text", source="registry"),
    Field("days_since_registration", "成立天数", "number", "天", "registry"),
    Field("registered_capital", "注册资本", "number", "万元", "registry"),
    Field("land_mu", "净用地面积", "number", "亩", "registry"),
    # Facts recorded by the enterprise or supplied by departments.
    Field("resident", "居民企业", "bool"),
    Field("collection_method", "企业所得税征收方式（查账征收/核定征收）", "text", supplier="tax", choices=("查账征收", "核定征收")),
    Field("taxpayer_type", "增值税纳税人类型（一般纳税人/小规模纳税人）", "text", supplier="tax", choices=("一般纳税人", "小规模纳税人")),
    Field("tax_credit_rating", "纳税信用等级（A/B/M/C/D）", "text", supplier="tax", choices=("A", "B", "M", "C", "D")),
    Field("enterprise_size", "企业划型（大型/中型/小型/微型）", "text", choices=("大型", "中型", "小型", "微型")),
    Field("revenue", "上年营业收入", "number", "万元"),
    Field("revenue_prev", "前年营业收入", "number", "万元"),
    Field("main_business_revenue", "上年主营业务收入", "number", "万元"),
    Field("rd_expense", "上年研发费用", "number", "万元"),
    Field("rd_expense_prev", "前年研发费用", "number", "万元"),
    Field("rd_expense_3y", "近三年研发费用合计", "number", "万元"),
    Field("sales_3y", "近三年销售收入合计", "number", "万元"),
    Field("domestic_rd_share", "境内研发费用占比", "number", **SHARE),
    Field("ht_revenue_share", "高新技术产品（服务）收入占比", "number", **SHARE),
    Field("employees", "职工人数", "number", "人"),
    Field("st_staff", "科技人员数", "number", "人"),
    Field("assets", "资产总额", "number", "万元"),
    Field("liabilities", "负债总额", "number", "万元"),
    Field("taxable_income", "年应纳税所得额", "number", "万元", supplier="tax"),
    Field("cit_rate", "企业所得税税率", "number", supplier="tax", **SHARE),
    Field("innovation_score", "高企创新能力评价得分", "number", "分", **SCORE),
    Field("tsme_score", "科技型中小企业评价得分", "number", "分", **SCORE),
    Field("ism_score", "创新型中小企业评价得分", "number", "分", **SCORE),
    Field("major_incident_last_year", "上年发生重大安全、质量事故或严重环境违法", "bool", supplier="emergency"),
    Field("core_ip_count", "核心自主知识产权数", "number", "件"),
    Field("excluded_industry_income_share", "负面清单行业收入占比", "number", **SHARE),
    Field("main_business_industry", "主营业务所属行业", "text"),
    Field("manufacturing_sales_share", "制造业销售额占比", "number", **SHARE),
    Field("input_vat", "当期可抵扣进项税额", "number", "万元", supplier="tax", **AMOUNT),
    Field("retained_vat_now", "期末留抵税额", "number", "万元", supplier="tax", **AMOUNT),
    Field("retained_vat_2019", "2019年3月底留抵税额", "number", "万元", supplier="tax", **AMOUNT),
    Field("input_ratio", "进项构成比例", "number", supplier="tax", **SHARE),
    Field("vat_fraud_36m", "近36个月有骗税、虚开行为", "bool", supplier="tax"),
    Field("instant_refund_since_2019", "2019年4月以来享受即征即退/先征后返", "bool", supplier="tax"),
    Field("avg_staff", "全年季度平均从业人数（无季度数据时填写）", "number", "人"),
    Field("avg_assets", "全年季度平均资产总额（无季度数据时填写）", "number", "万元"),
    *QUARTER_FIELDS,
    Field("tech_in_priority_fields", "主要产品（服务）技术属于《国家重点支持的高新技术领域》", "bool"),
    Field("tax_evasion_penalties_36m", "近36个月因偷税受行政处罚次数", "number", "次", supplier="tax", integer=True),
    Field("ism_innovation", "创新型中小企业评价：创新能力得分", "number", "分", low="0", high="40"),
    Field("ism_growth", "创新型中小企业评价：成长性得分", "number", "分", low="0", high="30"),
    Field("ism_specialisation", "创新型中小企业评价：专业化得分", "number", "分", low="0", high="30"),
    Field("rd_staff_share", "研发人员占职工比例", "number", **SHARE),
    Field("niche_years", "从事细分市场年限", "number", "年"),
    Field("equity_financing_2y", "近两年新增股权融资", "number", "万元"),
    Field("creative_china_top500", "近三年获“创客中国”全国500强", "bool"),
    # 创新创业大赛 results, written by the science bureau's competition room when a round is final or an award is
    # recorded (competitions.services): the zone's bonus policies read the award level (trigger: award_level).
    Field("competition_zone_rank", "创新创业大赛区内评审名次", "number", "名", supplier="science", low="1", integer=True),
    Field("competition_award_level", "创新创业大赛获奖等次", "text", supplier="science"),
    Field("competition_award_year", "创新创业大赛获奖年度", "number", "年", supplier="science", integer=True),
    Field("competition_awards", "创新创业大赛历届获奖次数", "number", "次", supplier="science", integer=True, **AMOUNT),
    Field("ui_paid", "上年失业保险实缴额（单位+个人）", "number", "万元", supplier="hrss", **AMOUNT),
    Field("ui_months", "失业保险连续足额缴费月数", "number", "月", supplier="hrss", **AMOUNT),
    Field("insured_count", "月均参保人数", "number", "人", supplier="hrss", **AMOUNT),
    Field("layoff_rate", "上年裁员率", "number", supplier="hrss", **SHARE),
    Field("seriously_dishonest", "严重失信主体", "bool", supplier="development"),
    Field("eligible_new_hires", "符合条件的新招用高校毕业生人数", "number", "人"),
    Field("green_loan_need", "绿色信贷需求", "number", "万元"),
    Field("srdi_score", "专精特新评价得分", "number", "分", **SCORE),
    Field("evaluation_tier", "亩产效益评价等级（A/B/C/D，T为暂不评价）", "text", choices=("A", "B", "C", "D", "T")),
    Field("skill_cert_level", "职业技能等级证书（初级/中级/高级）", "text", choices=("初级", "中级", "高级")),
    Field("skill_cert_repeat", "同一职业同一等级已享受过补贴", "bool"),
    # Derived from the facts above (UNKNOWN when an input is missing).
    Field("rd_ratio", "研发费用占营业收入比例", "number", source="derived"),
    Field("rd_ratio_prev", "前年研发费用占比", "number", source="derived"),
    Field("rd_ratio_3y", "近三年研发费用占销售收入比例", "number", source="derived"),
    Field("st_staff_ratio", "科技人员占职工比例", "number", source="derived"),
    Field("debt_ratio", "资产负债率", "number", source="derived"),
    Field("revenue_growth", "营业收入增长率", "number", source="derived"),
    Field("main_business_share", "主营业务收入占营业收入比例", "number", source="derived"),
    # The firm's life-cycle stage by the zone's ordered rules (benefits.lifecycle, GAOXIN_LIFE_STAGES).
    Field("life_stage", "生命周期阶段", "text", source="derived"),
    Field("listed", "已上市", "bool"),
    Field("listing_reserve", "列入上市后备企业库", "bool"),
]}

# name -> (numerator, denominator): computed as exact decimals, UNKNOWN if either is missing or the denominator is 0.
DERIVED = {
    "rd_ratio": ("rd_expense", "revenue"),
    "rd_ratio_prev": ("rd_expense_prev", "revenue_prev"),
    "rd_ratio_3y": ("rd_expense_3y", "sales_3y"),
    "st_staff_ratio": ("st_staff", "employees"),
    "debt_ratio": ("liabilities", "assets"),
    "main_business_share": ("main_business_revenue", "revenue"),
}
FACT_FIELDS = [f for f in FIELDS.values() if f.source == "fact"]

SUBJECT_ENTERPRISE, SUBJECT_PERSON = "enterprise", "person"

# A person in the talent registry (benefits.md §6.2). "registry" fields are read from the registry (the person, the
# valid recognitions, the employer); "fact" fields are recorded per person (`PersonFact`), the tax figures by the tax
# bureau. Titles held and valid are the person's has('…') list, as qualifications are a firm's.
PERSON_FIELDS: dict[str, Field] = {f.code: f for f in [
    Field("tier", "人才层次（A/B/C/D/E）", "text", source="registry"),
    Field("tier_rank", "人才层次排序（1 为最高）", "number", source="registry"),
    # As the talent registry shows them (talent.Education, talent.SkillGrade).
    Field("education", "学历（大专/本科/硕士研究生/博士研究生）", "text", source="registry",
          choices=("高中/中专及以下", "大专", "本科", "硕士研究生", "博士研究生")),
    Field("professional_title", "职称", "text", source="registry"),
    Field("skill_grade", "技能等级", "text", source="registry",
          choices=("初级工（五级）", "中级工（四级）", "高级工（三级）", "技师（二级）", "高级技师（一级）")),
    Field("employer_uscc", "工作单位统一社会信用代码", "text", source="registry"),
    Field("employer_park", "工作单位所在园区", "text", source="registry"),
    Field("work_location", "工作地", "text", source="registry"),
    Field("insurance_location", "社保缴纳地", "text", source="registry"),
    Field("works_where_insured", "工作地与社保缴纳地一致", "bool", source="registry"),
    Field("years_since_recognition", "认定以来年数", "number", "年", "registry"),
    Field("age", "年龄", "number", "岁", "registry"),
    Field("iit_paid", "上年已缴个人所得税", "number", "万元", supplier="tax", **AMOUNT),
    Field("personal_taxable_income", "上年个人综合所得应纳税所得额", "number", "万元", supplier="tax", **AMOUNT),
    Field("overseas_talent", "境外高端或紧缺人才", "bool"),
    Field("owns_home_in_zone", "在区内已有自有住房", "bool"),
]}
PERSON_FACT_FIELDS = [f for f in PERSON_FIELDS.values() if f.source == "fact"]
SUBJECT_FIELDS = {SUBJECT_ENTERPRISE: FIELDS, SUBJECT_PERSON: PERSON_FIELDS}
ALL_FIELDS: dict[str, Field] = {**FIELDS, **PERSON_FIELDS}
assert len(ALL_FIELDS) == len(FIELDS) + len(PERSON_FIELDS), "enterprise and person field codes must differ"


def check_fact(code: str, value, fields: dict[str, Field] | None = None) -> str | None:
    """Why `value` cannot be this fact (a Chinese message), or None: text facts with a list take one of its
    values; numbers stay within their bounds, and counts and amounts (a unit of 人, 件, 年, 月, 天, 分, 万元
    other than a balance) are never negative; yes/no facts are booleans."""
    from decimal import Decimal

    f = (fields or FIELDS)[code]
    if value is None:
        return None
    if f.kind == "text":
        if f.choices and value not in f.choices:
            return f"应为{'、'.join(f.choices)}之一"
        return None
    if f.kind == "bool":
        return None if isinstance(value, bool) else "应为“是”或“否”"
    number = Decimal(str(value))
    low = f.low if f.low is not None else ("0" if f.unit else None)
    if low is not None and number < Decimal(low):
        return f"不能小于{low}" if low != "0" else "不能为负数"
    if f.integer and number != number.to_integral_value():
        return "应为整数"
    if f.high is not None and number > Decimal(f.high):
        return f"不能大于{f.high}" + ("（比例请写小数，如 0.05 表示 5%）" if f.high == "1" else "")
    return None

_FUNCTIONS = {"min": "取较小值", "max": "取较大值", "round": "四舍五入", "abs": "绝对值"}
_BINOPS = {ast.Add: "+", ast.Sub: "−", ast.Mult: "×", ast.Div: "÷"}
_COMPARE = {ast.Eq: "为", ast.NotEq: "不为", ast.Lt: "<", ast.LtE: "≤", ast.Gt: ">", ast.GtE: "≥"}


def _precedence(node: ast.AST) -> int:
    if isinstance(node, ast.IfExp):
        return 0
    if isinstance(node, ast.BinOp):
        return 1 if isinstance(node.op, ast.Add | ast.Sub) else 2
    return 3


def _words(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        field = ALL_FIELDS.get(node.id)
        return re.sub(r"（[^）]*）$", "", field.label) if field else node.id
    if isinstance(node, ast.Constant):
        return f"“{node.value}”" if isinstance(node.value, str) else str(node.value)
    if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
        mine = _precedence(node)
        left, right = _words(node.left), _words(node.right)
        if _precedence(node.left) < mine:
            left = f"（{left}）"
        if _precedence(node.right) < mine or (_precedence(node.right) == mine and isinstance(node.op, ast.Sub | ast.Div)):
            right = f"（{right}）"
        return f"{left} {_BINOPS[type(node.op)]} {right}"
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return f"{_FUNCTIONS.get(node.func.id, node.func.id)}（{'，'.join(_words(a) for a in node.args)}）"
    if isinstance(node, ast.IfExp):  # a chain "a if x else b if y else c" reads as cases
        cases = []
        while isinstance(node, ast.IfExp):
            cases.append(f"{_words(node.test)}时为 {_words(node.body)}")
            node = node.orelse
        return "；".join(cases) + f"；其他情况为 {_words(node)}"
    if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _COMPARE:
        return f"{_words(node.left)}{_COMPARE[type(node.ops[0])]}{_words(node.comparators[0])}"
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return f"−{_words(node.operand)}"
    raise ValueError("unsupported")


def formula_text(formula: str) -> str:
    """A measuring formula in words for enterprises: `rd_expense * cit_rate` -> "上年研发费用 × 企业所得税税率".
    Field labels drop their bracketed hint; a formula outside this small grammar is shown as written."""
    try:
        body = ast.parse(formula.strip(), mode="eval").body
        if isinstance(body, ast.Constant) and isinstance(body.value, int | float):
            return f"定额 {body.value}"  # a fixed award: "依据：20" said nothing
        return _words(body)
    except (SyntaxError, ValueError):
        return formula

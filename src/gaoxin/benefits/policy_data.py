"""The 13 test policies of benefits.md §4 plus a green-loan product, as plain data (no Django),
so tests and benchmarks can use them without a database."""

import datetime as dt
from decimal import Decimal

EXCLUDED = "['烟草制造业', '住宿和餐饮业', '批发和零售业', '房地产业', '租赁和商务服务业', '娱乐业']"

# Policies whose rule reads a person's facts (subject 人才, fields.PERSON_FIELDS), not a firm's.
PERSON_POLICIES = {"P13"}


def fields_of(code: str) -> dict:
    """The field set a catalogue policy's rule and formula read."""
    from .fields import FIELDS, PERSON_FIELDS

    return PERSON_FIELDS if code in PERSON_POLICIES else FIELDS

# code, title, document number, issuer, level, kind, mode, rule, formula, cap, effective_to, summary
POLICIES = [
    ("P1", "研发费用加计扣除", "财政部 税务总局公告2023年第7号", "tax", "national", "tax", "inform",
     f"resident == True and collection_method == '查账征收' and not (main_business_industry in {EXCLUDED} "
     "and excluded_industry_income_share > 0.50)",
     "rd_expense * cit_rate", None, None, "费用化研发支出再按实际发生额的100%加计扣除；集成电路、工业母机企业120%。"),
    ("P2", "高新技术企业认定奖励", "国科发火〔2016〕32号；湘潭高新区科技创新奖励办法", "science", "zone", "qualification", "apply",
     "days_since_registration >= 365 and core_ip_count >= 1 and tech_in_priority_fields == True "
     "and st_staff_ratio >= 0.10 "
     "and rd_ratio_3y >= (0.05 if revenue <= 5000 else 0.04 if revenue <= 20000 else 0.03) "
     "and domestic_rd_share >= 0.60 and ht_revenue_share >= 0.60 and innovation_score > 70 "
     "and major_incident_last_year == False",
     "20", Decimal(20), None, "认定后企业所得税减按15%；首次认定的，高新区奖励20万元。"),
    ("P3", "先进制造业企业增值税加计抵减", "财政部 税务总局公告2023年第43号", "tax", "national", "tax", "inform",
     "has('高新技术企业') and taxpayer_type == '一般纳税人' and manufacturing_sales_share > 0.50",
     "input_vat * 0.05", None, dt.date(2027, 12, 31), "按当期可抵扣进项税额加计5%抵减应纳税额。"),
    ("P4", "增值税期末留抵退税", "财政部 税务总局公告2022年第14号", "tax", "national", "tax", "inform",
     "tax_credit_rating in ['A', 'B'] and vat_fraud_36m == False and tax_evasion_penalties_36m < 2 "
     "and instant_refund_since_2019 == False "
     "and (enterprise_size in ['小型', '微型'] or industry_section in ['C', 'M', 'D', 'I', 'N', 'G'])",
     "(retained_vat_now - retained_vat_2019) * input_ratio + min(retained_vat_now, retained_vat_2019) * input_ratio",
     None, None, "增量留抵与存量留抵按进项构成比例100%退还。"),
    ("P5", "小型微利企业所得税优惠", "财政部 税务总局公告2023年第12号", "tax", "national", "tax", "inform",
     "restricted_industry == False and taxable_income <= 300 and avg_staff <= 300 and avg_assets <= 5000",
     "taxable_income * 0.20", None, dt.date(2027, 12, 31), "应纳税所得额减按25%计入、按20%税率缴纳，实际税负5%。"),
    ("P6", "科技型中小企业评价入库", "《科技型中小企业评价办法》", "science", "national", "qualification", "apply",
     "resident == True and employees <= 500 and revenue <= 20000 and assets <= 20000 "
     "and restricted_industry == False and major_incident_last_year == False and seriously_dishonest == False "
     "and (has('高新技术企业') or (tsme_score >= 60 and st_staff_ratio >= 0.10))", "", None, None,
     "入库后享受研发费用加计扣除等政策。"),
    ("P7", "创新型中小企业认定", "工信部企业〔2022〕63号", "industry", "provincial", "qualification", "apply",
     "(ism_score >= 60 and ism_innovation >= 20 and ism_growth >= 15 and ism_specialisation >= 15) "
     "or has('高新技术企业') or equity_financing_2y >= 500", "", None, None, "优质中小企业梯度培育第一层级。"),
    ("P8", "专精特新中小企业认定", "工信部企业〔2022〕63号", "industry", "provincial", "qualification", "apply",
     "has('创新型中小企业') and niche_years >= 2 and rd_expense >= 100 and rd_ratio >= 0.03 "
     "and (revenue >= 1000 or equity_financing_2y >= 2000) "
     "and (srdi_score >= 60 or creative_china_top500 == True or (rd_expense + rd_expense_prev) / 2 >= 1000 "
     "or equity_financing_2y >= 6000)",
     "", None, None, "专业化、精细化、特色化、新颖化中小企业。"),
    ("P9", "专精特新“小巨人”企业推荐", "工信部企业〔2022〕63号", "industry", "national", "qualification", "apply",
     "has('专精特新中小企业') and niche_years >= 3 and main_business_share >= 0.70 and debt_ratio <= 0.70 "
     "and ((revenue >= 10000 and rd_ratio >= 0.03 and rd_ratio_prev >= 0.03) "
     "or (revenue >= 5000 and revenue < 10000 and rd_ratio >= 0.06 and rd_ratio_prev >= 0.06) "
     "or (revenue < 5000 and equity_financing_2y >= 8000 and rd_expense_3y >= 3000 and rd_staff_share >= 0.50))",
     "", None, None,
     "国家级专精特新“小巨人”企业推荐。"),
    ("P10", "失业保险稳岗返还", "人社部发〔2024〕40号（湖南实施）", "hrss", "provincial", "subsidy", "auto",
     "ui_months >= 12 and seriously_dishonest == False and layoff_rate <= (0.20 if insured_count <= 30 else 0.055)",
     "ui_paid * (0.30 if enterprise_size == '大型' else 0.60)", None, None, "免申即享：大型企业返还30%，中小微企业返还60%。"),
    ("P11", "一次性扩岗补助", "人社部发〔2023〕25号", "hrss", "national", "subsidy", "fast",
     "eligible_new_hires >= 1", "eligible_new_hires * 0.15", None, None, "每招用1名符合条件的高校毕业生补助1500元。"),
    ("P12", "职业技能提升补贴", "财社〔2017〕164号（湖南实施）", "hrss", "provincial", "subsidy", "apply",
     "skill_cert_level in ['初级', '中级', '高级'] and skill_cert_repeat == False",
     "0.10 if skill_cert_level == '初级' else 0.15 if skill_cert_level == '中级' else 0.20", Decimal("0.20"), None,
     "初级1000元、中级1500元、高级2000元；同一职业同一等级只享受一次。"),
    ("P13", "个人所得税奖补（境外高端人才）", "湘潭高新区高端人才个人所得税奖补办法", "finance", "zone", "subsidy", "apply",
     "iit_paid > personal_taxable_income * 0.15", "max(iit_paid - personal_taxable_income * 0.15, 0)", None, None,
     "按已缴个人所得税超过应纳税所得额15%的部分给予补贴。"),
    ("G1", "绿色工厂绿色信贷贴息", "湘潭高新区绿色金融支持办法", "finance", "zone", "finance", "apply",
     "has('绿色工厂') and green_loan_need > 0", "min(green_loan_need * 0.01, 50)", Decimal(50), None,
     "绿色工厂企业新增绿色贷款按1%贴息，最高50万元。"),
]

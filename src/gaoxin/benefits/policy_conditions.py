"""Every condition of the shipped policies (policy_data.POLICIES) traced to its clause, with its boundary test
(issue 24). Pure data: no Django.

For each policy: a profile that meets every condition (`passing`), and for each condition of the rule (a leaf, as
the rule writes it): the clause it comes from, the field values at the boundary that pass and just past it that
fail (`base` first moves the profile where that condition decides, e.g. into its branch of an `or`), and whether a
missing value leaves the verdict UNKNOWN (待完善) — not so for qualifications, which the registry holds or not.
`not_in_rule` lists what the document states but the rule does not check, and why. `docs/policies.md` is written
from this table (`gaoxin policy_conditions_doc`); tests check the rules, the table and the document agree."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Condition:
    leaf: str
    clause: str
    passes: dict
    fails: dict | None  # None: no value of the field fails (it takes only the listed values); missing is UNKNOWN
    base: dict = field(default_factory=dict)
    unknown: bool = True


@dataclass(frozen=True)
class PolicyConditions:
    code: str
    source: str
    passing: dict
    conditions: list[Condition]
    not_in_rule: list[tuple[str, str]] = field(default_factory=list)


EXCLUDED_LIST = "['烟草制造业', '住宿和餐饮业', '批发和零售业', '房地产业', '租赁和商务服务业', '娱乐业']"
TAX_CHECKS = "税务机关在纳税申报时核查，平台只提示和测算，不作为匹配条件"

HNTE = ["高新技术企业"]

CONDITIONS: list[PolicyConditions] = [
    PolicyConditions(
        "P1", "财政部 税务总局公告2023年第7号；财税〔2015〕119号第四条",
        dict(resident=True, collection_method="查账征收", main_business_industry="制造业",
             excluded_industry_income_share=0.9, rd_expense=1000, cit_rate=0.25),
        [
            Condition("resident == True", "财税〔2015〕119号：适用于居民企业（非居民企业不适用）",
                      {"resident": True}, {"resident": False}),
            Condition("collection_method == '查账征收'", "财税〔2015〕119号：核定征收企业不适用",
                      {"collection_method": "查账征收"}, {"collection_method": "核定征收"}),
            Condition(f"main_business_industry in {EXCLUDED_LIST}",
                      "财税〔2015〕119号第四条：烟草制造业、住宿和餐饮业、批发和零售业、房地产业、租赁和商务服务业、娱乐业不适用",
                      {"main_business_industry": "制造业"}, {"main_business_industry": "批发和零售业"}),
            Condition("excluded_industry_income_share > 0.50",
                      "财税〔2015〕119号第四条：负面清单行业业务收入占收入总额（减除不征税收入和投资收益）50%（不含）以上的",
                      {"excluded_industry_income_share": 0.50}, {"excluded_industry_income_share": 0.5001},
                      base={"main_business_industry": "批发和零售业"}),
        ],
        [("会计核算不健全、不能准确归集研发费用的企业不适用", TAX_CHECKS),
         ("集成电路企业、工业母机企业加计扣除比例为120%（2023—2027年）", "测算按100%；该两类企业的比例由税务申报时确定"),
         ("形成无形资产的按成本200%摊销", "测算只计费用化部分；摊销由税务申报时确定")]),
    PolicyConditions(
        "P2", "国科发火〔2016〕32号《高新技术企业认定管理办法》第十一条",
        dict(days_since_registration=400, core_ip_count=2, tech_in_priority_fields=True, st_staff=10, employees=100,
             rd_expense_3y=150, sales_3y=3000, revenue=5000, domestic_rd_share=0.60, ht_revenue_share=0.60,
             innovation_score=75, major_incident_last_year=False),
        [
            Condition("days_since_registration >= 365", "第十一条（一）：注册成立一年以上（365个日历天）",
                      {"days_since_registration": 365}, {"days_since_registration": 364}),
            Condition("core_ip_count >= 1", "第十一条（二）：拥有对主要产品（服务）发挥核心支持作用的知识产权",
                      {"core_ip_count": 1}, {"core_ip_count": 0}),
            Condition("tech_in_priority_fields == True", "第十一条（三）：技术属于《国家重点支持的高新技术领域》规定的范围",
                      {"tech_in_priority_fields": True}, {"tech_in_priority_fields": False}),
            Condition("st_staff_ratio >= 0.10", "第十一条（四）：科技人员占当年职工总数的比例不低于10%",
                      {"st_staff": 10, "employees": 100}, {"st_staff": 9, "employees": 100}),
            Condition("rd_ratio_3y >= (0.05 if revenue <= 5000 else 0.04 if revenue <= 20000 else 0.03)",
                      "第十一条（五）：近三个会计年度研发费用占销售收入：5000万元以下（含）不低于5%，5000万元至2亿元（含）不低于4%，2亿元以上不低于3%",
                      {"revenue": 5000, "rd_expense_3y": 150, "sales_3y": 3000},
                      {"revenue": 5000, "rd_expense_3y": 147, "sales_3y": 3000}),
            Condition("domestic_rd_share >= 0.60", "第十一条（五）：境内研发费用占全部研发费用比例不低于60%",
                      {"domestic_rd_share": 0.60}, {"domestic_rd_share": 0.599}),
            Condition("ht_revenue_share >= 0.60", "第十一条（六）：近一年高新技术产品（服务）收入占同期总收入比例不低于60%",
                      {"ht_revenue_share": 0.60}, {"ht_revenue_share": 0.599}),
            Condition("innovation_score > 70", "第十一条（七）、工作指引：创新能力评价应达到相应要求（70分以上，不含70分）",
                      {"innovation_score": 70.5}, {"innovation_score": 70}),
            Condition("major_incident_last_year == False", "第十一条（八）：申请前一年内未发生重大安全、重大质量事故或严重环境违法行为",
                      {"major_incident_last_year": False}, {"major_incident_last_year": True}),
        ]),
    PolicyConditions(
        "P3", "财政部 税务总局公告2023年第43号；工信厅联财函〔2024〕248号",
        dict(qualifications=HNTE, taxpayer_type="一般纳税人", manufacturing_sales_share=0.9, input_vat=100),
        [
            Condition("has('高新技术企业')", "43号公告：先进制造业企业是指高新技术企业（含所属的非法人分支机构）",
                      {"qualifications": HNTE}, {"qualifications": []}, unknown=False),
            Condition("taxpayer_type == '一般纳税人'", "43号公告：中的制造业一般纳税人",
                      {"taxpayer_type": "一般纳税人"}, {"taxpayer_type": "小规模纳税人"}),
            Condition("manufacturing_sales_share > 0.50", "248号函：制造业销售额占比超过50%（不含）",
                      {"manufacturing_sales_share": 0.5001}, {"manufacturing_sales_share": 0.50}),
        ],
        [("名单由省级工信部门会同科技、财政、税务部门确定", "平台按名单条件测算；是否在名单内以工信部门公布为准")]),
    PolicyConditions(
        "P4", "财政部 税务总局公告2022年第14号第三条、第二条",
        dict(tax_credit_rating="B", vat_fraud_36m=False, tax_evasion_penalties_36m=0, instant_refund_since_2019=False,
             enterprise_size="小型", industry_section="F", retained_vat_now=200, retained_vat_2019=80, input_ratio=0.90),
        [
            Condition("tax_credit_rating in ['A', 'B']", "第三条（一）：纳税缴费信用等级为A级或者B级（M级不符合）",
                      {"tax_credit_rating": "B"}, {"tax_credit_rating": "M"}),
            Condition("vat_fraud_36m == False", "第三条（二）：申请退税前36个月未发生骗取留抵退税、骗取出口退税或虚开增值税专用发票情形",
                      {"vat_fraud_36m": False}, {"vat_fraud_36m": True}),
            Condition("tax_evasion_penalties_36m < 2", "第三条（三）：申请退税前36个月未因偷税被税务机关处罚两次及以上",
                      {"tax_evasion_penalties_36m": 1}, {"tax_evasion_penalties_36m": 2}),
            Condition("instant_refund_since_2019 == False", "第三条（四）：2019年4月1日起未享受即征即退、先征后返（退）政策",
                      {"instant_refund_since_2019": False}, {"instant_refund_since_2019": True}),
            Condition("enterprise_size in ['小型', '微型']", "第一条、第二条：小微企业（含个体工商户）",
                      {"enterprise_size": "微型"}, {"enterprise_size": "中型"}),
            Condition("industry_section in ['C', 'M', 'D', 'I', 'N', 'G']",
                      "第二条：制造业、科学研究和技术服务业、电力热力燃气及水生产和供应业、软件和信息技术服务业、生态保护和环境治理业、交通运输仓储和邮政业",
                      {"industry_section": "G"}, {"industry_section": "F"}, base={"enterprise_size": "中型"}),
        ],
        [("上述行业的增值税销售额占全部增值税销售额比重超过50%", "按企业档案的行业门类判断；销售额占比由税务机关审核"),
         ("软件和信息技术服务业、生态保护和环境治理业为门类I、N中的大类", "按门类I、N整体匹配，税务审核时按大类确定"),
         ("不符合上述条件的一般纳税人：连续六个月增量留抵大于零且第六个月不低于50万元，按60%退还（2019年第39号公告）",
          "此类退税未纳入本政策，另行办理")]),
    PolicyConditions(
        "P5", "财政部 税务总局公告2023年第12号；国家税务总局公告2023年第6号",
        dict(restricted_industry=False, taxable_income=300, avg_staff=300, avg_assets=5000),
        [
            Condition("restricted_industry == False", "小型微利企业：从事国家非限制和禁止行业（按园区维护的限制和禁止行业清单比对企业档案的行业代码）",
                      {"restricted_industry": False}, {"restricted_industry": True}),
            Condition("taxable_income <= 300", "年度应纳税所得额不超过300万元",
                      {"taxable_income": 300}, {"taxable_income": 301}),
            Condition("avg_staff <= 300", "从业人数不超过300人（全年季度平均值；季度平均值 =（季初值 + 季末值）÷ 2）",
                      {"avg_staff": 300}, {"avg_staff": 300.25}),
            Condition("avg_assets <= 5000", "资产总额不超过5000万元（全年季度平均值）",
                      {"avg_assets": 5000}, {"avg_assets": 5000.01}),
        ],
        [("从业人数包括与企业建立劳动关系的职工和接受的劳务派遣用工人数", "由企业按此口径填报季度从业人数")]),
    PolicyConditions(
        "P6", "《科技型中小企业评价办法》（国科发政〔2017〕115号）第六条、第七条",
        dict(resident=True, employees=500, revenue=20000, assets=20000, restricted_industry=False,
             major_incident_last_year=False, seriously_dishonest=False, tsme_score=60, st_staff=50),
        [
            Condition("resident == True", "第六条（一）：在中国境内（不包括港、澳、台地区）注册的居民企业",
                      {"resident": True}, {"resident": False}),
            Condition("employees <= 500", "第六条（二）：职工总数不超过500人", {"employees": 500, "st_staff": 50},
                      {"employees": 501, "st_staff": 51}),
            Condition("revenue <= 20000", "第六条（二）：年销售收入不超过2亿元", {"revenue": 20000}, {"revenue": 20001}),
            Condition("assets <= 20000", "第六条（二）：资产总额不超过2亿元", {"assets": 20000}, {"assets": 20001}),
            Condition("restricted_industry == False", "第六条（三）：企业提供的产品和服务不属于国家规定的禁止、限制和淘汰类",
                      {"restricted_industry": False}, {"restricted_industry": True}),
            Condition("major_incident_last_year == False", "第六条（四）：上一年及当年内未发生重大安全、重大质量事故和严重环境违法、科研严重失信行为",
                      {"major_incident_last_year": False}, {"major_incident_last_year": True}),
            Condition("seriously_dishonest == False", "第六条（五）：未列入经营异常名录和严重违法失信企业名单",
                      {"seriously_dishonest": False}, {"seriously_dishonest": True}),
            Condition("has('高新技术企业')", "第七条：拥有有效期内高新技术企业资格证书的，可直接确认符合",
                      {"qualifications": HNTE}, {"qualifications": []}, base={"tsme_score": 59}, unknown=False),
            Condition("tsme_score >= 60", "第六条（六）：综合评价得分不低于60分", {"tsme_score": 60}, {"tsme_score": 59}),
            Condition("st_staff_ratio >= 0.10", "第六条（六）：且科技人员指标得分不得为0分（科技人员占比低于10%得0分）",
                      {"st_staff": 50, "employees": 500}, {"st_staff": 49, "employees": 500}),
        ],
        [("直接确认的其他情形：近五年获国家级科技奖励并列前三名、拥有经认定的省部级以上研发机构、近五年主导制定国际标准、国家标准或行业标准",
          "由科技部门审核时确认；企业档案暂无这些字段")]),
    PolicyConditions(
        "P7", "工信部企业〔2022〕63号《优质中小企业梯度培育管理暂行办法》附件1",
        dict(ism_score=85, ism_innovation=30, ism_growth=25, ism_specialisation=30, equity_financing_2y=0),
        [
            Condition("ism_score >= 60", "评价得分达到60分以上", {"ism_score": 60}, {"ism_score": 59}),
            Condition("ism_innovation >= 20", "其中创新能力得分不低于20分", {"ism_innovation": 20}, {"ism_innovation": 19}),
            Condition("ism_growth >= 15", "成长性得分不低于15分", {"ism_growth": 15}, {"ism_growth": 14}),
            Condition("ism_specialisation >= 15", "专业化得分不低于15分", {"ism_specialisation": 15},
                      {"ism_specialisation": 14}),
            Condition("has('高新技术企业')", "直通条件：拥有有效期内的高新技术企业资格",
                      {"qualifications": HNTE}, {"qualifications": []}, base={"ism_score": 59}, unknown=False),
            Condition("equity_financing_2y >= 500", "直通条件：近三年新增股权融资总额（合格机构投资者的实缴额）500万元以上",
                      {"equity_financing_2y": 500}, {"equity_financing_2y": 499}, base={"ism_score": 59}),
        ],
        [("直通条件：近三年获得过国家级、省级科技奖励；拥有国家级技术创新示范企业、知识产权优势企业和示范企业等荣誉；拥有经认定的省部级以上研发机构",
          "由工信部门审核时确认；企业档案暂无这些字段"),
         ("股权融资按近三年计", "企业画像的股权融资字段为近两年合计（同一字段也用于专精特新），按该值判断，少算不多算")]),
    PolicyConditions(
        "P8", "工信部企业〔2022〕63号附件2（专精特新中小企业认定标准）",
        dict(qualifications=["创新型中小企业"], niche_years=2, rd_expense=100, rd_expense_prev=90, revenue=3000,
             srdi_score=65, equity_financing_2y=0, creative_china_top500=False),
        [
            Condition("has('创新型中小企业')", "申报前提：有效期内的创新型中小企业",
                      {"qualifications": ["创新型中小企业"]}, {"qualifications": []}, unknown=False),
            Condition("niche_years >= 2", "（一）从事特定细分市场时间达到2年以上", {"niche_years": 2}, {"niche_years": 1.9}),
            Condition("rd_expense >= 100", "（二）上年度研发费用总额不低于100万元", {"rd_expense": 100, "revenue": 3000},
                      {"rd_expense": 99, "revenue": 3000}),
            Condition("rd_ratio >= 0.03", "（二）且占营业收入总额比重不低于3%", {"rd_expense": 150, "revenue": 5000},
                      {"rd_expense": 150, "revenue": 5001}),
            Condition("revenue >= 1000", "（三）上年度营业收入总额在1000万元以上",
                      {"revenue": 1000, "rd_expense": 100}, {"revenue": 999, "rd_expense": 100}),
            Condition("equity_financing_2y >= 2000", "（三）或营业收入总额低于1000万元、但近2年新增股权融资总额2000万元以上",
                      {"equity_financing_2y": 2000}, {"equity_financing_2y": 1999}, base={"revenue": 999, "rd_expense": 100}),
            Condition("srdi_score >= 60", "（四）评价得分达到60分以上", {"srdi_score": 60}, {"srdi_score": 59}),
            Condition("creative_china_top500 == True", "（四）或近三年进入“创客中国”中小企业创新创业大赛全国500强企业组名单",
                      {"creative_china_top500": True}, {"creative_china_top500": False}, base={"srdi_score": 59}),
            Condition("(rd_expense + rd_expense_prev) / 2 >= 1000", "（四）或近两年研发费用总额均值在1000万元以上",
                      {"rd_expense": 1000, "rd_expense_prev": 1000, "revenue": 20000},
                      {"rd_expense": 1000, "rd_expense_prev": 999, "revenue": 20000}, base={"srdi_score": 59}),
            Condition("equity_financing_2y >= 6000", "（四）或近两年新增股权融资总额6000万元以上",
                      {"equity_financing_2y": 6000}, {"equity_financing_2y": 5999}, base={"srdi_score": 59}),
        ],
        [("（四）或近三年获得过省级科技奖励并在获奖单位中排名前三名，或获得国家级科技奖励并在获奖单位中排名前五名",
          "由工信部门审核时确认；企业档案暂无该字段")]),
    PolicyConditions(
        "P9", "工信部企业〔2022〕63号附件3（专精特新“小巨人”企业认定标准）",
        dict(qualifications=["专精特新中小企业"], niche_years=3, main_business_revenue=9000, revenue=12000,
             liabilities=50, assets=100, rd_expense=400, rd_expense_prev=400, revenue_prev=12000, equity_financing_2y=0),
        [
            Condition("has('专精特新中小企业')", "申报前提：有效期内的省级专精特新中小企业",
                      {"qualifications": ["专精特新中小企业"]}, {"qualifications": []}, unknown=False),
            Condition("niche_years >= 3", "专业化：截至上年末从事特定细分市场时间达到3年以上", {"niche_years": 3},
                      {"niche_years": 2.9}),
            Condition("main_business_share >= 0.70", "专业化：主营业务收入总额占营业收入总额比重不低于70%",
                      {"main_business_revenue": 8400}, {"main_business_revenue": 8399}),
            Condition("debt_ratio <= 0.70", "精细化：上年末资产负债率不高于70%", {"liabilities": 70}, {"liabilities": 70.5}),
            Condition("revenue >= 10000", "创新能力：营业收入总额1亿元以上的企业，近2年研发费用占营业收入比重均不低于3%",
                      {"revenue": 10000, "main_business_revenue": 7000, "rd_expense": 300, "revenue_prev": 10000,
                       "rd_expense_prev": 300},
                      {"revenue": 9999, "main_business_revenue": 7000, "rd_expense": 300, "revenue_prev": 10000,
                       "rd_expense_prev": 300}),
            Condition("rd_ratio >= 0.03", "同上：上年研发费用占比不低于3%", {"rd_expense": 360}, {"rd_expense": 359}),
            Condition("rd_ratio_prev >= 0.03", "同上：前年研发费用占比也不低于3%（“均不低于”）",
                      {"rd_expense_prev": 360}, {"rd_expense_prev": 359}),
            Condition("revenue >= 5000", "创新能力：营业收入总额5000万元至1亿元的企业，近2年研发费用占比均不低于6%",
                      {"revenue": 5000, "main_business_revenue": 3500, "rd_expense": 300},
                      {"revenue": 4999, "main_business_revenue": 3500, "rd_expense": 300},
                      base={"revenue_prev": 5000, "rd_expense_prev": 300}),
            Condition("revenue < 10000", "同上：营业收入低于1亿元", {"revenue": 9999, "rd_expense": 600},
                      {"revenue": 10000, "rd_expense": 299},
                      base={"main_business_revenue": 7000, "revenue_prev": 9999, "rd_expense_prev": 600}),
            Condition("rd_ratio >= 0.06", "同上：上年研发费用占比不低于6%", {"rd_expense": 480}, {"rd_expense": 479},
                      base={"revenue": 8000, "main_business_revenue": 6000, "revenue_prev": 8000, "rd_expense_prev": 488}),
            Condition("rd_ratio_prev >= 0.06", "同上：前年研发费用占比也不低于6%", {"rd_expense_prev": 480},
                      {"rd_expense_prev": 479},
                      base={"revenue": 8000, "main_business_revenue": 6000, "revenue_prev": 8000, "rd_expense": 520}),
            Condition("revenue < 5000", "创新能力：营业收入低于5000万元的企业，近2年新增股权融资8000万元以上，且研发费用总额3000万元以上、研发人员占比50%以上",
                      {"revenue": 4999}, {"revenue": 5000},
                      base={"main_business_revenue": 3500, "equity_financing_2y": 9000, "rd_expense_3y": 3200,
                            "rd_staff_share": 0.52, "rd_expense": 100, "rd_expense_prev": 100}),
            Condition("equity_financing_2y >= 8000", "同上：近2年新增股权融资总额8000万元以上",
                      {"equity_financing_2y": 8000}, {"equity_financing_2y": 7999},
                      base={"revenue": 4000, "main_business_revenue": 3000, "rd_expense_3y": 3200, "rd_staff_share": 0.52}),
            Condition("rd_expense_3y >= 3000", "同上：研发费用总额3000万元以上", {"rd_expense_3y": 3000},
                      {"rd_expense_3y": 2999},
                      base={"revenue": 4000, "main_business_revenue": 3000, "equity_financing_2y": 9000, "rd_staff_share": 0.52}),
            Condition("rd_staff_share >= 0.50", "同上：研发人员占企业职工总数比重50%以上", {"rd_staff_share": 0.50},
                      {"rd_staff_share": 0.499},
                      base={"revenue": 4000, "main_business_revenue": 3000, "equity_financing_2y": 9000, "rd_expense_3y": 3200}),
        ],
        [("专业化：近2年主营业务收入平均增长率不低于5%", "企业画像暂无前年主营业务收入，由工信部门推荐时核查"),
         ("精细化：至少1项核心业务采用信息系统支撑；取得管理体系认证或产品认证", "由工信部门推荐时核查"),
         ("特色化：主导产品在全国细分市场占有率达到10%以上，且享有较高知名度和影响力；拥有直接面向市场并具有竞争优势的自主品牌",
          "由工信部门推荐时核查"),
         ("创新能力：拥有2项以上与主导产品相关的Ⅰ类知识产权，且实际应用并已产生经济效益；设立市级以上研发机构", "由工信部门推荐时核查"),
         ("创新能力直通：近三年获国家级科技奖励并排名前三，或进入“创客中国”全国50强企业组", "由工信部门推荐时核查"),
         ("产业链配套、主导产品所属领域", "由工信部门推荐时核查")]),
    PolicyConditions(
        "P10", "人社部发〔2024〕40号（湖南实施）",
        dict(ui_months=12, seriously_dishonest=False, insured_count=100, layoff_rate=0.01, ui_paid=20,
             enterprise_size="中型"),
        [
            Condition("ui_months >= 12", "参加失业保险并足额缴费12个月以上", {"ui_months": 12}, {"ui_months": 11}),
            Condition("seriously_dishonest == False", "非严重失信主体", {"seriously_dishonest": False},
                      {"seriously_dishonest": True}),
            Condition("layoff_rate <= (0.20 if insured_count <= 30 else 0.055)",
                      "上年度裁员率不高于城镇调查失业率控制目标（5.5%），参保职工30人（含）以下的不高于参保职工总数20%",
                      {"layoff_rate": 0.055}, {"layoff_rate": 0.056}),
        ],
        [("非“僵尸企业”", "由人社部门审核时确认；企业档案暂无该字段")]),
    PolicyConditions(
        "P11", "人社部发〔2023〕25号",
        dict(eligible_new_hires=3),
        [Condition("eligible_new_hires >= 1",
                   "招用毕业年度或离校2年内未就业高校毕业生、16—24岁登记失业青年，签订劳动合同并按规定为其缴纳3个月以上失业、工伤、职工养老保险费",
                   {"eligible_new_hires": 1}, {"eligible_new_hires": 0})],
        [("每人只能享受一次；不与一次性吸纳就业补贴重复享受", "按人员在人社系统中核验，“符合条件的新招用高校毕业生人数”只计未享受过的人员"),
         ("按人缴费满3个月", "同上，只计满足缴费条件的人员")]),
    PolicyConditions(
        "P12", "财社〔2017〕164号（湖南实施）",
        dict(skill_cert_level="中级", skill_cert_repeat=False),
        [
            Condition("skill_cert_level in ['初级', '中级', '高级']", "取得初级（五级）、中级（四级）、高级（三级）职业资格证书或职业技能等级证书",
                      {"skill_cert_level": "初级"}, None),
            Condition("skill_cert_repeat == False", "同一职业同一等级只能申请并享受一次补贴",
                      {"skill_cert_repeat": False}, {"skill_cert_repeat": True}),
        ],
        [("广东等地要求取证后12个月内申请", "湘潭实施办法未作此规定")]),
    PolicyConditions(
        "P13", "湘潭高新区高端人才个人所得税奖补办法（参照财税〔2019〕31号）",
        dict(iit_paid=60, personal_taxable_income=200),
        [Condition("iit_paid > personal_taxable_income * 0.15", "按已缴个人所得税超过应纳税所得额15%的部分给予补贴（为0时不享受）",
                   {"iit_paid": 30.01}, {"iit_paid": 30})],
        [("境外高端人才和紧缺人才的认定", "按人才库的有效认定，由人才待遇事项的层次表确定")]),
    PolicyConditions(
        "G1", "湘潭高新区绿色金融支持办法",
        dict(qualifications=["绿色工厂"], green_loan_need=1000),
        [
            Condition("has('绿色工厂')", "获评国家、省、市级绿色工厂的企业", {"qualifications": ["绿色工厂"]},
                      {"qualifications": []}, unknown=False),
            Condition("green_loan_need > 0", "有新增绿色贷款", {"green_loan_need": 0.01}, {"green_loan_need": 0}),
        ]),
]

BY_CODE = {p.code: p for p in CONDITIONS}

# Who supplies a fact (fields.Field.supplier: a department's org-unit code) in the document's words.
SUPPLIERS = {"tax": "税务部门", "hrss": "人社部门", "emergency": "应急管理部门", "development": "发改部门"}


def _field_words(code: str, registry: dict) -> str:
    f = registry[code]
    if f.source == "registry":
        who = "企业档案"
    elif f.source == "derived":
        who = "由画像数据计算"
    else:
        who = SUPPLIERS.get(f.supplier, "企业填报") if f.supplier else "企业填报"
    return f"{f.label}（`{code}`，{who}）"


def _values(values: dict | None, registry: dict) -> str:
    import re

    if values is None:
        return "—（只有所列取值）"
    words = []
    for k, v in values.items():
        if k == "qualifications":
            words.append("具有" + "、".join(v) if v else "无该资质")
        else:
            label = re.sub(r"（[^）]*）$", "", registry[k].label)
            words.append(f"{label} {'是' if v is True else '否' if v is False else v}{registry[k].unit}")
    return "；".join(words)


def render_markdown() -> str:
    """docs/policies.md: per shipped policy, each condition of its rule with its clause, field and supplier and
    boundary test, then what the document states that the rule does not check and why."""
    from .policy_data import POLICIES, fields_of
    from .rules import compile_rule

    lines = ["# 惠企政策条件对照表（Policy conditions traced to their clauses）", "",
             "由 `src/gaoxin/benefits/policy_conditions.py` 生成（`python -m gaoxin.benefits.policy_conditions > "
             "docs/policies.md`），测试保证本表、演示政策的规则和每个条件的边界测试一致。每个条件都有三项测试："
             "边界值符合、刚越过边界不符合、数据缺失时为“可能符合，待完善”（资质类条件以企业档案为准，无“缺失”）。"
             "“符合”“不符合”指整条政策的这一项条件，规则中以“非”否定的条件（如负面清单行业）也按此理解。", ""]
    for code, title, document, *_rest in POLICIES:
        entry, registry = BY_CODE[code], fields_of(code)
        compiled = compile_rule(dict((p[0], p[7]) for p in POLICIES)[code], fields=registry)
        leaves = {leaf.text: leaf for leaf in compiled.leaves}
        lines += [f"## {code} {title}", "", f"文件：{document}。依据：{entry.source}。", "",
                  "| 条件（规则原文） | 条件 | 依据条款 | 字段（提供方） | 符合（边界） | 不符合（越过边界） | 数据缺失 |",
                  "|---|---|---|---|---|---|---|"]
        for c in entry.conditions:
            leaf = leaves[c.leaf]
            fields = "；".join(_field_words(f, registry) for f in leaf.fields) or "企业档案的资质"
            lines.append(f"| `{c.leaf}` | {leaf.label} | {c.clause} | {fields} | {_values(c.passes, registry)} | "
                         f"{_values(c.fails, registry)} | {'待完善' if c.unknown else '—'} |")
        if entry.not_in_rule:
            lines += ["", "文件规定但规则未纳入的条件：", ""]
            lines += [f"- {what}：{why}。" for what, why in entry.not_in_rule]
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    print(render_markdown(), end="")

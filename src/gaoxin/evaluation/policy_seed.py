"""The default rows of the differentiated-policy table: the provincial D-tier electricity
surcharge (specs/evaluation.md §13, [SD-PRICE]). Takes the model so a migration can pass its
historical one; a zone edits or extends the rows in the admin."""

from decimal import Decimal

BASIS = "山东省差别化电价政策（亩产效益评价D类企业加价）"
ROWS = [("1", "0.05", "第1年列为D类"), ("2", "0.10", "连续2年列为D类"), (">=3", "0.15", "连续3年及以上列为D类")]


def seed_default_policies(TierPolicy) -> None:
    for years, value, text in ROWS:
        TierPolicy.objects.get_or_create(
            tier="D", lever="electricity_surcharge", consecutive_years=years,
            defaults={"value": Decimal(value), "unit": "元/千瓦时", "stacking": "max_of_existing",
                      "description": f"{text}，用电每千瓦时加价{value}元；与差别电价、惩罚性电价按最高标准执行，不重复加价",
                      "basis_document": BASIS})

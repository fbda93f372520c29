"""The default talent tier table (杭州 A–E, benefits.md §6.2) and titles; takes the models so a migration can pass its
historical ones; a zone renames, adds or retires rows in the admin."""

TIERS = [
    ("A", "国内外顶尖人才", 1, "诺贝尔奖获得者、两院院士等国内外顶尖人才"),
    ("B", "国家级领军人才", 2, "国家级人才计划入选者、国家级重大奖项获得者等"),
    ("C", "省级领军人才", 3, "省级人才计划入选者、省级重大奖项获得者等"),
    ("D", "市级领军人才", 4, "市级人才计划入选者、市级奖项获得者等"),
    ("E", "高级人才", 5, "具有高级职称、高级技师或硕士及以上学历的骨干人才等"),
]
TITLES = [("车城人才", "高新区管委会", 3), ("领军人才", "高新区管委会", 5)]


def seed_default_tiers(TalentTier, TalentTitle) -> None:
    for code, name, rank, description in TIERS:
        TalentTier.objects.get_or_create(code=code, defaults={"name": name, "rank": rank, "description": description})
    for name, issuer, years in TITLES:
        TalentTitle.objects.get_or_create(name=name, defaults={"issuer": issuer, "validity_years": years})

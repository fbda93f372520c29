"""The demo zone's green and smart labels, matching the source zone's counts (昆山高新区, benefits.md §7.1–7.2): 3
national and 8 provincial green factories, a near-zero-carbon factory (also the zone's green-design demonstration
firm), 1 provincial smart-manufacturing demonstration factory, 16 provincial and 37 municipal demonstration smart
workshops. The `enterprise` account's firm holds a provincial green factory; a firm with an environmental penalty in
the evaluation holds a label, which the flag from the evaluation puts under review."""

from __future__ import annotations

import datetime as dt

from .models import GreenLabel, LabelKind, LabelStatus
from .services import label_create, labels_flag_from_evaluation

PLAN = [  # (kind, level, title, how many)
    (LabelKind.GREEN_FACTORY, "national", "", 3),
    (LabelKind.GREEN_FACTORY, "provincial", "", 7),  # the 8th is the enterprise account's firm
    (LabelKind.NEAR_ZERO_CARBON, "municipal", "近零碳工厂", 1),
    (LabelKind.SMART_FACTORY, "provincial", "省级智能制造示范工厂", 1),
    (LabelKind.SMART_WORKSHOP, "provincial", "省级示范智能车间", 16),
    (LabelKind.SMART_WORKSHOP, "municipal", "市级示范智能车间", 37),
]


def build_demo_green(*, office, enterprises, enterprise_firm, today: dt.date) -> dict:
    if GreenLabel.objects.exists():
        return {"labels": GreenLabel.objects.count()}
    from gaoxin.evaluation.models import CycleAdjustment

    penalised = list(CycleAdjustment.objects.filter(rule_id="ENV_PENALTY").order_by("cycle__data_year", "pk")
                     .values_list("participant__enterprise_id", "cycle__data_year"))
    firms = [e for e in enterprises if e.pk != enterprise_firm.pk]
    by_id = {e.pk: e for e in firms}
    label_create(actor=office, enterprise=enterprise_firm, kind=LabelKind.GREEN_FACTORY, level="provincial",
                 year=today.year - 2, valid_to=dt.date(today.year + 3, 12, 31), document="省工信厅绿色工厂名单")
    # A firm the evaluation penalised holds one of the municipal smart workshops, recognised before the penalty.
    special = next(((by_id[f], y) for f, y in penalised if f in by_id), None)
    n = 0
    for kind, level, title, count in PLAN:
        for _ in range(count):
            firm = firms[(n * 7) % len(firms)]
            year = today.year - 1 - n % 5
            if special and kind == LabelKind.SMART_WORKSHOP and level == "municipal":
                (firm, year), special = special, None
            valid_to = None if level == "national" else dt.date(year + 5, 12, 31)
            label_create(actor=office, enterprise=firm, kind=kind, level=level, year=year, valid_to=valid_to,
                         title=title, document=f"{year}年度{'国家级' if level == 'national' else ''}名单")
            n += 1
    # The near-zero-carbon factory's firm is also the zone's first green-design demonstration firm.
    first = GreenLabel.objects.filter(kind=LabelKind.NEAR_ZERO_CARBON).first()
    label_create(actor=office, enterprise=first.enterprise, kind=LabelKind.GREEN_DESIGN_PRODUCT, level="national",
                 year=first.year, title="绿色设计产品（曳引电梯）", document="工业产品绿色设计示范企业名单")
    flagged = labels_flag_from_evaluation()
    return {"labels": GreenLabel.objects.count(),
            "review": GreenLabel.objects.filter(status=LabelStatus.REVIEW).count(), "flagged": flagged}

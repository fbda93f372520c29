"""The demo zone's green and smart labels, matching the source zone's counts (昆山高新区, benefits.md §7.1–7.2): 3
national and 8 provincial green factories, a near-zero-carbon factory (also the zone's green-design demonstration
firm), 1 provincial smart-manufacturing demonstration factory, 16 provincial and 37 municipal demonstration smart
workshops. The `enterprise` account's firm holds a provincial green factory; a firm with an environmental penalty in
the evaluation holds a label, which the flag from the evaluation puts under review."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from .models import GreenLabel, LabelKind, LabelStatus
from .services import label_create, labels_flag_from_evaluation

PLAN = [  # (kind, level, title, how many)
    (LabelKind.GREEN_FACTORY, "national", "", 3),
    (LabelKind.GREEN_FACTORY, "provincial", "", 7),  # the 8th is the enterprise account's firm
    (LabelKind.NEAR_ZERO_CARBON, "municipal", "近零碳工厂", 1),
    (LabelKind.SMART_FACTORY, "provincial", "省级智能制造示范工厂", 1),
    (LabelKind.SMART_WORKSHOP, "provincial", "示范智能车间", 16),
    (LabelKind.SMART_WORKSHOP, "municipal", "示范智能车间", 37),
]


def build_demo_green(*, office, enterprises, enterprise_firm, today: dt.date, enterprise_user=None) -> dict:
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
    from .services_scorecard import scorecard_start

    scorecard_start(actor=office, background=False)  # the bureau's first green scorecard run
    if enterprise_user is not None:
        _demo_objection(enterprise_user, enterprise_firm)
    return {"labels": GreenLabel.objects.count(),
            "review": GreenLabel.objects.filter(status=LabelStatus.REVIEW).count(), "flagged": flagged}


def _demo_objection(user, firm) -> None:
    """The `enterprise` account's firm objects to its green grade (its green-design product is not counted), waiting
    for the economic bureau."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .models import ScorecardResult
    from .services_scorecard import score_objection_file

    result = ScorecardResult.objects.filter(enterprise=firm).order_by("-run__number").first()
    if result is None:
        return
    score_objection_file(actor=user, result=result, indicator="G7",
                         reason="本企业的节能型变频控制柜已列入工业和信息化部绿色设计产品名单，评价中未计入",
                         evidence=SimpleUploadedFile("绿色设计产品名单.pdf", b"%PDF-1.4\n% demo\n", "application/pdf"))


# --- finance board ------------------------------------------------------------------------------------------------

# (firm index in others, amount 元, months, purpose, tags, scope, banks ("all" or bank indexes), days ago,
#  [(bank index, steps)]) — steps: ("CONTACT", note) / ("GRANT", amount, rate) / ("DISBURSE", amount, days ago,
#  months) / ("REFUSE", reason) / ("DEFAULT", note)
NEEDS = [
    (0, 5_000_000, 36, "高效电机与余热回收节能改造", ["energy_saving"], "grades", "all", 40,
     [(0, [("GRANT", 5_000_000, "3.30"), ("DISBURSE", 5_000_000, 25, 36)]), (1, [("REFUSE", "已由他行足额授信")])]),
    (1, 2_000_000, 24, "屋顶分布式光伏（2 兆瓦）", ["clean_energy", "carbon_tech"], "grades", [1], 30,
     [(1, [("CONTACT", "已上门了解项目"), ("GRANT", 1_800_000, "3.45"), ("DISBURSE", 1_800_000, 12, 24)])]),
    # a one-year loan made over a year ago, due a fortnight ago and not repaid
    (2, 1_000_000, 12, "原材料采购流动资金", [], "profile", "all", 400,
     [(0, [("GRANT", 1_000_000, "3.85"), ("DISBURSE", 1_000_000, 380, 12), ("DEFAULT", "贷款到期未还本付息")]),
      (1, [("REFUSE", "企业近两年营业收入下滑，需追加抵押")])]),
    (3, 3_000_000, 36, "涂装线 VOCs 治理与清洁生产改造", ["clean_production"], "need", "all", 8,
     [(0, [("CONTACT", "已电话联系，约定下周走访")])]),
    (4, 800_000, 12, "购置检测设备", [], "need", [0], 15, []),  # overdue: no answer past the deadline
]


def build_demo_finance(*, enterprise_user, firms, others, bankers, finance, today: dt.date) -> dict:
    """Two partner banks' answers to the zone's needs: a green loan disbursed to the `enterprise` account's firm (the
    other bank refused), a need shared with one bank only and still open, disbursed, refused, defaulted, contacted and
    an overdue unanswered need (the risk pool and the interest subsidy are added with the pool)."""
    from gaoxin.accounts.models import OrgKind, OrgUnit

    from .models import BankResponse, FinanceNeed
    from .services import need_post, response_transition

    if FinanceNeed.objects.exists():
        return {"needs": FinanceNeed.objects.count()}
    banks = [b.org_unit for b in bankers]
    assert all(b.kind == OrgKind.BANK for b in banks) and OrgUnit.objects.filter(kind=OrgKind.BANK).count() >= 2
    own = need_post(actor=enterprise_user, enterprise=firms[0], amount=3_000_000, term_months=36,
                    purpose="余热回收与屋顶光伏改造", green_tags=["energy_saving", "clean_energy"], share_scope="grades",
                    all_banks=True, contact_name=enterprise_user.full_name, contact_phone=enterprise_user.phone,
                    today=today - dt.timedelta(days=20))
    plans = [(own, [(0, [("GRANT", 3_000_000, "3.45"), ("DISBURSE", 3_000_000, 10, 36)]),
                    (1, [("REFUSE", "项目投资回收期超过本行绿色信贷产品要求")])])]
    need_post(actor=enterprise_user, enterprise=firms[1], amount=500_000, term_months=12, purpose="流动资金周转",
              share_scope="need", all_banks=False, banks=[banks[1]], contact_name=enterprise_user.full_name,
              contact_phone=enterprise_user.phone, today=today)
    for i, amount, months, purpose, tags, scope, chosen, ago, steps in NEEDS:
        firm = others[i % len(others)]
        need = need_post(actor=None, enterprise=firm, amount=amount, term_months=months, purpose=purpose,
                         green_tags=tags, share_scope=scope, all_banks=chosen == "all",
                         banks=[] if chosen == "all" else [banks[j] for j in chosen], contact_name=firm.legal_representative,
                         contact_phone="0731-5858" + f"{2000 + i}", today=today - dt.timedelta(days=ago))
        plans.append((need, steps))
    for need, steps in plans:
        for bank_index, bank_steps in steps:
            response = BankResponse.objects.get(need=need, bank=banks[bank_index])
            actor = bankers[bank_index]
            for step in bank_steps:
                name = step[0]
                if name in ("CONTACT", "REFUSE", "DEFAULT"):
                    response = response_transition(response=response, name=name, actor=actor, reason=step[1])
                elif name == "GRANT":
                    response = response_transition(response=response, name=name, actor=actor,
                                                   credit_amount=step[1], rate=step[2])
                else:
                    response = response_transition(response=response, name=name, actor=actor,
                                                   disbursed_amount=step[1],
                                                   disbursed_on=min(today, timezone.localdate()) - dt.timedelta(days=step[2]),
                                                   loan_term_months=step[3])
    # The pool (福州 高新贷 style: 3,000万 funded 1:1:1 by province, city and zone); the interest subsidy on the
    # `enterprise` account's loan and on one other loan paid, the defaulted loan compensated.
    from .models import LENT, PoolMovement
    from .services import pool_contribute, subsidy_pay

    if not PoolMovement.objects.exists():
        start = min(today, timezone.localdate()) - dt.timedelta(days=60)
        for source in ("province", "city", "zone"):
            pool_contribute(actor=finance, source=source, amount=10_000_000, occurred_on=start,
                            note=f"高新贷风险补偿资金（{start.year}年度）")
        subsidy_pay(loan=BankResponse.objects.get(need=own, status__in=LENT), actor=finance)
        other = BankResponse.objects.filter(status="disbursed").exclude(need=own).order_by("pk").first()
        subsidy_pay(loan=other, actor=finance)
        for loan in BankResponse.objects.filter(status="defaulted"):
            response_transition(response=loan, name="COMPENSATE", actor=finance,
                                 amount=loan.disbursed_amount * _compensation_share(), reason="银行申请风险补偿，已核实")
        # Next year's terms, already set: the rate counted is capped lower and the subsidy runs longer.
        from .services import subsidy_terms_set

        subsidy_terms_set(actor=finance, effective_from=dt.date(max(today, timezone.localdate()).year + 1, 1, 1),
                          share="0.5", rate_ceiling="2.80", months=24, cap="300000",
                          note="湘潭高新区绿色信贷贴息实施细则（修订）")
    return {"needs": FinanceNeed.objects.count(), "responses": BankResponse.objects.count(),
            "movements": PoolMovement.objects.count()}


def _compensation_share():
    from decimal import Decimal

    from django.conf import settings

    return Decimal(str(settings.GAOXIN_GREEN_COMPENSATION_SHARE))

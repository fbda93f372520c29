"""Writes of the green room: each a keyword-only service in one transaction with one audit event; a label's flag,
keep and revoke go through the kernel (workflow.py). `labels_flag_from_evaluation` turns the evaluation's safety
accidents and environmental penalties into review flags (after an adjustment is saved and from the daily sweep);
`declarations_remind` sends the yearly self-declaration reminders on the working-day calendar."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from gaoxin.core.notify import notify
from gaoxin.core.services import audit_record
from gaoxin.enterprises.models import Enterprise

from . import permissions as perms
from .models import KIND_LEVELS, GreenLabel, LabelEvent, LabelKind, LabelLevel, LabelStatus
from .workflow import LABEL_WORKFLOW


def label_create(*, actor, enterprise: Enterprise, kind: str, level: str, year: int, title: str = "",
                 valid_to: dt.date | None = None, document: str = "") -> GreenLabel:
    if actor is not None and not perms.can_manage_labels(actor):
        raise PermissionDenied("只有经济发展局和管委会管理员可以登记绿色与智能制造称号")
    errors = {}
    if kind not in LabelKind.values:
        errors["kind"] = "请选择称号类别"
    elif level not in KIND_LEVELS[kind]:
        allowed = "、".join(LabelLevel(v).label for v in KIND_LEVELS[kind])
        errors["level"] = f"{LabelKind(kind).label}的级别应为：{allowed}"
    this_year = timezone.localdate().year
    if not (2000 <= int(year) <= this_year):
        errors["year"] = f"认定年度应在 2000 至 {this_year} 之间"
    elif valid_to is not None and valid_to.year < int(year):
        errors["valid_to"] = "有效期不能早于认定年度"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        label = GreenLabel.objects.create(enterprise=enterprise, kind=kind, level=level, year=year,
                                          title=title.strip(), valid_to=valid_to, document=document.strip(),
                                          created_by=actor)
        audit_record(event_type="green.label.create", actor=actor, subject=label,
                     after={"enterprise": enterprise.name, "label": str(label), "year": year,
                            "valid_to": valid_to.isoformat() if valid_to else ""})
    return label


def label_transition(*, label: GreenLabel, name: str, actor, reason: str = "", source: str = "") -> GreenLabel:
    return LABEL_WORKFLOW.apply(label, name, actor=actor, reason=reason, source=source)


# --- flags from the evaluation ----------------------------------------------------------------------------------


def labels_flag_from_evaluation(*, enterprise_ids=None) -> int:
    """Flag each active label whose firm has an accident or penalty (GAOXIN_GREEN_FLAG_RULES) recorded in an
    evaluation cycle of the label's year or later; each record flags a label once (a label kept after review is not
    flagged again for the same record). Returns the number of labels flagged."""
    from gaoxin.evaluation.models import CycleAdjustment

    rules = settings.GAOXIN_GREEN_FLAG_RULES
    adjustments = (CycleAdjustment.objects.filter(rule_id__in=sorted(rules))
                   .select_related("cycle", "participant").order_by("pk"))
    if enterprise_ids is not None:
        adjustments = adjustments.filter(participant__enterprise_id__in=sorted(enterprise_ids))
    by_firm: dict[int, list] = {}
    for adj in adjustments:
        by_firm.setdefault(adj.participant.enterprise_id, []).append(adj)
    if not by_firm:
        return 0
    labels = GreenLabel.objects.filter(enterprise_id__in=sorted(by_firm), status=LabelStatus.ACTIVE)
    seen = set(LabelEvent.objects.filter(label__in=labels, transition="FLAG").values_list("label_id", "source"))
    flagged = 0
    for label in labels.order_by("pk"):
        for adj in by_firm[label.enterprise_id]:
            source = f"evaluation-adjustment:{adj.pk}"
            if adj.cycle.data_year < label.year or (label.pk, source) in seen:
                continue
            reason = (f"{adj.cycle.data_year}年度亩产效益评价记录{rules[adj.rule_id]}"
                      f"（{adj.evidence}），请复核称号")
            label_transition(label=label, name="FLAG", actor=None, reason=reason[:300], source=source)
            flagged += 1
            break
    return flagged


def on_adjustment_saved(sender, instance, **kwargs) -> None:
    if instance.rule_id not in settings.GAOXIN_GREEN_FLAG_RULES:
        return
    enterprise_id = instance.participant.enterprise_id
    transaction.on_commit(lambda: labels_flag_from_evaluation(enterprise_ids=[enterprise_id]))


# --- yearly self-declaration ----------------------------------------------------------------------------------


def declaration_due(year: int) -> dt.date:
    """The yearly self-declaration's last day (GAOXIN_GREEN_DECLARATION_DUE, month-day), moved onto a working day."""
    from gaoxin.core.selectors import work_calendar

    month, day = (int(p) for p in settings.GAOXIN_GREEN_DECLARATION_DUE.split("-"))
    try:
        return work_calendar().next_workday(dt.date(year, month, day))
    except Exception:  # a year past the calendar: the date as set
        return dt.date(year, month, day)


def declarations_remind(*, today: dt.date | None = None) -> int:
    """Within GAOXIN_GREEN_DECLARATION_REMIND_WORKDAYS working days before this year's due date, tell each firm
    holding a live label to file its yearly self-declaration (自评价), once per firm and year (the
    notice's key). Returns the number of firms in the window."""
    from gaoxin.accounts.models import Role, User
    from gaoxin.core.selectors import work_calendar

    today = today or timezone.localdate()
    due = declaration_due(today.year)
    try:
        left = work_calendar().working_days_between(today, due)
    except Exception:
        return 0
    if not 0 <= left <= settings.GAOXIN_GREEN_DECLARATION_REMIND_WORKDAYS:
        return 0
    firms = sorted(set(GreenLabel.objects.exclude(status=LabelStatus.REVOKED)
                       .exclude(valid_to__lt=today).values_list("enterprise_id", flat=True)))
    for firm_id in firms:
        users = User.objects.filter(role=Role.ENTERPRISE, is_active=True, enterprise_memberships__enterprise_id=firm_id)
        notify(users, message=(f"请于{due:%Y年%-m月%-d日}前完成本年度绿色与智能制造称号的自评价申报"
                               "（绿色工厂等称号实行动态管理）"),
               url=reverse("green_labels"), kind="green_declaration", key=f"{today.year}-{firm_id}")
    return len(firms)

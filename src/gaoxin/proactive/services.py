"""Writes of 主动服务: campaigns (created by rule, targets assigned, visits recorded, closed and reopened through the
kernel), needs turned into work (workflow.NEED_WORKFLOW), station areas and the key-firm list. Each write is one
transaction with exactly one audit event of this room (a need turned into an appeal, order or demand also gets the
event of the room whose service created that record)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from gaoxin.core.notify import notify
from gaoxin.core.services import audit_record

from . import permissions as perms
from .models import Campaign, CampaignTarget, Coaching, KeyFirm, KeySource, Need, StationArea, Visit
from .rules import check_target_rule, matching_firm_ids
from .workflow import CAMPAIGN_WORKFLOW, NEED_WORKFLOW

MAX_TARGETS = 5000


@transaction.atomic
def campaign_create(*, actor, name: str, rule: str, starts_on: dt.date, ends_on: dt.date,
                    description: str = "") -> Campaign:
    """A campaign and its target list: the operating firms the rule selects today."""
    if not perms.can_create_campaign(actor):
        raise PermissionDenied("您无权发起走访活动")
    errors = {}
    if not name.strip():
        errors["name"] = "请填写活动名称"
    if ends_on < starts_on:
        errors["ends_on"] = "结束日期不能早于开始日期"
    if errors:
        raise ValidationError(errors)
    check_target_rule(rule)
    ids = matching_firm_ids(rule)
    if not ids:
        raise ValidationError({"rule": "按此条件没有选出任何企业，请调整条件"})
    if len(ids) > MAX_TARGETS:
        raise ValidationError({"rule": f"按此条件选出 {len(ids)} 家企业，超过单次活动上限 {MAX_TARGETS} 家，请缩小范围"})
    campaign = Campaign.objects.create(name=name.strip(), description=description.strip(), rule=rule.strip(),
                                       starts_on=starts_on, ends_on=ends_on, created_by=actor)
    CampaignTarget.objects.bulk_create([CampaignTarget(campaign=campaign, enterprise_id=i) for i in ids])
    audit_record(event_type="proactive.campaign.create", actor=actor, subject=campaign,
                 after={"name": campaign.name, "rule": campaign.rule, "targets": len(ids)})
    return campaign


@transaction.atomic
def campaign_assign(*, actor, campaign: Campaign, targets, assignee) -> int:
    """Give targets to a member of staff (or take them back with assignee None); the assignee is told once."""
    if not perms.can_manage_campaign(actor, campaign):
        raise PermissionDenied("只有活动发起人和管委会管理员可以分配走访对象")
    if assignee is not None and not perms.assignable_staff().filter(pk=assignee.pk).exists():
        raise ValidationError({"assignee": "只能分配给驿站、帮代办、部门或窗口工作人员"})
    ids = [t.pk for t in targets]
    if not ids:
        raise ValidationError({"targets": "请勾选走访对象"})
    rows = CampaignTarget.objects.select_for_update().filter(campaign=campaign, pk__in=ids)
    changed = rows.exclude(assignee=assignee) if assignee is not None else rows.exclude(assignee__isnull=True)
    count = changed.update(assignee=assignee, assigned_at=timezone.now() if assignee is not None else None)
    if count == 0:
        raise ValidationError({"targets": "所选企业已分配给该人员"})
    audit_record(event_type="proactive.campaign.assign", actor=actor, subject=campaign,
                 after={"assignee": str(assignee) if assignee else "", "targets": count})
    if assignee is not None:
        notify([assignee], message=f"走访活动“{campaign.name}”分配给您 {count} 家企业，请按期走访并登记走访记录",
               url=reverse("campaign_detail", args=[campaign.pk]) + "?mine=1", kind="proactive.assign")
    return count


@transaction.atomic
def visit_record(*, actor, target: CampaignTarget, visited_on: dt.date, people_met: str, summary: str = "",
                 needs=(), policies=()) -> Visit:
    """A visit to a target firm: who was met, what was found (each need a row to turn into work) and the
    policies explained."""
    target = CampaignTarget.objects.select_related("campaign", "enterprise").get(pk=target.pk)
    if not perms.can_visit(actor, target):
        raise PermissionDenied("只有分配到该企业的走访人员或活动发起人可以登记（活动结束后不能登记）")
    errors = {}
    if visited_on > timezone.localdate():
        errors["visited_on"] = "走访日期不能晚于今天"
    elif visited_on < target.campaign.starts_on:
        errors["visited_on"] = f"走访日期不能早于活动开始日期（{target.campaign.starts_on:%Y年%-m月%-d日}）"
    if not people_met.strip():
        errors["people_met"] = "请填写接待人员"
    needs = [n.strip() for n in needs if n and n.strip()]
    if errors:
        raise ValidationError(errors)
    visit = Visit.objects.create(target=target, visited_on=visited_on, people_met=people_met.strip(),
                                 summary=summary.strip(), by=actor)
    if policies:
        visit.policies.set(policies)
    Need.objects.bulk_create([Need(visit=visit, description=n[:500]) for n in needs])
    audit_record(event_type="proactive.visit.record", actor=actor, subject=visit,
                 after={"enterprise": target.enterprise.name, "campaign": target.campaign.name,
                        "visited_on": visited_on.isoformat(), "needs": len(needs),
                        "policies": [p.title for p in policies]})
    return visit


def campaign_transition(*, campaign: Campaign, name: str, actor, reason: str = "") -> Campaign:
    return CAMPAIGN_WORKFLOW.apply(campaign, name, actor=actor, reason=reason)


def need_transition(*, need: Need, name: str, actor, reason: str = "", **params) -> Need:
    return NEED_WORKFLOW.apply(need, name, actor=actor, reason=reason, **params)


# --- station areas --------------------------------------------------------------------------------

@transaction.atomic
def area_set(*, actor, park, station, since: dt.date | None = None) -> StationArea | None:
    """The station that serves a park (None: the park is served by no station)."""
    from gaoxin.accounts.models import OrgKind

    if not perms.can_set_areas(actor):
        raise PermissionDenied("只有管委会管理员可以设置驿站服务片区")
    if station is not None and station.kind != OrgKind.STATION:
        raise ValidationError({"station": "请选择政务服务驿站"})
    current = StationArea.objects.select_for_update().filter(park=park).select_related("station").first()
    before = {"station": current.station.name if current else ""}
    if station is None:
        if current is None:
            raise ValidationError({"station": "该园区尚未划入任何驿站"})
        current.delete()
        area = None
    elif current is not None and current.station_id == station.pk:
        raise ValidationError({"station": f"该园区已由{station.name}服务"})
    elif current is not None:
        current.station, current.since = station, since or timezone.localdate()
        current.save()
        area = current
    else:
        area = StationArea.objects.create(park=park, station=station, since=since or timezone.localdate())
    audit_record(event_type="proactive.area.set", actor=actor, subject=park, before=before,
                 after={"park": park.name, "station": station.name if station else ""})
    return area


# --- key firms ----------------------------------------------------------------------------------------

@transaction.atomic
def key_firm_add(*, actor, enterprise, reason: str) -> KeyFirm:
    if not perms.can_manage_key_firms(actor):
        raise PermissionDenied("只有管委会管理员可以维护重点企业名单")
    if not reason.strip():
        raise ValidationError({"reason": "请填写列入理由"})
    if KeyFirm.objects.select_for_update().filter(enterprise=enterprise, removed_at__isnull=True).exists():
        raise ValidationError({"uscc": f"{enterprise.name}已在重点企业名单中"})
    key = KeyFirm.objects.create(enterprise=enterprise, reason=reason.strip(), source=KeySource.HAND, added_by=actor)
    audit_record(event_type="proactive.keyfirm.add", actor=actor, subject=key,
                 after={"enterprise": enterprise.name, "reason": key.reason})
    return key


@transaction.atomic
def key_firm_add_by_rule(*, actor, rule: str, reason: str) -> int:
    """Every operating firm the rule selects and not yet listed goes on the list with the rule as its basis."""
    if not perms.can_manage_key_firms(actor):
        raise PermissionDenied("只有管委会管理员可以维护重点企业名单")
    if not reason.strip():
        raise ValidationError({"reason": "请填写列入理由"})
    check_target_rule(rule)
    listed = set(KeyFirm.objects.select_for_update().filter(removed_at__isnull=True)
                 .values_list("enterprise_id", flat=True))
    new = [i for i in matching_firm_ids(rule) if i not in listed]
    if not new:
        raise ValidationError({"rule": "按此条件没有选出尚未列入的企业"})
    KeyFirm.objects.bulk_create([KeyFirm(enterprise_id=i, reason=reason.strip(), source=KeySource.RULE,
                                         rule=rule.strip()[:500], added_by=actor) for i in new])
    audit_record(event_type="proactive.keyfirm.add_rule", actor=actor, subject_type="proactive.keyfirm",
                 subject_repr="重点企业名单", after={"rule": rule.strip(), "reason": reason.strip(), "added": len(new)})
    return len(new)


@transaction.atomic
def key_firm_remove(*, actor, key: KeyFirm, reason: str) -> KeyFirm:
    if not perms.can_manage_key_firms(actor):
        raise PermissionDenied("只有管委会管理员可以维护重点企业名单")
    if not reason.strip():
        raise ValidationError({"reason": "请填写移出理由"})
    key = KeyFirm.objects.select_for_update().select_related("enterprise").get(pk=key.pk)
    if key.removed_at is not None:
        raise ValidationError("该企业已移出重点企业名单")
    key.removed_at, key.removed_reason = timezone.now(), reason.strip()[:200]
    key.save(update_fields=["removed_at", "removed_reason"])
    audit_record(event_type="proactive.keyfirm.remove", actor=actor, subject=key,
                 after={"enterprise": key.enterprise.name, "reason": key.removed_reason})
    return key


# --- policy coaching (点对点辅导) ---------------------------------------------------------------------

def coaching_record(*, actor, enterprise, policy, coached_on: dt.date, method: str, people_met: str,
                    content: str) -> Coaching:
    """A policy explained to a firm, point to point: which policy, when, how, to whom, what was said. One audit
    event; refused (nothing written) for a policy not in force, a future date or missing answers."""
    from gaoxin.benefits.models import PolicyStatus

    from .models import CoachingMethod

    if not perms.can_coach(actor):
        raise PermissionDenied("只有部门、驿站、帮代办和窗口工作人员可以登记政策辅导")
    errors = {}
    if policy is None or policy.status != PolicyStatus.PUBLISHED:
        errors["policy"] = "请选择一项生效中的政策"
    if coached_on is None:
        errors["coached_on"] = "请填写辅导日期"
    elif coached_on > timezone.localdate():
        errors["coached_on"] = "辅导日期不能晚于今天"
    if method not in CoachingMethod.values:
        errors["method"] = "请选择辅导方式"
    if not (people_met or "").strip():
        errors["people_met"] = "请填写企业对接人"
    if not (content or "").strip():
        errors["content"] = "请填写辅导内容"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        coaching = Coaching.objects.create(enterprise=enterprise, policy=policy, coached_on=coached_on, method=method,
                                           people_met=people_met.strip()[:100], content=content.strip()[:1000],
                                           by=actor, unit_id=getattr(actor, "org_unit_id", None))
        audit_record(event_type="proactive.coaching.record", actor=actor, subject=coaching,
                     after={"enterprise": enterprise.name, "policy": policy.title, "coached_on": coached_on.isoformat(),
                            "method": CoachingMethod(method).label})
    return coaching

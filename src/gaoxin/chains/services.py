"""Writes of the industry-chain room: each a keyword-only service in one transaction with one audit event; a
membership's confirmation, dismissal and removal and an action item's closure go through the kernel (workflow.py).
A meeting records its decisions as action items with working-day deadlines; `actions_sweep` flags the overdue. `chain_refresh` keeps the
suggestions current from the registry (on demand from the chain page and daily from `gaoxin refresh_chains`)."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from gaoxin.accounts.models import Role
from gaoxin.core.masking import mask_phone
from gaoxin.core.selectors import work_calendar
from gaoxin.core.services import audit_record
from gaoxin.core.validators import PHONE_PATTERN, normalize_code, uscc_problem
from gaoxin.core.workdays import CalendarRangeError
from gaoxin.enterprises.models import Enterprise, EnterpriseStatus

from . import notifications
from . import permissions as perms
from .models import (
    ActionItem,
    ActionNote,
    ActionStatus,
    Chain,
    ChainAppeal,
    ChainNode,
    ContactChannel,
    InvestmentTarget,
    Meeting,
    MemberRole,
    Membership,
    MembershipSource,
    MembershipStatus,
    Segment,
    TargetContact,
    TargetStatus,
    TaskForceMember,
)
from .suggest import FirmFacts, NodeSpec, suggest
from .workflow import ACTION_WORKFLOW, MEMBERSHIP_WORKFLOW, TARGET_WORKFLOW

CODE_RE = re.compile(r"^\d{2,4}$")
RESERVED_CODES = {"new", "memberships", "actions", "targets", "problems"}  # page addresses beside /chains/<code>/


def _check_chief(chief) -> None:
    if chief is not None and (chief.role != Role.LEADER or not chief.is_active):
        raise ValidationError({"chief": "链长须为在职的领导账号"})


def chain_create(*, actor, code: str, name: str, description: str = "", chief=None) -> Chain:
    if not perms.can_create_chain(actor):
        raise PermissionDenied("只有管委会管理员可以新建产业链")
    _check_chief(chief)
    code, name = code.strip().lower(), name.strip()
    errors = {}
    if code in RESERVED_CODES:
        errors["code"] = "该编码已被系统使用，请换一个"
    elif Chain.objects.filter(code=code).exists():
        errors["code"] = "已有相同编码的产业链"
    if Chain.objects.filter(name=name).exists():
        errors["name"] = "已有同名产业链"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        chain = Chain.objects.create(code=code, name=name, description=description.strip(), chief=chief,
                                     created_by=actor)
        audit_record(event_type="chains.chain.create", actor=actor, subject=chain,
                     after={"name": name, "chief": chief.get_full_name() if chief else ""})
    return chain


def chain_set_chief(*, actor, chain: Chain, chief) -> Chain:
    if not perms.can_create_chain(actor):
        raise PermissionDenied("只有管委会管理员可以指定链长")
    _check_chief(chief)
    with transaction.atomic():
        before = chain.chief.get_full_name() if chain.chief_id else ""
        chain.chief = chief
        chain.save(update_fields=["chief"])
        audit_record(event_type="chains.chain.update", actor=actor, subject=chain, before={"chief": before},
                     after={"chief": chief.get_full_name() if chief else ""})
    return chain


def node_create(*, actor, chain: Chain, segment: str, name: str, industries=(), industry_codes: str = "",
                keywords: str = "", sort_order: int = 0) -> ChainNode:
    if not perms.can_manage_chain(actor, chain):
        raise PermissionDenied("您无权维护该产业链")
    errors = {}
    if segment not in Segment.values:
        errors["segment"] = "请选择上游、中游或下游"
    bad = [c for c in ChainNode.split(industry_codes) if not CODE_RE.match(c)]
    if bad:
        errors["industry_codes"] = f"行业代码应为 2 至 4 位数字：{'、'.join(bad)}"
    if not (list(industries) or ChainNode.split(industry_codes) or ChainNode.split(keywords)):
        errors["keywords"] = "请至少填写行业或产品关键词，系统据此从企业档案中建议链上企业"
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            node = ChainNode.objects.create(chain=chain, segment=segment, name=name.strip(),
                                            industry_codes=" ".join(ChainNode.split(industry_codes)),
                                            keywords=" ".join(ChainNode.split(keywords)), sort_order=sort_order)
            node.industries.set(industries)
            audit_record(event_type="chains.node.create", actor=actor, subject=chain,
                         after={"node": str(node), "industries": sorted(i.code for i in industries),
                                "industry_codes": node.industry_codes, "keywords": node.keywords})
    except IntegrityError as exc:
        raise ValidationError({"name": "本产业链已有同名节点"}) from exc
    return node


def taskforce_add(*, actor, chain: Chain, user, duty: str = "", phone: str = "") -> TaskForceMember:
    if not perms.can_manage_chain(actor, chain):
        raise PermissionDenied("您无权维护该产业链专班")
    if not perms.taskforce_candidates().filter(pk=user.pk).exists():
        raise ValidationError({"user": "专班成员须为在职的工作人员"})
    phone = phone.strip()
    if phone and not re.fullmatch(PHONE_PATTERN, phone):
        raise ValidationError({"phone": "请填写正确的联系电话（半角数字）"})
    try:
        with transaction.atomic():
            member = TaskForceMember.objects.create(chain=chain, user=user, duty=duty.strip(), phone=phone)
            audit_record(event_type="chains.taskforce.add", actor=actor, subject=chain,
                         after={"user": user.get_full_name(), "duty": member.duty})
    except IntegrityError as exc:
        raise ValidationError({"user": "该用户已在本产业链专班中"}) from exc
    return member


def taskforce_remove(*, actor, member: TaskForceMember) -> None:
    chain = member.chain
    if not perms.can_manage_chain(actor, chain):
        raise PermissionDenied("您无权维护该产业链专班")
    with transaction.atomic():
        name = member.user.get_full_name()
        member.delete()
        audit_record(event_type="chains.taskforce.remove", actor=actor, subject=chain, before={"user": name})


def membership_add(*, actor, node: ChainNode, enterprise: Enterprise, role: str) -> Membership:
    """The task force puts a firm on a node itself (a 链主, or an investment target from outside the registry's
    suggestions): confirmed at once."""
    chain = node.chain
    if not perms.can_manage_chain(actor, chain):
        raise PermissionDenied("您无权维护该产业链")
    if role not in MemberRole.values:
        raise ValidationError({"role": "请选择链上角色"})
    existing = Membership.objects.filter(node=node, enterprise=enterprise).first()
    if existing is not None:
        raise ValidationError({"enterprise": f"该企业已在此节点（{existing.get_status_display()}）"})
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                chain=chain, node=node, enterprise=enterprise, role=role, status=MembershipStatus.CONFIRMED,
                source=MembershipSource.MANUAL, decided_by=actor, decided_at=timezone.now())
            audit_record(event_type="chains.membership.add", actor=actor, subject=membership,
                         after={"enterprise": enterprise.name, "node": node.name, "role": role})
    except IntegrityError as exc:
        raise ValidationError({"enterprise": "该企业已在此节点"}) from exc
    return membership


def membership_transition(*, membership: Membership, name: str, actor, reason: str = "", role: str = "") -> Membership:
    return MEMBERSHIP_WORKFLOW.apply(membership, name, actor=actor, reason=reason, role=role)


# --- suggestions from the registry -----------------------------------------------------------------------------


def _node_specs(chain: Chain) -> list[NodeSpec]:
    nodes = chain.nodes.prefetch_related("industries")
    return [NodeSpec(n.pk, tuple(sorted(i.code for i in n.industries.all())) + tuple(n.code_list()),
                     tuple(n.keyword_list())) for n in nodes]


def registry_facts() -> list[FirmFacts]:
    """The registry as the suggestion function reads it: one query, six columns."""
    return [FirmFacts(pk, division, code or "", name, status == EnterpriseStatus.OPERATING, division_name)
            for pk, division, code, name, status, division_name in Enterprise.objects.values_list(
                "pk", "industry_id", "industry_code", "name", "status", "industry__name").order_by("pk")
            .iterator(chunk_size=5000)]


def chain_refresh(*, chain: Chain, actor=None, firms: list[FirmFacts] | None = None) -> dict:
    """Suggest the registry's fitting firms for every node of the chain that it does not hold yet (confirmed,
    suggested or dismissed: a dismissed firm is not suggested again) and withdraw suggestions that no longer fit
    (the firm closed, moved out or changed industry). One audit event when anything changed."""
    if actor is not None and not perms.can_manage_chain(actor, chain):
        raise PermissionDenied("您无权维护该产业链")
    firms = registry_facts() if firms is None else firms
    wanted = {(s.node_id, s.firm_id): s.basis for s in suggest(_node_specs(chain), firms)}
    with transaction.atomic():
        Chain.objects.select_for_update().filter(pk=chain.pk).first()
        held = dict(((node, firm), (pk, status)) for pk, node, firm, status in
                    Membership.objects.filter(chain=chain).values_list("pk", "node_id", "enterprise_id", "status"))
        new = [Membership(chain=chain, node_id=node, enterprise_id=firm, basis=basis[:200])
               for (node, firm), basis in wanted.items() if (node, firm) not in held]
        stale = [pk for key, (pk, status) in held.items()
                 if status == MembershipStatus.SUGGESTED and key not in wanted]
        Membership.objects.bulk_create(new, batch_size=2000)
        if stale:
            Membership.objects.filter(pk__in=stale).delete()
        chain.refreshed_at = timezone.now()
        Chain.objects.filter(pk=chain.pk).update(refreshed_at=chain.refreshed_at)
        if new or stale:
            audit_record(event_type="chains.chain.refresh", actor=actor, subject=chain,
                         after={"suggested": len(new), "withdrawn": len(stale)})
    return {"suggested": len(new), "withdrawn": len(stale)}


def chains_refresh_all() -> dict:
    """Every chain from one read of the registry (the daily command)."""
    firms = registry_facts()
    total = {"chains": 0, "suggested": 0, "withdrawn": 0}
    for chain in Chain.objects.order_by("pk"):
        done = chain_refresh(chain=chain, firms=firms)
        total["chains"] += 1
        total["suggested"] += done["suggested"]
        total["withdrawn"] += done["withdrawn"]
    return total


# --- meetings to actions ---------------------------------------------------------------------------------------

MAX_ACTION_WORKDAYS = 250


def meeting_record(*, actor, chain: Chain, title: str, held_on: dt.date, minutes: str = "",
                   actions: list[dict]) -> Meeting:
    """A chain meeting and its decisions as action items: each {title, owner_unit, owner_user, workdays}; the
    deadline is `workdays` working days after the meeting (the meeting day not counted). The owners are told."""
    if not perms.can_manage_chain(actor, chain):
        raise PermissionDenied("只有本产业链的链长、专班成员和管委会管理员可以记录会议")
    errors = {}
    today = timezone.localdate()
    if held_on > today:
        errors["held_on"] = "会议日期不能晚于今天"
    if not actions:
        errors["__all__"] = "请至少填写一项会议任务"
    for n, action in enumerate(actions, 1):
        if not (action.get("owner_unit") or action.get("owner_user")):
            errors["__all__"] = f"第{n}项任务请填写责任单位或责任人"
        if not 1 <= int(action.get("workdays") or 0) <= MAX_ACTION_WORKDAYS:
            errors["__all__"] = f"第{n}项任务的办理时限应为 1 至 {MAX_ACTION_WORKDAYS} 个工作日"
    if errors:
        raise ValidationError(errors)
    cal = work_calendar()
    with transaction.atomic():
        meeting = Meeting.objects.create(chain=chain, title=title.strip(), held_on=held_on, minutes=minutes.strip(),
                                         recorded_by=actor)
        made = []
        for action in actions:
            try:
                due = cal.add_working_days(held_on, int(action["workdays"]))
            except CalendarRangeError as exc:
                raise ValidationError({"held_on": str(exc)}) from exc
            made.append(ActionItem.objects.create(
                meeting=meeting, chain=chain, title=action["title"].strip(), owner_unit=action.get("owner_unit"),
                owner_user=action.get("owner_user"), workdays=int(action["workdays"]), due_on=due))
        audit_record(event_type="chains.meeting.create", actor=actor, subject=meeting,
                     after={"chain": chain.name, "title": meeting.title, "held_on": held_on.isoformat(),
                            "actions": [{"title": a.title, "owner": a.owner_text, "due_on": a.due_on.isoformat()}
                                        for a in made]})
        for action in made:
            action.chain = chain
            notifications.action_assigned(action)
    return meeting


def action_note_add(*, actor, action: ActionItem, note: str) -> ActionNote:
    if not perms.can_note_action(actor, action):
        raise PermissionDenied("只有责任单位、责任人和产业链专班可以登记进展")
    note = note.strip()
    if not note:
        raise ValidationError({"note": "请填写进展情况"})
    if action.status != ActionStatus.OPEN:
        raise ValidationError({"note": "任务已办结，不再登记进展"})
    with transaction.atomic():
        row = ActionNote.objects.create(action=action, note=note[:500], by=actor)
        audit_record(event_type="chains.action.note", actor=actor, subject=action, after={"note": row.note})
    return row


def action_transition(*, action: ActionItem, name: str, actor, reason: str = "") -> ActionItem:
    return ACTION_WORKFLOW.apply(action, name, actor=actor, reason=reason)


def actions_sweep(*, today: dt.date | None = None) -> int:
    """Tell the owner and the chain chief of every open item past its deadline, once per item and deadline
    (idempotent: run daily by `gaoxin refresh_chains`)."""
    today = today or timezone.localdate()
    told = 0
    overdue = (ActionItem.objects.filter(status=ActionStatus.OPEN, due_on__lt=today)
               .exclude(overdue_notified_on__gte=models.F("due_on"))
               .select_related("chain__chief", "owner_unit", "owner_user"))
    for action in overdue:
        with transaction.atomic():
            notifications.action_overdue(action)
            ActionItem.objects.filter(pk=action.pk).update(overdue_notified_on=today)
        told += 1
    return told


# --- investment targets ----------------------------------------------------------------------------------------


def target_create(*, actor, chain: Chain, node: ChainNode, name: str, region: str, uscc: str = "",
                  contact_name: str = "", contact_phone: str = "") -> InvestmentTarget:
    """A firm the task force courts for a node of its chain (mostly a 补链 gap); starts as identified."""
    if not perms.can_add_target(actor, chain):
        raise PermissionDenied("只有本产业链的链长和专班成员可以登记招商目标")
    name, region, contact_phone = name.strip(), region.strip(), contact_phone.strip()
    uscc = normalize_code(uscc) if uscc.strip() else ""
    errors = {}
    if node.chain_id != chain.pk:
        errors["node"] = "请选择本产业链的节点"
    if not name:
        errors["name"] = "请填写目标企业名称"
    elif InvestmentTarget.objects.filter(chain=chain, name=name).exists():
        errors["name"] = "本产业链已有该招商目标"
    if uscc and (problem := uscc_problem(uscc)):
        errors["uscc"] = problem
    if not region:
        errors["region"] = "请填写所在地区"
    if contact_phone and not re.fullmatch(PHONE_PATTERN, contact_phone):
        errors["contact_phone"] = "请填写正确的联系电话（半角数字）"
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            target = InvestmentTarget.objects.create(
                chain=chain, node=node, name=name, uscc=uscc, region=region, contact_name=contact_name.strip(),
                contact_phone=contact_phone, created_by=actor)
            audit_record(event_type="chains.target.create", actor=actor, subject=target,
                         after={"chain": chain.name, "node": node.name, "name": name, "region": region,
                                "contact_phone": mask_phone(contact_phone)})
    except IntegrityError as exc:
        raise ValidationError({"name": "本产业链已有该招商目标"}) from exc
    return target


def target_contact_add(*, actor, target: InvestmentTarget, contacted_on: dt.date, channel: str,
                       note: str) -> TargetContact:
    """A contact with the target (对接记录); a dropped or started target's history is closed."""
    if not perms.can_work_target(actor, target):
        raise PermissionDenied("只有本产业链的链长和专班成员可以登记对接情况")
    errors = {}
    note = note.strip()
    if contacted_on > timezone.localdate():
        errors["contacted_on"] = "对接日期不能晚于今天"
    if channel not in ContactChannel.values:
        errors["channel"] = "请选择对接方式"
    if not note:
        errors["note"] = "请填写对接情况"
    if target.status in (TargetStatus.DROPPED, TargetStatus.PROJECT_STARTED):
        errors["note"] = f"招商目标{target.get_status_display()}，不再登记对接"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        row = TargetContact.objects.create(target=target, contacted_on=contacted_on, channel=channel, note=note[:500],
                                           by=actor)
        InvestmentTarget.objects.filter(pk=target.pk).update(updated_at=timezone.now())
        audit_record(event_type="chains.target.contact", actor=actor, subject=target,
                     after={"contacted_on": contacted_on.isoformat(), "channel": channel, "note": row.note})
    return row


def target_transition(*, target: InvestmentTarget, name: str, actor, reason: str = "",
                      project=None) -> InvestmentTarget:
    return TARGET_WORKFLOW.apply(target, name, actor=actor, reason=reason, project=project)


# --- problems: appeals tagged with the chain -------------------------------------------------------------------


def appeal_tag(*, actor, chain: Chain, appeal) -> ChainAppeal:
    """Mark an appeal the actor may read as a problem of the chain (the chain's chief, task force or the
    administrator)."""
    from gaoxin.appeals.permissions import appeals_visible_to

    if not perms.can_manage_chain(actor, chain):
        raise PermissionDenied("只有本产业链的链长、专班成员和管委会管理员可以标记产业链问题")
    if not appeals_visible_to(actor).filter(pk=appeal.pk).exists():
        raise ValidationError({"number": "未找到该诉求或您无权查看"})
    if ChainAppeal.objects.filter(chain=chain, appeal=appeal).exists():
        raise ValidationError({"number": "该诉求已标记为本产业链的问题"})
    try:
        with transaction.atomic():
            tag = ChainAppeal.objects.create(chain=chain, appeal=appeal, tagged_by=actor)
            audit_record(event_type="chains.problem.tag", actor=actor, subject=chain,
                         after={"appeal": appeal.number, "title": appeal.title})
            notifications.problem_tagged(tag, actor)
    except IntegrityError as exc:
        raise ValidationError({"number": "该诉求已标记为本产业链的问题"}) from exc
    return tag


def appeal_untag(*, actor, tag: ChainAppeal) -> None:
    chain = tag.chain
    if not perms.can_manage_chain(actor, chain):
        raise PermissionDenied("只有本产业链的链长、专班成员和管委会管理员可以取消标记")
    with transaction.atomic():
        number = tag.appeal.number
        tag.delete()
        audit_record(event_type="chains.problem.untag", actor=actor, subject=chain, before={"appeal": number})

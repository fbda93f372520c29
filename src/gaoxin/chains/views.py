"""产业链 pages: the chains, a chain's page (the drawn map, the roster and one live list at a time: firms,
suggestions, meeting actions, investment targets, projects, problems (appeals tagged with the chain), job demand,
policies paid), and the task force's forms. Every POST is one service call; a
refused form is shown again with what was typed."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from gaoxin.core.views_utils import apply_step, form_page, paginate, require, submit

from . import permissions as perms
from . import selectors, services
from .forms import (
    ActionActForm,
    ActionFormSet,
    ChainForm,
    ChiefForm,
    MeetingForm,
    MemberForm,
    MembershipActForm,
    NodeForm,
    NoteForm,
    ProblemTagForm,
    TargetActForm,
    TargetContactForm,
    TargetFilterForm,
    TargetForm,
    TaskForceForm,
)
from .models import Meeting, Membership, MembershipStatus
from .workflow import ACTION_WORKFLOW, MEMBERSHIP_WORKFLOW, TARGET_WORKFLOW

# The chain page's lists: (tab, title, who may open it).
TABS = [("firms", "链上企业"), ("suggestions", "待确认建议"), ("actions", "会议任务"), ("targets", "招商目标"),
        ("projects", "项目"), ("appeals", "产业链问题"),
        ("demands", "用工需求"), ("talents", "人才"), ("policies", "政策兑现")]


# A creation form on chains/form.html (title, back): see core.views_utils.form_page.
_form_page = partial(form_page, template="chains/form.html")


def _chain(request, code: str):
    chain = selectors.chain_get(user=request.user, code=code)
    if chain is None:
        raise Http404("产业链不存在")
    return chain


def _managed(request, code: str):
    chain = _chain(request, code)
    if not perms.can_manage_chain(request.user, chain):
        raise PermissionDenied("只有本产业链的链长、专班成员和管委会管理员可以维护")
    return chain


@require(perms.can_view_chains)
def chain_list(request):
    page, query = paginate(request, selectors.chain_list(user=request.user))
    return render(request, "chains/index.html", {
        "page": page, "query": query, "can_create": perms.can_create_chain(request.user),
        "show_members": perms.can_view_chain_members(request.user),
        "own": None if perms.can_view_chain_members(request.user) else selectors.own_memberships(user=request.user),
    })


@require(perms.can_create_chain)
def chain_new(request):
    form = ChainForm(request.POST or None)
    return _form_page(request, form, title="新建产业链", back=reverse("chain_list"),
                      create=lambda: services.chain_create(actor=request.user, **form.cleaned_data),
                      done=lambda chain: (f"产业链“{chain.name}”已新建，请添加上中下游节点",
                                          reverse("chain_detail", args=[chain.code])))


def _tab_list(request, chain, tab: str, manage: bool):
    user = request.user
    if tab == "suggestions" and manage:
        return selectors.memberships(user=user, chain=chain, status=MembershipStatus.SUGGESTED)
    if tab == "actions":
        return selectors.chain_actions(chain=chain)
    if tab == "targets":
        return selectors.chain_targets(user=user, chain=chain)
    if tab == "projects":
        return selectors.chain_projects(user=user, chain=chain)
    if tab == "appeals":
        return selectors.chain_appeals(user=user, chain=chain)
    if tab == "demands":
        return selectors.chain_job_demands(user=user, chain=chain)
    if tab == "talents":
        return selectors.chain_talents(user=user, chain=chain)
    if tab == "policies":
        return selectors.chain_policies_paid(user=user, chain=chain)
    return selectors.memberships(user=user, chain=chain)


def _chain_page(request, chain, *, forms=None, status=200):
    user = request.user
    forms = forms or {}
    manage = perms.can_manage_chain(user, chain)
    staff = perms.can_view_chain_members(user)
    from gaoxin.talent.permissions import can_view_registry

    # The talents of the chain's firms only for those who read the talent registry (talent office, leaders).
    tabs = [(t, label) for t, label in TABS if staff and (t != "suggestions" or manage)
            and (t != "talents" or can_view_registry(user))]
    tab = request.GET.get("tab", "firms")
    if tab not in dict(tabs):
        tab = "firms"
    context = {
        "chain": chain, "map": selectors.chain_map(chain=chain, show_firms=staff), "manage": manage, "staff": staff,
        "can_set_chief": perms.can_create_chain(user), "tabs": tabs, "tab": tab,
        "taskforce": chain.taskforce.select_related("user__org_unit") if staff else None,
        "today": timezone.localdate(),
    }
    if staff:
        context["figures"] = selectors.chain_figures(chain=chain)
        context["yearly"] = selectors.chain_yearly(chain=chain)
        page, query = paginate(request, _tab_list(request, chain, tab, manage))
        context.update(page=page, query=query)
        if tab == "suggestions":
            context["actions"] = {m.pk: MEMBERSHIP_WORKFLOW.available(m, user) for m in page}
        if tab == "appeals":
            context["problems"] = selectors.chain_problem_counts(chain)
            if manage:
                tags = selectors.chain_appeal_tags(chain=chain, appeal_ids=[a.pk for a in page])
                for appeal in page:
                    appeal.tag_id = tags.get(appeal.pk)
                context["untag"] = True
                context["untagged"] = selectors.chain_member_appeals_untagged(user=user, chain=chain)
                context["tag_form"] = forms.get("tag") or ProblemTagForm()
    else:
        context["own"] = selectors.own_memberships(user=user).filter(chain=chain)
    if manage:
        context["taskforce_form"] = forms.get("taskforce") or TaskForceForm()
        context["act_form"] = forms.get("act") or MembershipActForm()
        context["act_for"] = forms.get("act_for")
    if perms.can_create_chain(user):
        context["chief_form"] = forms.get("chief") or ChiefForm(initial={"chief": chain.chief_id})
    return render(request, "chains/chain_detail.html", context, status=status)


@require(perms.can_view_chains)
def chain_detail(request, code: str):
    return _chain_page(request, _chain(request, code))


@require_POST
@require(perms.can_view_chains)
def chain_chief(request, code: str):
    chain = _chain(request, code)
    if not perms.can_create_chain(request.user):
        raise PermissionDenied("只有管委会管理员可以指定链长")
    form = ChiefForm(request.POST)
    if form.is_valid() and submit(form, lambda: services.chain_set_chief(actor=request.user, chain=chain,
                                                                       chief=form.cleaned_data["chief"])):
        messages.success(request, "链长已更新")
        return redirect("chain_detail", code=code)
    return _chain_page(request, chain, forms={"chief": form}, status=400)


@require(perms.can_view_chains)
def node_new(request, code: str):
    chain = _managed(request, code)
    form = NodeForm(request.POST or None)
    back = reverse("chain_detail", args=[code])
    return _form_page(request, form, title=f"{chain.name}：新增节点", back=back,
                      create=lambda: services.node_create(actor=request.user, chain=chain, **form.cleaned_data),
                      done=lambda _: ("节点已添加；可点“按企业档案更新建议”查看可能在链上的企业", back))


@require(perms.can_view_chains)
def member_new(request, code: str):
    chain = _managed(request, code)
    form = MemberForm(request.POST or None, chain=chain)
    back = reverse("chain_detail", args=[code])
    return _form_page(request, form, title=f"{chain.name}：登记链上企业", back=back,
                      create=lambda: services.membership_add(actor=request.user, **form.cleaned_data),
                      done=lambda _: ("链上企业已登记", back))


@require_POST
@require(perms.can_view_chains)
def taskforce_add(request, code: str):
    chain = _managed(request, code)
    form = TaskForceForm(request.POST)
    if form.is_valid() and submit(form, lambda: services.taskforce_add(actor=request.user, chain=chain,
                                                                     **form.cleaned_data)):
        messages.success(request, "专班成员已加入")
        return redirect("chain_detail", code=code)
    return _chain_page(request, chain, forms={"taskforce": form}, status=400)


@require_POST
@require(perms.can_view_chains)
def taskforce_remove(request, code: str, pk: int):
    chain = _managed(request, code)
    member = chain.taskforce.select_related("user", "chain").filter(pk=pk).first()
    if member is None:
        raise Http404("专班成员不存在")
    services.taskforce_remove(actor=request.user, member=member)
    messages.success(request, f"{member.user.get_full_name()}已移出专班")
    return redirect("chain_detail", code=code)


@require_POST
@require(perms.can_view_chains)
def chain_refresh(request, code: str):
    chain = _managed(request, code)
    done = services.chain_refresh(chain=chain, actor=request.user)
    messages.success(request, f"已按企业档案更新：新增建议 {done['suggested']} 家，撤回不再符合的建议 {done['withdrawn']} 家")
    return redirect(f"{reverse('chain_detail', args=[code])}?tab=suggestions")


@require_POST
@require(perms.can_view_chains)
def membership_act(request, pk: int):
    membership = (Membership.objects.filter(pk=pk, chain__in=perms.managed_chains(request.user))
                  .select_related("chain", "node", "enterprise").first())
    if membership is None:
        raise Http404("链上企业记录不存在或无权办理")
    chain = membership.chain
    form = MembershipActForm(request.POST)
    name = request.POST.get("name", "")
    if name not in MEMBERSHIP_WORKFLOW:
        form.add_error(None, "未知操作")
    elif form.is_valid() and submit(form, lambda: services.membership_transition(
            membership=membership, name=name, actor=request.user, reason=form.cleaned_data["reason"],
            role=form.cleaned_data["role"])):
        messages.success(request, f"{membership.enterprise.name}：{MEMBERSHIP_WORKFLOW[name].label}")
        back = request.POST.get("tab", "")
        tab = back if back in dict(TABS) else "suggestions"
        return redirect(f"{reverse('chain_detail', args=[chain.code])}?tab={tab}")
    request.GET = request.GET.copy()
    request.GET["tab"] = request.POST.get("tab", "suggestions")
    return _chain_page(request, chain, forms={"act": form, "act_for": membership.pk}, status=400)


# --- meetings to actions ---------------------------------------------------------------------------------------


@require(perms.can_view_chains)
def meeting_new(request, code: str):
    chain = _managed(request, code)
    form = MeetingForm(request.POST or None, initial={"held_on": timezone.localdate()})
    actions = ActionFormSet(request.POST or None, prefix="actions")
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and actions.is_valid():
            rows = [a.cleaned_data for a in actions if a.cleaned_data.get("title")]
            made = []
            if submit(form, lambda: made.append(services.meeting_record(actor=request.user, chain=chain, actions=rows,
                                                                      **form.cleaned_data))):
                messages.success(request, f"会议已记录，{len(rows)} 项任务已告知责任单位或责任人")
                return redirect("chain_meeting", code=code, pk=made[0].pk)
    return render(request, "chains/meeting_form.html", {"form": form, "actions": actions, "chain": chain},
                  status=status)


def _meeting_page(request, chain, meeting, *, forms=None, status=200):
    forms = forms or {}
    actable = set(perms.actions_actable_by(request.user).filter(meeting=meeting).values_list("pk", flat=True))
    rows = []
    for action in meeting.actions.select_related("owner_unit", "owner_user").prefetch_related("notes__by"):
        action.chain, action.meeting = chain, meeting
        failed = forms.get("for") == action.pk
        rows.append({
            "action": action, "overdue": action.is_overdue(timezone.localdate()),
            "steps": ACTION_WORKFLOW.available(action, request.user) if action.pk in actable else [],
            "note_form": (forms.get("note") if failed and forms.get("note") else NoteForm(
                auto_id=f"id_note_{action.pk}_%s")) if action.pk in actable else None,
            "act_form": forms.get("act") if failed and forms.get("act") else ActionActForm(
                auto_id=f"id_act_{action.pk}_%s"),
        })
    return render(request, "chains/meeting_detail.html", {"chain": chain, "meeting": meeting, "rows": rows},
                  status=status)


@require(perms.can_view_chain_members)
def meeting_detail(request, code: str, pk: int):
    chain = _chain(request, code)
    meeting = Meeting.objects.filter(chain=chain, pk=pk).select_related("recorded_by").first()
    if meeting is None:
        raise Http404("会议不存在")
    return _meeting_page(request, chain, meeting)


def _action(request, pk: int):
    action = perms.actions_actable_by(request.user).select_related("chain__chief", "meeting").filter(pk=pk).first()
    if action is None:
        raise Http404("会议任务不存在或无权办理")
    return action


@require_POST
@require(perms.can_view_chain_members)
def action_note(request, pk: int):
    action = _action(request, pk)
    form = NoteForm(request.POST)
    if form.is_valid() and submit(form, lambda: services.action_note_add(actor=request.user, action=action,
                                                                       note=form.cleaned_data["note"])):
        messages.success(request, "进展已登记")
        return redirect("chain_meeting", code=action.chain.code, pk=action.meeting_id)
    return _meeting_page(request, action.chain, action.meeting, forms={"for": action.pk, "note": form}, status=400)


@require_POST
@require(perms.can_view_chain_members)
def action_act(request, pk: int):
    action = _action(request, pk)
    form = ActionActForm(request.POST)
    name = request.POST.get("name", "")
    if name not in ACTION_WORKFLOW:
        form.add_error(None, "未知操作")
    elif form.is_valid() and submit(form, lambda: services.action_transition(
            action=action, name=name, actor=request.user, reason=form.cleaned_data["reason"])):
        messages.success(request, f"{action.title}：{ACTION_WORKFLOW[name].label}")
        return redirect("chain_meeting", code=action.chain.code, pk=action.meeting_id)
    return _meeting_page(request, action.chain, action.meeting, forms={"for": action.pk, "act": form}, status=400)


# --- investment targets ----------------------------------------------------------------------------------------


@require(perms.can_view_chain_members)
def target_list(request, code: str):
    chain = _chain(request, code)
    filters = TargetFilterForm(request.GET or None, chain=chain)
    status, node = "", None
    if filters.is_valid():
        status, node = filters.cleaned_data["status"], filters.cleaned_data["node"]
    page, query = paginate(request, selectors.chain_targets(user=request.user, chain=chain, status=status,
                                                            node_id=node.pk if node else None))
    return render(request, "chains/target_list.html", {
        "chain": chain, "page": page, "query": query, "filters": filters,
        "can_add": perms.can_add_target(request.user, chain)})


@require(perms.can_view_chain_members)
def target_new(request, code: str):
    chain = _chain(request, code)
    if not perms.can_add_target(request.user, chain):
        raise PermissionDenied("只有本产业链的链长和专班成员可以登记招商目标")
    form = TargetForm(request.POST or None, chain=chain, initial={"node": request.GET.get("node")})
    return _form_page(request, form, title=f"{chain.name}：登记招商目标", back=reverse("chain_targets", args=[code]),
                      create=lambda: services.target_create(actor=request.user, chain=chain, **form.cleaned_data),
                      done=lambda target: ("招商目标已登记", reverse("chain_target", args=[target.pk])))


def _target(request, pk: int):
    target = selectors.target_get(user=request.user, pk=pk)
    if target is None:
        raise Http404("招商目标不存在")
    return target


def _workable_target(request, pk: int):
    target = selectors.target_get(user=request.user, pk=pk)
    if target is None or not perms.targets_workable_by(request.user).filter(pk=pk).exists():
        raise Http404("招商目标不存在或无权办理")
    return target


def _target_page(request, target, *, forms=None, status=200):
    forms = forms or {}
    user = request.user
    work = perms.can_work_target(user, target)
    context = {"target": target, "chain": target.chain, "work": work, "history": selectors.target_history(target),
               "phone": target.contact_phone if work else target.masked_phone}
    if work:
        context["steps"] = TARGET_WORKFLOW.available(target, user)
        context["act_form"] = forms.get("act") or TargetActForm(user=user)
        context["contact_form"] = forms.get("contact") or TargetContactForm(
            initial={"contacted_on": timezone.localdate()})
    return render(request, "chains/target_detail.html", context, status=status)


@require(perms.can_view_chain_members)
def target_detail(request, pk: int):
    return _target_page(request, _target(request, pk))


@require_POST
@require(perms.can_view_chain_members)
def target_contact(request, pk: int):
    target = _workable_target(request, pk)
    form = TargetContactForm(request.POST)
    if form.is_valid() and submit(form, lambda: services.target_contact_add(actor=request.user, target=target,
                                                                          **form.cleaned_data)):
        messages.success(request, "对接情况已登记")
        return redirect("chain_target", pk=target.pk)
    return _target_page(request, target, forms={"contact": form}, status=400)


@require_POST
@require(perms.can_view_chain_members)
def target_act(request, pk: int):
    target = _workable_target(request, pk)
    form = TargetActForm(request.POST, user=request.user)
    if apply_step(request, TARGET_WORKFLOW, form, lambda name, data: services.target_transition(
            target=target, name=name, actor=request.user, reason=data["reason"], project=data["project"])):
        return redirect("chain_target", pk=target.pk)
    return _target_page(request, target, forms={"act": form}, status=400)


# --- problems: appeals tagged with the chain -------------------------------------------------------------------


def _problems(code: str) -> str:
    return f"{reverse('chain_detail', args=[code])}?tab=appeals"


@require_POST
@require(perms.can_view_chains)
def problem_tag(request, code: str):
    from gaoxin.appeals.permissions import appeals_visible_to

    chain = _managed(request, code)
    form = ProblemTagForm(request.POST)
    if form.is_valid():
        appeal = appeals_visible_to(request.user).filter(number=form.cleaned_data["number"].strip()).first()
        if appeal is None:
            form.add_error("number", "未找到该诉求或您无权查看")
        elif submit(form, lambda: services.appeal_tag(actor=request.user, chain=chain, appeal=appeal)):
            messages.success(request, f"诉求 {appeal.number} 已标记为本产业链的问题")
            return redirect(_problems(code))
    request.GET = request.GET.copy()
    request.GET["tab"] = "appeals"
    return _chain_page(request, chain, forms={"tag": form}, status=400)


@require_POST
@require(perms.can_view_chains)
def problem_untag(request, code: str, pk: int):
    chain = _managed(request, code)
    tag = chain.appeal_tags.select_related("chain", "appeal").filter(pk=pk).first()
    if tag is None:
        raise Http404("该问题标记不存在")
    services.appeal_untag(actor=request.user, tag=tag)
    messages.success(request, f"已取消标记诉求 {tag.appeal.number}")
    return redirect(_problems(code))


# --- tagging from the appeal's page ------------------------------------------------------------------------------


def appeal_chain_tag(request, number: str):
    """标记为产业链问题 from an appeal: the chain's chief, task force or the administrator picks one of the chains they
    manage (the appeal's page carries the same form; a refusal comes back here with the choice kept)."""
    from gaoxin.appeals.permissions import appeals_visible_to

    from .forms import AppealChainForm

    if not perms.managed_chains(request.user).exists():
        raise PermissionDenied("只有产业链的链长、专班成员和管委会管理员可以标记产业链问题")
    appeal = appeals_visible_to(request.user).filter(number=number).first()
    if appeal is None:
        raise Http404("诉求不存在或无权查看")
    chains = perms.managed_chains(request.user).exclude(appeal_tags__appeal=appeal).order_by("name")
    form = AppealChainForm(request.POST or None, chains=chains)
    return form_page(request, form, template="chains/form.html",
                     create=lambda: services.appeal_tag(actor=request.user, chain=form.cleaned_data["chain"],
                                                        appeal=appeal),
                     done=lambda tag: (f"诉求 {appeal.number} 已标记为{tag.chain.name}的问题",
                                       reverse("appeal_detail", args=[appeal.number])),
                     title=f"将诉求 {appeal.number} 标记为产业链问题",
                     back=reverse("appeal_detail", args=[appeal.number]))

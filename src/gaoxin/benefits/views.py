"""Policy library, my policies, profile data, applications through payment, statistics. Every POST is bound
to a form; a service's error is shown beside the field it names and the page re-rendered with what the user
typed."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Count, F, Q, Sum, When
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from gaoxin.core.masking import mask_bank_account
from gaoxin.core.validators import normalize_code
from gaoxin.core.views_utils import add_service_errors, paginate, render_page, require
from gaoxin.enterprises.permissions import enterprises_visible_to

from . import permissions as perms
from . import selectors, services
from .fields import FIELDS, PERSON_FIELDS, QUARTER_FIELDS, QUARTERS
from .forms import (
    FIELDS_BY_ACTION,
    ApplicationActionForm,
    ApplicationForm,
    DisputeActionForm,
    PolicyForm,
    PolicyPublishForm,
    ProfileForm,
)
from .models import (
    AppStatus,
    BenefitApplication,
    MatchResult,
    Policy,
    PolicyKind,
    PolicyMode,
    PolicyStatus,
    RestrictedIndustry,
)
from .workflow import DISPUTE_WORKFLOW, POLICY_WORKFLOW, WORKFLOW


def policy_index(request):
    qs = selectors.policy_list(user=request.user, q=request.GET.get("q", "").strip(), kind=request.GET.get("kind", ""),
                               mode=request.GET.get("mode", ""))
    page, query = paginate(request, qs)
    return render_page(request, "benefits/policy_list.html", "benefits/partials/policy_table.html", {
        "page": page, "query": query, "kinds": PolicyKind.choices, "modes": PolicyMode.choices,
        "can_manage": perms.can_manage_policies(request.user), "can_seek": perms.can_seek_benefits(request.user),
        "open_disputes": perms.disputes_visible_to(request.user).filter(status="open").count()
        if perms.can_view_disputes(request.user) else None,
    })


def _policy(request, code: str) -> Policy:
    policy = perms.policies_visible_to(request.user).select_related("issuer").filter(code=code).first()
    if policy is None:
        raise Http404("政策不存在")
    return policy


def _apply_form(request, match, failed: ApplicationForm | None) -> ApplicationForm:
    """The application form of one matched firm: the refused one (with its errors) for that firm."""
    if failed is not None and normalize_code(failed.data.get("enterprise_uscc", "")) == match.enterprise.uscc:
        form = failed
    else:
        form = ApplicationForm(firms=perms.firms_for_benefits(request.user),
                               initial={"enterprise_uscc": match.enterprise.uscc, "amount": match.estimate})
    form.auto_id = f"id_apply{match.enterprise_id}_%s"
    return form


def _policy_page(request, policy: Policy, *, failed_apply=None, publish_form=None, status: int = 200):
    from .fields import SUBJECT_FIELDS, formula_text
    from .rules import compile_rule, rule_tree

    user = request.user
    compiled = compile_rule(policy.rule, fields=SUBJECT_FIELDS[policy.subject])
    can_edit = perms.can_manage_policy(user, policy)
    context = {"policy": policy, "rule_tree": rule_tree(compiled), "formula_text": formula_text(policy.formula),
               "can_edit": can_edit,
               "can_publish": can_edit and bool(POLICY_WORKFLOW.available(policy, user)),
               "publish_form": publish_form or PolicyPublishForm()}
    if policy.for_persons:  # no firm is matched: the people claim its items in the talent benefit ledger
        context["talent_items"] = list(policy.talent_items.filter(is_active=True))
    elif perms.can_seek_benefits(user):
        firms = perms.firms_for_benefits(user)
        matches = list(MatchResult.objects.filter(policy=policy, enterprise__in=firms).select_related("enterprise"))
        for m in matches:
            m.form = _apply_form(request, m, failed_apply)
        placed = failed_apply is not None and any(m.form is failed_apply for m in matches)
        context.update({
            "my_matches": matches, "apply_errors": failed_apply.errors if failed_apply is not None and not placed
            else None, "applications": list(BenefitApplication.objects.filter(policy=policy, enterprise__in=firms)),
            "refusals": _refusals(policy, compiled, [f for f in firms if f.pk not in {m.enterprise_id for m in matches}]),
        })
    elif perms.can_view_policy_matches(user):
        if perms.can_view_matched_firms(user, policy):
            matches = policy.matches.select_related("enterprise").order_by(  # amounts not yet known last, everywhere
                "verdict", F("estimate").desc(nulls_last=True), "enterprise__name")
            page, query = paginate(request, matches)
            context.update({"page": page, "query": query})
        context.update({"show_counts": True,
                        "counts": policy.matches.aggregate(eligible=Count("id", filter=Q(verdict="eligible")),
                                                           partial=Count("id", filter=Q(verdict="partial")),
                                                           told=Count("id", filter=Q(told_at__isnull=False)))})
    return render(request, "benefits/policy_detail.html", context, status=status)


def _refusals(policy: Policy, compiled, firms: list) -> list[dict]:
    """For the user's firms the policy did not match: the conditions they do not meet, read from their profile (a
    firm in a restricted industry is told which entry of the zone's list its industry code falls under)."""
    from .industries import restricted_flag
    from .rules import unmet_conditions

    if not firms or policy.status != PolicyStatus.PUBLISHED:
        return []
    rows = {r["enterprise_id"]: r for r in selectors.profile_frame([f.pk for f in firms]).to_dicts()}
    entries = None
    out = []
    for firm in firms:
        row = rows[firm.pk]
        unmet = unmet_conditions(compiled, row)
        if not unmet:
            continue
        note = ""
        if row.get("restricted_industry") and "restricted_industry" in compiled.fields:
            if entries is None:
                entries = list(RestrictedIndustry.objects.filter(is_active=True))
            hit = next((e for e in entries if restricted_flag(row["industry_code"], [e.code])), None)
            if hit is not None:
                note = (f"本企业行业代码 {row['industry_code']} 属于园区限制和禁止行业清单中的“{hit.code} {hit.name}”"
                        f"（{hit.get_kind_display()}{'，' + hit.basis if hit.basis else ''}）")
        out.append({"enterprise": firm, "unmet": unmet, "note": note})
    return out


def policy_detail(request, code: str):
    return _policy_page(request, _policy(request, code))


@require(perms.can_seek_benefits)
def my_policies(request):
    matches = selectors.my_matches(user=request.user)
    page, query = paginate(request, matches)
    return render(request, "benefits/my_policies.html", {
        "page": page, "query": query, "enterprises": perms.firms_for_benefits(request.user),
    })


@require(perms.can_manage_policies)
def policy_edit(request, code: str | None = None):
    user = request.user
    if code:
        policy = _policy(request, code)
        if not perms.can_manage_policy(user, policy):
            raise PermissionDenied("只能维护本部门的政策")
    else:
        policy = Policy(issuer=user.org_unit)
    form = PolicyForm(request.POST or None, instance=policy, issuers=perms.policy_issuers_for(user))
    if request.method == "POST" and form.is_valid():
        try:
            policy = services.policy_save(policy=form.save(commit=False), actor=user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "政策已保存。" + ("已重新匹配企业。" if policy.status == PolicyStatus.PUBLISHED else ""))
            return redirect("policy_detail", code=policy.code)
    fields = [(f.code, f.label) for f in FIELDS.values()]
    person_fields = [(f.code, f.label) for f in PERSON_FIELDS.values()]
    return render(request, "benefits/policy_form.html", {"form": form, "policy": policy, "fields": fields,
                                                         "person_fields": person_fields})


@require(perms.can_manage_policies)
@require_POST
def policy_publish(request, code: str):
    policy = _policy(request, code)
    form = PolicyPublishForm(request.POST)
    form.is_valid()
    try:
        services.policy_publish(policy=policy, actor=request.user)
    except ValidationError as exc:
        add_service_errors(form, exc)
        policy.refresh_from_db()
        return _policy_page(request, policy, publish_form=form, status=400)
    messages.success(request, "政策已发布，正在匹配全区企业并推送“您可能符合”通知。")
    return redirect("policy_detail", code=code)


def _enterprise_for_profile(request, pk: int):
    enterprise = enterprises_visible_to(request.user).filter(pk=pk).first()
    if enterprise is None:
        raise Http404("企业不存在")
    if not perms.can_edit_profile(request.user, enterprise):
        raise PermissionDenied("只能维护本企业的画像数据")
    return enterprise


def profile_edit(request, pk: int):
    enterprise = _enterprise_for_profile(request, pk)
    user = request.user
    facts = {f.field: f for f in enterprise.facts.select_related("supplied_by")}
    firm_user = perms.can_apply_for(user, enterprise)
    form = ProfileForm(request.POST if request.method == "POST" else None, initial=ProfileForm.initial_from(facts),
                       fields=perms.editable_facts(user, enterprise), disputes=firm_user)
    if request.method == "POST" and form.is_valid():
        try:
            changed, disputes = services.profile_update(
                enterprise=enterprise, values=form.values(), actor=user, source=perms.profile_source(user),
                dispute_reason=form.cleaned_data.get("dispute_reason") or "")
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            note = f"已保存{len(changed)}项数据，并已重新匹配政策。" if changed else "数据没有变化。" if not disputes else ""
            if disputes:
                note += "；".join(f"“{d.field_label}”的异议已提交{d.supplier.name}核实" for d in disputes) + "。"
            messages.success(request, note)
            for label, missing in _quarters_missing(form.values()):
                messages.warning(request, f"季度{label}不全（缺{'、'.join(missing)}），暂按填写的全年季度平均值判断。")
            return redirect("profile_edit", pk=pk)
    quarterly = {f.code for f in QUARTER_FIELDS}
    rows = [(form[f.code], facts.get(f.code)) for f in form.facts if f.code not in quarterly]
    editable = {f.code for f in form.facts}
    # 从业人数 and 资产总额 at each quarter's start and end as one table (P5 averages them), when the user keeps them.
    quarters = [(f"第{'一二三四'[q - 1]}季度", [form[code] for code in (f"staff_q{q}_start", f"staff_q{q}_end",
                                                                    f"assets_q{q}_start", f"assets_q{q}_end")])
                for q in QUARTERS] if quarterly <= editable else []
    return render(request, "benefits/profile_form.html", {
        "enterprise": enterprise, "form": form, "rows": rows, "quarters": quarters,
        "quarter_averages": _quarter_averages(facts) if quarters else [],
        "disputes": perms.disputes_visible_to(user).filter(enterprise=enterprise)[:20],
    })


QUARTER_KINDS = (("staff", "从业人数", "人"), ("assets", "资产总额", "万元"))


def _quarters_missing(values: dict) -> list[tuple[str, list[str]]]:
    """For each of 从业人数 and 资产总额 recorded for some quarters but not all: the quarters it lacks."""
    out = []
    for kind, label, _unit in QUARTER_KINDS:
        have = {q for q in QUARTERS if all(values.get(f"{kind}_q{q}_{e}") is not None for e in ("start", "end"))}
        some = any(values.get(f"{kind}_q{q}_{e}") is not None for q in QUARTERS for e in ("start", "end"))
        if some and len(have) < len(QUARTERS):
            out.append((label, [f"第{'一二三四'[q - 1]}季度" for q in QUARTERS if q not in have]))
    return out


def _quarter_averages(facts: dict) -> list[str]:
    """The year's quarterly averages the rules use, from the stored quarters (all eight figures of a kind)."""
    out = []
    for kind, label, unit in QUARTER_KINDS:
        numbers = [getattr(facts.get(f"{kind}_q{q}_{e}"), "number", None) for q in QUARTERS for e in ("start", "end")]
        if all(n is not None for n in numbers):
            out.append(f"{label} {format((sum(numbers) / 8).normalize(), 'f')}{unit}")
    return out


@require(perms.can_view_disputes)
def dispute_list(request):
    """企业画像数据异议: a department's disputes of the facts it supplied, open ones first, each decided here."""
    rows = perms.disputes_visible_to(request.user).order_by(
        Case(When(status="open", then=0), default=1), "-created_at", "-id")
    page, query = paginate(request, rows)
    return _disputes(request, page, query)


def _disputes(request, page, query, failed=None, status: int = 200):
    for d in page.object_list:
        d.actions = [(t, failed[1] if failed and failed[0] == d.pk and failed[1].data.get("name") == t.name
                      else DisputeActionForm(initial={"name": t.name}))
                     for t in DISPUTE_WORKFLOW.available(d, request.user)]
    return render(request, "benefits/dispute_list.html", {"page": page, "query": query}, status=status)


@require(perms.can_view_disputes)
@require_POST
def dispute_act(request, pk: int):
    dispute = perms.disputes_visible_to(request.user).filter(pk=pk).first()
    if dispute is None:
        raise Http404("异议不存在")
    form = DisputeActionForm(request.POST)
    if form.is_valid():
        try:
            services.fact_dispute_transition(dispute=dispute, name=form.cleaned_data["name"], actor=request.user,
                                             reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已处理{dispute.enterprise.name}对“{dispute.field_label}”的异议。")
            return redirect("fact_disputes")
    page, query = paginate(request, perms.disputes_visible_to(request.user).filter(pk=pk))
    return _disputes(request, page, query, failed=(dispute.pk, form), status=400)


@require(perms.can_seek_benefits)
@require_POST
def application_create(request, code: str):
    policy = _policy(request, code)
    if policy.status != PolicyStatus.PUBLISHED:
        raise Http404("政策不存在")
    form = ApplicationForm(request.POST, firms=perms.firms_for_benefits(request.user))
    if form.is_valid():
        try:
            app = services.application_create(policy=policy, actor=request.user, **form.application_kwargs())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已{'确认' if app.status == AppStatus.CONFIRMED else '提交'}，申请编号 {app.number}。")
            if app.above_estimate is not None:
                messages.warning(request, f"申请金额高于平台测算金额{app.above_estimate:.2f}万元，审核时将按测算依据核对，"
                                          "请备好说明材料。")
            return redirect("benefit_application", number=app.number)
    return _policy_page(request, policy, failed_apply=form, status=400)


def application_list(request):
    qs = selectors.application_list(user=request.user, status=request.GET.get("status", ""))
    page, query = paginate(request, qs)
    return render_page(request, "benefits/application_list.html", "benefits/partials/application_table.html",
                       {"page": page, "query": query, "statuses": AppStatus.choices})


def _application(request, number: str) -> BenefitApplication:
    app = selectors.application_get(user=request.user, number=number)
    if app is None:
        raise Http404("申请不存在")
    return app


def _action_form(transition, app: BenefitApplication, data=None) -> ApplicationActionForm:
    form = ApplicationActionForm(data, initial={"name": transition.name, "amount": app.amount_requested},
                                 auto_id=f"id_{transition.name.lower()}_%s")
    form.fields["reason"].label = f"{transition.label}原因"
    return form


def _detail(request, app: BenefitApplication, failed: ApplicationActionForm | None = None, status: int = 200):
    actions = []
    failed_name = failed.data.get("name") if failed is not None else None
    for t in WORKFLOW.available(app, request.user):
        form = failed if failed_name == t.name else _action_form(t, app)
        fields = [form[f] for f in FIELDS_BY_ACTION.get(t.name, ())] + ([form["reason"]] if t.needs_reason else [])
        actions.append({"transition": t, "form": form, "fields": fields})
    return render(request, "benefits/application_detail.html", {
        "app": app, "events": app.events.all(), "actions": actions,
        "bank_account": app.bank_account if perms.can_read_bank_account(request.user, app)
        else mask_bank_account(app.bank_account),
        "snapshot": [(FIELDS[k].label, {"True": "是", "False": "否"}.get(v, v))
                     for k, v in app.profile_snapshot.items() if k in FIELDS],
    }, status=status)


def application_detail(request, number: str):
    return _detail(request, _application(request, number))


@require_POST
def application_act(request, number: str):
    app = _application(request, number)
    form = ApplicationActionForm(request.POST)
    if form.is_valid():
        transition = WORKFLOW[form.cleaned_data["name"]]
        form = _action_form(transition, app, request.POST)
        form.is_valid()
        try:
            services.application_transition(application=app, name=transition.name, actor=request.user,
                                            reason=form.cleaned_data["reason"], **form.params())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已完成：{transition.label}")
            return redirect("benefit_application", number=number)
    else:
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
    app = _application(request, number)
    return _detail(request, app, failed=form, status=400)


@require(perms.can_view_benefit_statistics)
def statistics(request):
    paid = Q(applications__status__in=[AppStatus.PAID, AppStatus.ARCHIVED])
    rows = (Policy.objects.filter(status=PolicyStatus.PUBLISHED).select_related("issuer")
            .annotate(matched=Count("matches", filter=Q(matches__verdict="eligible"), distinct=True),
                      partial=Count("matches", filter=Q(matches__verdict="partial"), distinct=True),
                      told=Count("matches", filter=Q(matches__told_at__isnull=False), distinct=True),
                      applied=Count("applications", distinct=True),
                      paid_count=Count("applications", filter=paid, distinct=True))
            .order_by("issuer__sort_order", "code"))
    # Summed separately: a sum across two joined relations would count rows twice.
    amounts = dict(BenefitApplication.objects.filter(status__in=[AppStatus.PAID, AppStatus.ARCHIVED])
                   .values("policy").annotate(total=Sum("amount_paid")).values_list("policy", "total"))
    for row in rows:
        row.paid_amount = amounts.get(row.pk)
    by_department = {}
    for row in rows:
        d = by_department.setdefault(row.issuer.name, {"policies": 0, "matched": 0, "told": 0, "applied": 0,
                                                       "paid_count": 0, "paid_amount": Decimal(0)})
        d["policies"] += 1
        for key in ("matched", "told", "applied", "paid_count"):
            d[key] += getattr(row, key)
        d["paid_amount"] += row.paid_amount or 0
    return render(request, "benefits/statistics.html", {"rows": rows, "by_department": by_department})

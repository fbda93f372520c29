"""Policy library, my policies, profile data, applications through payment, statistics."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from gaoxin.accounts import permissions as perms
from gaoxin.accounts.models import Role
from gaoxin.core.views_utils import error_text, paginate, render_page, require
from gaoxin.enterprises.models import Enterprise

from . import selectors, services
from .fields import FACT_FIELDS, FIELDS
from .models import (
    AppStatus,
    BenefitApplication,
    MatchResult,
    Policy,
    PolicyKind,
    PolicyMode,
    PolicyStatus,
)


def can_manage_policies(user) -> bool:
    return perms.has_role(user, Role.ZONE_ADMIN, Role.DEPT_OFFICER)


def policy_index(request):
    qs = selectors.policy_list(user=request.user, q=request.GET.get("q", "").strip(), kind=request.GET.get("kind", ""),
                               mode=request.GET.get("mode", ""))
    page, query = paginate(request, qs)
    return render_page(request, "benefits/policy_list.html", "benefits/partials/policy_table.html", {
        "page": page, "query": query, "kinds": PolicyKind.choices, "modes": PolicyMode.choices,
        "can_manage": can_manage_policies(request.user),
    })


def policy_detail(request, code: str):
    policy = get_object_or_404(Policy.objects.select_related("issuer"), code=code)
    user = request.user
    if policy.status != PolicyStatus.PUBLISHED and not can_manage_policies(user):
        raise Http404("政策不存在")
    from .fields import formula_text
    from .rules import compile_rule

    leaves = [(leaf.label, leaf.text) for leaf in compile_rule(policy.rule).leaves]
    context = {"policy": policy, "leaves": leaves, "formula_text": formula_text(policy.formula), "can_edit": services._can_manage(user, policy) if can_manage_policies(user) else False}
    if user.role == Role.ENTERPRISE:
        context["my_matches"] = list(MatchResult.objects.filter(policy=policy, enterprise__memberships__user=user)
                                     .select_related("enterprise"))
        context["applications"] = list(BenefitApplication.objects.filter(policy=policy, enterprise__memberships__user=user))
    elif perms.is_staff_role(user):
        matches = policy.matches.select_related("enterprise").order_by("verdict", "-estimate", "enterprise__name")
        page, query = paginate(request, matches)
        context.update({"page": page, "query": query,
                        "counts": policy.matches.aggregate(eligible=Count("id", filter=Q(verdict="eligible")),
                                                           partial=Count("id", filter=Q(verdict="partial")),
                                                           told=Count("id", filter=Q(told_at__isnull=False)))})
    return render(request, "benefits/policy_detail.html", context)


@require(lambda u: perms.has_role(u, Role.ENTERPRISE))
def my_policies(request):
    matches = selectors.my_matches(user=request.user)
    page, query = paginate(request, matches)
    return render(request, "benefits/my_policies.html", {
        "page": page, "query": query, "enterprises": Enterprise.objects.filter(memberships__user=request.user),
    })


class PolicyForm(forms.ModelForm):
    class Meta:
        model = Policy
        fields = ["code", "title", "document_number", "issuer", "level", "kind", "mode", "summary", "guide", "rule",
                  "formula", "amount_cap", "effective_from", "effective_to", "contact"]
        widgets = {"rule": forms.Textarea(attrs={"rows": 4, "class": "font-monospace"}),
                   "summary": forms.Textarea(attrs={"rows": 3}), "guide": forms.Textarea(attrs={"rows": 3}),
                   "effective_from": forms.DateInput(attrs={"type": "date"}),
                   "effective_to": forms.DateInput(attrs={"type": "date"})}
        # The rule language's examples are code the author types: shown as code, not as prose.
        help_texts = {"rule": mark_safe("例如：<code>has('高新技术企业') and rd_ratio &gt;= 0.03</code>"),
                      "formula": mark_safe("例如：<code>rd_expense * cit_rate</code>")}

    def clean(self):
        data = super().clean()
        try:
            services.check_rule_text(data.get("rule") or "", data.get("formula") or "")
        except ValidationError as exc:
            for field, msgs in exc.message_dict.items():
                self.add_error(field, msgs)
        return data


@require(can_manage_policies)
def policy_edit(request, code: str | None = None):
    policy = get_object_or_404(Policy, code=code) if code else Policy(issuer=request.user.org_unit)
    form = PolicyForm(request.POST or None, instance=policy)
    if request.user.role == Role.DEPT_OFFICER:
        form.fields["issuer"].queryset = form.fields["issuer"].queryset.filter(pk=request.user.org_unit_id)
    if request.method == "POST" and form.is_valid():
        try:
            policy = services.policy_save(policy=form.save(commit=False), actor=request.user)
            messages.success(request, "政策已保存。" + ("已重新匹配企业。" if policy.status == PolicyStatus.PUBLISHED else ""))
            return redirect("policy_detail", code=policy.code)
        except ValidationError as exc:
            form.add_error(None, error_text(exc))
    fields = [(f.code, f.label) for f in FIELDS.values()]
    return render(request, "benefits/policy_form.html", {"form": form, "policy": policy, "fields": fields})


@require(can_manage_policies)
@require_POST
def policy_publish(request, code: str):
    policy = get_object_or_404(Policy, code=code)
    try:
        services.policy_publish(policy=policy, actor=request.user)
        messages.success(request, "政策已发布，正在匹配全区企业并推送“您可能符合”通知。")
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    return redirect("policy_detail", code=code)


def _enterprise_for_profile(request, pk: int) -> Enterprise:
    enterprise = perms.enterprises_visible_to(request.user).filter(pk=pk).first()
    if enterprise is None:
        raise Http404("企业不存在")
    if not (request.user.role == Role.ZONE_ADMIN
            or request.user.enterprise_memberships.filter(enterprise=enterprise).exists()):
        raise PermissionDenied("只能维护本企业的画像数据")
    return enterprise


def profile_edit(request, pk: int):
    enterprise = _enterprise_for_profile(request, pk)
    facts = {f.field: f for f in enterprise.facts.all()}
    if request.method == "POST":
        values, errors = {}, []
        for f in FACT_FIELDS:
            raw = request.POST.get(f.code, "").strip()
            if f.kind == "number" and raw:
                try:
                    values[f.code] = Decimal(raw.replace(",", ""))
                except InvalidOperation:
                    errors.append(f"{f.label}：“{raw}”不是数字")
            elif f.kind == "bool":
                values[f.code] = {"yes": True, "no": False}.get(raw)
            else:
                values[f.code] = raw or None
        if errors:
            messages.error(request, "；".join(errors))
        else:
            source = "企业填报" if request.user.role == Role.ENTERPRISE else "部门核定"
            changed = services.profile_update(enterprise=enterprise, values=values, actor=request.user, source=source)
            messages.success(request, f"已保存{len(changed)}项数据，并已重新匹配政策。" if changed else "数据没有变化。")
            return redirect("profile_edit", pk=pk)
    rows = []
    for f in FACT_FIELDS:
        fact = facts.get(f.code)
        value = None if fact is None else (fact.number if f.kind == "number" else fact.flag if f.kind == "bool" else fact.text)
        rows.append((f, value, fact))
    return render(request, "benefits/profile_form.html", {"enterprise": enterprise, "rows": rows})


@require_POST
def application_create(request, code: str):
    policy = get_object_or_404(Policy, code=code, status=PolicyStatus.PUBLISHED)
    enterprise = Enterprise.objects.filter(memberships__user=request.user, pk=request.POST.get("enterprise")).first()
    if enterprise is None:
        messages.error(request, "请选择本企业")
        return redirect("policy_detail", code=code)
    try:
        amount = Decimal(request.POST["amount"]) if request.POST.get("amount") else None
        app = services.application_create(policy=policy, enterprise=enterprise, actor=request.user, amount=amount,
                                          bank_account=request.POST.get("bank_account", ""),
                                          note=request.POST.get("note", "")[:500])
        messages.success(request, f"已{'确认' if app.status == AppStatus.CONFIRMED else '提交'}，申请编号 {app.number}。")
        return redirect("benefit_application", number=app.number)
    except (ValidationError, InvalidOperation) as exc:
        messages.error(request, error_text(exc) if isinstance(exc, ValidationError) else "金额格式不正确")
    except PermissionDenied as exc:
        raise exc
    return redirect("policy_detail", code=code)


def application_list(request):
    qs = selectors.applications_visible_to(request.user)
    status = request.GET.get("status", "")
    if status:
        qs = qs.filter(status=status)
    page, query = paginate(request, qs)
    return render_page(request, "benefits/application_list.html", "benefits/partials/application_table.html",
                       {"page": page, "query": query, "statuses": AppStatus.choices})


def application_detail(request, number: str):
    app = selectors.applications_visible_to(request.user).filter(number=number).first()
    if app is None:
        raise Http404("申请不存在")
    return render(request, "benefits/application_detail.html", {
        "app": app, "events": app.events.all(), "actions": services.transitions_for(app, request.user),
    })


@require_POST
def application_act(request, number: str):
    app = selectors.applications_visible_to(request.user).filter(number=number).first()
    if app is None:
        raise Http404("申请不存在")
    try:
        amount = Decimal(request.POST["amount"]) if request.POST.get("amount") else None
        services.application_transition(application=app, name=request.POST.get("name", ""), actor=request.user,
                                        reason=request.POST.get("reason", ""), amount=amount,
                                        payment_ref=request.POST.get("payment_ref", ""))
        messages.success(request, "操作已完成。")
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    except InvalidOperation:
        messages.error(request, "金额格式不正确")
    return redirect("benefit_application", number=number)


@require(lambda u: perms.has_role(u, Role.ZONE_ADMIN, Role.DEPT_OFFICER, Role.LEADER))
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

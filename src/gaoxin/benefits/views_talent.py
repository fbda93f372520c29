"""Talent benefits (人才待遇, benefits.md §6.2): the talent office's ledger with filters and totals, a person's claims
and eligibility per item, a claim with its instalment schedule, the items' parameters and tier table, the person
facts the office records. Every POST is bound to a form; a service's error is shown beside its field and the page
re-rendered with what the user typed."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from gaoxin.core.masking import mask_bank_account
from gaoxin.core.views_utils import add_service_errors, error_text, paginate, render_page, require

from . import permissions as perms
from . import selectors, services
from .fields import PERSON_FIELDS
from .forms import PersonFactsForm, TalentActionForm, TalentClaimForm, TalentItemForm
from .models import (
    CLAIM_ENDED_WITHOUT_BENEFIT,
    ClaimStatus,
    InstalmentStatus,
    PersonFact,
    TalentBenefitItem,
    TalentClaim,
)
from .workflow import CLAIM_WORKFLOW, CLAWBACK_WORKFLOW, INSTALMENT_WORKFLOW

can_use_talent_benefits = perms.can_use_talent_benefits


def _paid_sum():
    return Sum("instalments__amount", filter=Q(instalments__status=InstalmentStatus.PAID))


@require(can_use_talent_benefits)
def ledger(request):
    """The office's (finance's, leaders') ledger; a talent goes to their own page; an employer sees the claims it
    filed and the people it employs."""
    user = request.user
    own = perms.talent_of(user)
    if own is not None and not perms.can_view_talent_ledger(user):
        return redirect("talent_benefit_person", pk=own.pk)
    g = request.GET
    claims = selectors.talent_claim_list(user=user, item=g.get("item", ""), status=g.get("status", ""),
                                         tier=g.get("tier", ""), year=g.get("year", "").strip(),
                                         q=g.get("q", "").strip())
    totals = selectors.talent_ledger_totals(claims)
    page, query = paginate(request, claims.annotate(paid=_paid_sum()).order_by("-created_at", "-id"))
    from gaoxin.talent.models import TalentTier

    people = None
    if not perms.can_view_talent_ledger(user):  # an employer: its people, to claim for them
        people = perms.claimable_talents(user).select_related("employer").order_by("name", "id")[:200]
    found, who = None, g.get("who", "").strip()
    if who and perms.is_talent_office(user):  # the office finds a person to claim for on their behalf
        found = list(perms.claimable_talents(user).filter(Q(name__icontains=who) | Q(id_number=who.upper()))
                     .select_related("employer").order_by("name", "id")[:20])
    return render_page(request, "benefits/talent_ledger.html", "benefits/partials/talent_claim_table.html", {
        "page": page, "query": query, "totals": totals, "items": TalentBenefitItem.objects.order_by("code"),
        "statuses": ClaimStatus.choices, "tiers": TalentTier.objects.order_by("rank"), "people": people,
        "found": found, "who": who,
        "is_office": perms.is_talent_office(user), "full_ids": perms.is_talent_office(user),
        "can_manage_items": perms.can_manage_talent_items(user),
    })


def _person(request, pk: int):
    talent = perms.benefit_people_visible_to(request.user).select_related("employer", "user").filter(pk=pk).first()
    if talent is None:
        raise Http404("人才不存在")
    return talent


def _person_page(request, talent, form: TalentClaimForm | None = None, status: int = 200):
    user = request.user
    can_claim = perms.can_claim_for(user, talent)
    checks = []
    row = selectors.person_row(talent)
    # Items already claimed by any channel (同一事项不重复享受), including claims this user may not open.
    taken = set(TalentClaim.objects.filter(talent=talent).exclude(status__in=CLAIM_ENDED_WITHOUT_BENEFIT)
                .values_list("item_id", flat=True))
    if can_claim or perms.is_talent_office(user):
        for item in TalentBenefitItem.objects.filter(is_active=True).select_related("policy").order_by("code"):
            check = selectors.talent_eligibility(talent, item, row=row)
            check.taken = item.pk in taken
            checks.append((item, check))
    # Figures as people write them (60 万元, not the stored 60.000000 万元; QA walk).
    facts = [(f.label, format(v.normalize(), "f") if isinstance(v := row.get(code), Decimal) else v, f.unit)
             for code, f in PERSON_FIELDS.items()]
    claims = list(perms.talent_claims_visible_to(user).filter(talent=talent).annotate(paid=_paid_sum())
                  .order_by("-created_at", "-id"))
    hidden = len(taken - {c.item_id for c in claims if c.status not in CLAIM_ENDED_WITHOUT_BENEFIT})
    return render(request, "benefits/talent_person.html", {
        "talent": talent, "id_number": talent.id_number if perms.can_view_person_id_numbers(user, talent)
        else talent.masked_id_number, "facts": facts, "titles": row["qualifications"], "checks": checks,
        "claims": claims, "hidden_claims": hidden, "can_claim": can_claim, "form": form or TalentClaimForm(),
        "can_edit_facts": perms.can_edit_person_facts(user),
    }, status=status)


@require(can_use_talent_benefits)
def person(request, pk: int):
    return _person_page(request, _person(request, pk))


@require(can_use_talent_benefits)
@require_POST
def claim_create(request, pk: int):
    talent = _person(request, pk)
    if not perms.can_claim_for(request.user, talent):
        raise PermissionDenied("只能为本人（或本单位的人才）申领")
    form = TalentClaimForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            claim = services.talent_claim_create(talent=talent, item=d["item"], actor=request.user,
                                                 bank_account=d["bank_account"], note=d["note"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已提交申领，编号 {claim.number}，待人才办审核。")
            return redirect("talent_claim", number=claim.number)
    return _person_page(request, talent, form=form, status=400)


@require(perms.can_edit_person_facts)
def person_facts(request, pk: int):
    talent = _person(request, pk)
    facts = {f.field: f for f in PersonFact.objects.filter(talent=talent)}
    initial = {}
    for f in PersonFactsForm().facts:
        fact = facts.get(f.code)
        if fact is not None:
            initial[f.code] = (format(fact.number.normalize(), "f") if fact.number is not None else None) \
                if f.kind == "number" else {True: "yes", False: "no"}.get(fact.flag, "") if f.kind == "bool" else fact.text
    form = PersonFactsForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.person_facts_update(talent=talent, values=form.values(), actor=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已保存{len(changed)}项个人数据。" if changed else "数据没有变化。")
            return redirect("talent_benefit_person", pk=pk)
    return render(request, "benefits/talent_person_facts.html", {"talent": talent, "form": form},
                  status=400 if form.is_bound and form.errors else 200)


def _claim(request, number: str) -> TalentClaim:
    claim = selectors.talent_claim_get(user=request.user, number=number)
    if claim is None:
        raise Http404("申领不存在")
    return claim


def _action(target: str, transition, data=None, failed=None) -> dict:
    form = failed if failed is not None else TalentActionForm(
        data, initial={"target": target, "name": transition.name}, auto_id=f"id_{target}_{transition.name.lower()}_%s")
    names = TalentActionForm.FIELDS.get((TalentActionForm.kind(target), transition.name), ())
    fields = [form[f] for f in names] + ([form["reason"]] if transition.needs_reason else [])
    return {"transition": transition, "form": form, "fields": fields}


def _claim_page(request, claim: TalentClaim, failed: TalentActionForm | None = None, status: int = 200):
    user = request.user
    failed_key = (failed.data.get("target"), failed.data.get("name")) if failed is not None else None

    def actions(target, workflow, obj):
        return [_action(target, t, failed=failed if failed_key == (target, t.name) else None)
                for t in workflow.available(obj, user)]

    instalments = list(claim.instalments.all())
    today = timezone.localdate()
    for inst in instalments:
        inst.actions = actions(f"instalment-{inst.pk}", INSTALMENT_WORKFLOW, _with_claim(inst, claim))
        inst.not_due = inst.status == InstalmentStatus.SCHEDULED and inst.due_on > today
    clawback = getattr(claim, "clawback", None)
    if clawback is not None:
        clawback.actions = actions("clawback", CLAWBACK_WORKFLOW, _with_claim(clawback, claim))
    paid = sum((i.amount for i in instalments if i.status == InstalmentStatus.PAID), start=0)
    talent = claim.talent
    return render(request, "benefits/talent_claim.html", {
        "claim": claim, "instalments": instalments, "clawback": clawback, "paid": paid,
        "claim_actions": actions("claim", CLAIM_WORKFLOW, claim), "events": claim.events.all(),
        "id_number": talent.id_number if perms.can_view_person_id_numbers(user, talent) else talent.masked_id_number,
        "bank_account": claim.bank_account if perms.can_read_talent_account(user, claim)
        else mask_bank_account(claim.bank_account),
        "can_open_person": perms.benefit_people_visible_to(user).filter(pk=talent.pk).exists(),
        "failed": failed,
    }, status=status)


def _with_claim(obj, claim):
    obj.claim = claim  # the page's claim (already loaded), for the roles and guards
    return obj


@require(can_use_talent_benefits)
def claim_detail(request, number: str):
    return _claim_page(request, _claim(request, number))


@require(can_use_talent_benefits)
@require_POST
def claim_act(request, number: str):
    claim = _claim(request, number)
    form = TalentActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
        return _claim_page(request, claim, status=400)
    target, name = form.cleaned_data["target"], form.cleaned_data["name"]
    kind = TalentActionForm.kind(target)
    workflow = {"claim": CLAIM_WORKFLOW, "instalment": INSTALMENT_WORKFLOW}.get(kind, CLAWBACK_WORKFLOW)
    try:
        if kind == "claim":
            services.talent_claim_transition(claim=claim, name=name, actor=request.user,
                                             reason=form.cleaned_data["reason"], **form.params())
        elif kind == "instalment":
            instalment = claim.instalments.filter(pk=int(target.split("-")[1])).first()
            if instalment is None:
                raise Http404("分期不存在")
            services.talent_instalment_transition(instalment=instalment, name=name, actor=request.user,
                                                  reason=form.cleaned_data["reason"], **form.params())
        else:
            clawback = getattr(claim, "clawback", None)
            if clawback is None:
                raise Http404("追回记录不存在")
            services.talent_clawback_transition(clawback=clawback, name=name, actor=request.user,
                                                reason=form.cleaned_data["reason"], **form.params())
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _claim_page(request, _claim(request, number), failed=form, status=400)
    messages.success(request, f"已完成：{workflow[name].label}" if name in workflow else "已完成")
    return redirect("talent_claim", number=number)


@require(perms.can_manage_talent_items)
def items(request):
    rows = TalentBenefitItem.objects.select_related("policy").prefetch_related("tier_amounts__tier").order_by("code")
    return render(request, "benefits/talent_items.html", {"items": rows})


@require_POST
@require(perms.can_manage_talent_items)
def items_load_defaults(request):
    try:
        loaded = services.talent_items_load_defaults(actor=request.user)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, f"已载入{len(loaded)}项默认人才待遇事项，请按本区标准逐项核对金额和分期。")
    return redirect("talent_items")


@require(perms.can_manage_talent_items)
def item_edit(request, code: str):
    from gaoxin.talent.models import TalentTier

    item = TalentBenefitItem.objects.filter(code=code).first()
    if item is None:
        raise Http404("事项不存在")
    tiers = list(TalentTier.objects.order_by("rank"))
    amounts = {a.tier.code: a.amount for a in item.tier_amounts.select_related("tier")}
    form = TalentItemForm(request.POST or None, instance=TalentBenefitItem.objects.get(pk=item.pk), tiers=tiers,
                          amounts=amounts)
    if request.method == "POST" and form.is_valid():
        try:
            services.talent_item_save(item=item, values=form.values(), amounts=form.amounts(), actor=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已保存“{item.name}”的参数和层次金额（已提交的申领不受影响）。")
            return redirect("talent_items")
    return render(request, "benefits/talent_item_form.html", {"item": item, "form": form},
                  status=400 if form.is_bound and form.errors else 200)

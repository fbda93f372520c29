"""Case pages: queues, the case page with its actions and timeline, online application,
window intake, printable notices, public tracking, reviews and rectifications."""

from __future__ import annotations

import mimetypes
from pathlib import PurePosixPath
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from gaoxin.catalog.models import Bundle, Channel, ServiceItem
from gaoxin.core import hooks
from gaoxin.core.masking import mask_id_number
from gaoxin.core.pdf import pdf_response
from gaoxin.core.views_utils import add_service_errors, error_text, paginate, render_page, require, stray_errors

from . import application, pending, selectors, services
from . import permissions as perms
from .forms import (
    ApplyForm,
    BundleApplyForm,
    CaseActionForm,
    CaseFilterForm,
    CorrectionUploadForm,
    DecisionForm,
    DeliveryForm,
    FileOpenForm,
    RectificationForm,
    RegisterFirmForm,
    ReviewForm,
    SituationPickForm,
    SupplyForm,
    ToleranceForm,
    TrackForm,
    TrackPrefillForm,
    WindowIntakeForm,
    tolerance_candidates,
)
from .models import ApplicantType, Case, CaseMaterial, Kind, Status
from .workflow import RECTIFICATION_WORKFLOW, WORKFLOW


def _case(request, number: str) -> Case:
    try:
        return selectors.case_get(user=request.user, number=number)
    except Case.DoesNotExist:
        raise Http404("办件不存在或无权查看") from None


def case_queue(request, queue: str = "all"):
    if queue not in selectors.QUEUES:
        raise Http404("没有该队列")
    if not perms.can_open_queue(request.user, queue):
        raise PermissionDenied("您无权查看该队列")
    qs = selectors.case_list(user=request.user, queue=queue, **CaseFilterForm(request.GET).filters())
    page, query = paginate(request, qs)
    page.object_list = selectors.with_time_left(page.object_list)
    return render_page(request, "cases/case_queue.html", "cases/partials/case_table.html", {
        "page": page, "query": query, "queue": queue, "queues": selectors.queues_for(request.user),
        "statuses": Status.choices, "channels": Channel.choices,
        **hooks.flags("queue", request.user, enterprise_ids=[c.enterprise_id for c in page.object_list]),
    })


def case_detail(request, number: str):
    return _detail_page(request, _case(request, number))


def _detail_page(request, case: Case, **failed):
    """The case page. `failed`: a form the user sent that was refused, shown with its errors beside its
    fields and what was typed, in place of the blank one: action=(name, form), tolerance=, delivery=,
    supply=(material id, form), materials=, review=."""
    user = request.user
    available = WORKFLOW.available(case, user)
    materials = list(case.materials.all())
    failed_name, failed_action = failed.get("action", (None, None))
    actions = []
    for t in available:
        if t.name == "ACCEPT_TOLERANCE":
            continue  # its own form below
        entry = {"transition": t}
        if t.name not in DECISION_SLUGS and t.name != "DELIVER":
            form = failed_action if failed_name == t.name else \
                CaseActionForm(initial={"name": t.name}, auto_id=f"id_{t.name.lower()}_%s")
            entry.update(form=form, fields=form.shown(t))
        actions.append(entry)
    candidates = tolerance_candidates(case)
    can_tolerance = (any(t.name == "ACCEPT_TOLERANCE" for t in available) and case.version_id
                     and case.version.tolerance_allowed and candidates)
    supply_id, supply_form = failed.get("supply", (None, None))
    for cm in materials:
        cm.supply_errors = supply_form.errors.get("file", []) + supply_form.non_field_errors() \
            if supply_form is not None and cm.material_id == supply_id else []
    can_add = perms.can_add_case_materials(user, case) and case.status in (Status.RECEIVED, Status.CORRECTION) \
        and case.kind != Kind.PACKAGE
    can_review = case.status == Status.DELIVERED and not hasattr(case, "review") and perms.can_review_case(user, case)
    [case] = selectors.with_time_left([case])
    return render(request, "cases/case_detail.html", {
        "case": case, "actions": actions, "stray_errors": stray_errors(failed_action, actions), "materials": materials,
        "events": case.events.all(),
        "deadline_lines": selectors.deadline_explanation(case),
        "tolerance_form": failed.get("tolerance") or (ToleranceForm(materials=candidates) if can_tolerance else None),
        "delivery_form": failed.get("delivery") or (DeliveryForm(initial=selectors.postal_defaults(case))
                                                     if any(t.name == "DELIVER" for t in available) else None),
        "decision": getattr(case, "decision", None),
        "owed": [cm for cm in materials if cm.owed and not cm.supplied_on],
        "can_supply": perms.can_supply_owed(user, case),
        "can_open_files": perms.can_open_case_files(user),
        "materials_form": (failed.get("materials") or CorrectionUploadForm(
            materials=[cm for cm in materials if not cm.present])) if can_add else None,
        "correction": case.events.filter(transition="REQUEST_CORRECTION").last(),
        "review_form": (failed.get("review") or ReviewForm()) if can_review else None,
        "can_accept_package": case.kind == Kind.PACKAGE and case.status == Status.RECEIVED
        and perms.can_accept_package(user, case),
        "notices": selectors.notice_kinds(case),
        **hooks.flags("cases.detail", user, case=case),
    })


@require_POST
def case_act(request, number: str):
    """A plain button of the case page; decisions and delivery have their own forms."""
    case = _case(request, number)
    form = CaseActionForm(request.POST)
    valid = form.is_valid()
    name = form.cleaned_data.get("name")
    if name is None:
        messages.error(request, "；".join(form.errors.get("name", [])) or "操作无效")
        return redirect("case_detail", number=number)
    if name in DECISION_SLUGS:  # decisions have their own form with a confirmation step
        return redirect("case_decide", number=number, outcome=DECISION_SLUGS[name])
    if name == "DELIVER":
        messages.error(request, "请在送达表单中选择送达方式")
        return redirect("case_detail", number=number)
    if not WORKFLOW.roles_of(request.user, case) & WORKFLOW[name].roles:
        raise PermissionDenied("您无权执行此操作")
    form.auto_id = f"id_{name.lower()}_%s"
    if valid:
        try:
            services.case_transition(case=case, name=name, actor=request.user, **form.params())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已完成：{WORKFLOW[name].label}")
            return redirect("case_detail", number=number)
    return _detail_page(request, _case(request, number), action=(name, form))


@require_POST
def case_accept_tolerance(request, number: str):
    case = _case(request, number)
    form = ToleranceForm(request.POST, materials=tolerance_candidates(case))
    if form.is_valid():
        try:
            case = services.case_transition(case=case, name="ACCEPT_TOLERANCE", actor=request.user, **form.params())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已容缺受理，容缺材料须于{case.tolerance_deadline_text}补齐。"
                                      "请打印《容缺受理通知书》交申请人。")
            return redirect("case_detail", number=number)
    return _detail_page(request, _case(request, number), tolerance=form)


@require_POST
def case_accept_package(request, number: str):
    case = _case(request, number)
    if not perms.can_accept_package(request.user, case):
        raise PermissionDenied("您无权受理")
    try:
        services.package_accept(package=case, actor=request.user)
        messages.success(request, "一件事已一次受理，各子件已分送承办部门并联办理。")
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    return redirect("case_detail", number=number)


@require_POST
def case_supply(request, number: str, material_id: int):
    case = _case(request, number)
    form = SupplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.case_supply_owed(case=case, material_id=material_id, actor=request.user,
                                      upload=form.cleaned_data["file"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        except CaseMaterial.DoesNotExist:
            raise Http404("该材料不是容缺待补材料") from None
        else:
            messages.success(request, "容缺材料已补齐。")
            return redirect("case_detail", number=number)
    return _detail_page(request, _case(request, number), supply=(material_id, form))


@require_POST
def case_add_materials(request, number: str):
    """The enterprise answers a correction request by uploading the missing materials."""
    case = _case(request, number)
    form = CorrectionUploadForm(request.POST, request.FILES, materials=[cm for cm in case.materials.all()
                                                                         if not cm.present])
    if form.is_valid():
        try:
            names = services.case_add_materials(case=case, files=form.files_by_material(), actor=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已上传：{'、'.join(names)}。窗口核对后将受理。")
            return redirect("case_detail", number=number)
    return _detail_page(request, _case(request, number), materials=form)


@require_POST
def case_review(request, number: str):
    case = _case(request, number)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.review_submit(case=case, level=form.cleaned_data["level"], comment=form.cleaned_data["comment"],
                                   actor=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "感谢您的评价。")
            return redirect("case_detail", number=number)
    return _detail_page(request, _case(request, number), review=form)


def case_notice(request, number: str, kind: str, pdf: bool = False):
    case = _case(request, number)
    track_url = request.build_absolute_uri(reverse("track") + f"?number={case.number}")
    context = selectors.notice_context(case, kind, track_url)
    if context is None:
        raise Http404("该办件没有此类文书")
    context["pdf"] = pdf
    if pdf:
        return pdf_response(request, "cases/notice.html", context, quote(f"{context['title']}-{case.number}.pdf"))
    return render(request, "cases/notice.html", context)


# Opened in the browser; everything else (Word, Excel, OFD) is downloaded.
INLINE_TYPES = {"application/pdf", "image/jpeg", "image/png"}


def _serve_file(field, filename: str, *, download: bool) -> FileResponse:
    """A stored case file under a readable Chinese name (RFC 5987 `filename*`), inline for PDF
    and images unless a download is asked for; never cached by shared caches."""
    content_type = mimetypes.guess_type(field.name)[0] or "application/octet-stream"
    try:
        handle = field.open("rb")
    except OSError:
        raise Http404("文件不存在") from None
    response = FileResponse(handle, as_attachment=download or content_type not in INLINE_TYPES, filename=filename,
                            content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response


@require(perms.can_open_case_files)
def case_result_file(request, number: str):
    """The result file attached to the decision (licence scan, approval document)."""
    case = _case(request, number)
    decision = getattr(case, "decision", None)
    if decision is None or not decision.result_file:
        raise Http404("该办件没有结果文件")
    download = FileOpenForm(request.GET).download_asked()
    ext = PurePosixPath(decision.result_file.name).suffix.lower()
    response = _serve_file(decision.result_file, f"审批结果-{case.title}-{case.number}{ext}", download=download)
    services.case_result_open(decision=decision, actor=request.user, download=download)
    return response


DECISIONS = {"approve": "APPROVE", "refuse": "REFUSE"}
DECISION_SLUGS = {name: slug for slug, name in DECISIONS.items()}


def case_decide(request, number: str, outcome: str):
    """准予 / 不予许可 in two steps without JavaScript: the form, then a summary the officer
    confirms ("确认作出准予许可决定？"); "返回修改" goes back to the filled-in form."""
    if outcome not in DECISIONS:
        raise Http404("没有该决定类型")
    case = _case(request, number)
    if not perms.can_decide_case(request.user, case):
        raise PermissionDenied("只有承办部门的审批人员可以作出决定")
    name, approved = DECISIONS[outcome], outcome == "approve"
    if not WORKFLOW[name].starts_from(case.status):
        messages.error(request, f"办件处于“{case.get_status_display()}”状态，不能作出决定")
        return redirect("case_detail", number=number)
    user, step, token = request.user, "form", ""
    if request.method == "POST":
        form = DecisionForm(request.POST, request.FILES, approved=approved)
        valid = form.is_valid()
        token = form.cleaned_data.get("result_token") or ""
        if token and pending.name(token, user) is None:
            token = ""  # expired or not this user's: the file must be chosen again
        if valid:
            data = form.cleaned_data
            if data.get("result_file"):
                if token:
                    pending.drop(token, user)
                token = pending.keep(data["result_file"], user)
            action = data.get("step") or "review"
            if action == "confirm":
                try:
                    services.case_transition(case=case, name=name, actor=user,
                                             **form.params(result_file=pending.take(token, user) if token else None))
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    if token:
                        pending.drop(token, user)
                    messages.success(request, f"已作出{'准予' if approved else '不予'}许可决定，"
                                              f"请打印《{'准予' if approved else '不予'}行政许可决定书》。")
                    return redirect("case_detail", number=number)
            elif action != "edit":
                step = "confirm"
    else:
        form = DecisionForm(approved=approved)
    return render(request, "cases/decide.html", {
        "case": case, "form": form, "approved": approved, "outcome": outcome, "step": step, "token": token,
        "file_name": pending.name(token, user) if token else None,
        "verb": "准予许可" if approved else "不予许可",
    })


@require_POST
def case_deliver(request, number: str):
    """送达（出件）: the method from the list; by post with recipient, address and tracking number."""
    case = _case(request, number)
    if not perms.can_deliver_case(request.user, case):
        raise PermissionDenied("您无权送达")
    form = DeliveryForm(request.POST)
    if form.is_valid():
        try:
            case = services.case_transition(case=case, name="DELIVER", actor=request.user, **form.params())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已送达（{case.get_delivery_method_display()}）。")
            return redirect("case_detail", number=number)
    return _detail_page(request, _case(request, number), delivery=form)


@require(perms.can_open_case_files)
def case_material_file(request, number: str, material_id: int):
    """An uploaded material: staff and the applicant of cases they may see (404 outside scope)."""
    try:
        cm = selectors.case_material_get(user=request.user, number=number, material_id=material_id)
    except CaseMaterial.DoesNotExist:
        raise Http404("材料不存在或无权查看") from None
    download = FileOpenForm(request.GET).download_asked()
    ext = PurePosixPath(cm.file.name).suffix.lower()
    response = _serve_file(cm.file, f"{cm.material.name}-{cm.case.number}{ext}", download=download)
    services.case_material_open(case_material=cm, actor=request.user, download=download)
    return response


def _applicant_options(user, *, enterprise_ok: bool, citizen_ok: bool):
    """Whom this user may apply as: their bound firms, themself as a natural person, both or neither."""
    enterprises = perms.firms_for_application(user) if enterprise_ok else None
    if enterprises is not None and not enterprises.exists():
        enterprises = None
    citizen = user if citizen_ok and perms.can_apply_as_citizen(user) else None
    return enterprises, citizen


def _next_step(request, *, item=None, bundle=None):
    """No firm to apply for and not a registered natural person (or the item is for firms only):
    say why and what to do instead of a dead end: the bundles and items that start a firm in one's own name."""
    bundles = []
    for b in Bundle.objects.filter(is_published=True).prefetch_related("items__current_version"):
        parts = [application.Part(item=i, situations=[], materials=[]) for i in b.items.all() if i.current_version_id]
        # Only a 一件事 that sets up a firm (企业开办), not every one a natural person may apply for (交房即交证).
        if application.bundle_accepts_citizens(parts) and any(application.starts_firm(p.item) for p in parts):
            bundles.append(b)
    founder_items = (ServiceItem.objects.filter(status="published", name__in=settings.GAOXIN_FIRM_REGISTRATION_ITEMS)
                     .select_related("current_version"))
    return render(request, "cases/apply_next_step.html", {
        "item": item, "bundle": bundle, "founder_bundles": bundles,
        "founder_items": [i for i in founder_items if i.current_version and "web" in i.current_version.channels],
        "is_citizen": perms.can_apply_as_citizen(request.user),
    })


@require(perms.can_apply_online)
def apply_online(request, code: str):
    """网上办: the applicant picks the 办理情形 (carried from the guide as ?situation=), which
    decides the materials asked for; changing it reloads the form (htmx, or a plain GET)."""
    item = get_object_or_404(ServiceItem.objects.select_related("current_version"), implementation_code=code,
                             status="published")
    version = item.current_version
    if "web" not in version.channels:
        messages.error(request, "本事项暂不支持网上办理，请到窗口或驿站办理。")
        return redirect("guide_detail", code=code)
    enterprises, citizen = _applicant_options(request.user, enterprise_ok=application.accepts_enterprises(version),
                                              citizen_ok=application.accepts_citizens(version))
    if enterprises is None and citizen is None:
        return _next_step(request, item=item)
    situations, all_materials = application.version_situations_and_materials(version)
    posted = request.method == "POST"
    picked = SituationPickForm(request.POST if posted else request.GET, situations={"situation": situations})
    situation = picked.situation("situation")
    # The situation decides the materials: none are listed (or asked) before it is chosen.
    materials = [] if situations and situation is None else application.situation_materials(all_materials, situation)
    form = ApplyForm(request.POST if posted else None, request.FILES if posted else None, enterprises=enterprises,
                     citizen=citizen, situations=situations, materials=materials,
                     initial={"contact_phone": request.user.phone, "situation": situation})
    if posted and form.is_valid():
        try:
            case, told = services.case_apply_online(
                item=item, actor=request.user, files=form.files_by_material(), note=form.cleaned_data["note"],
                applicant=form.applicant(), situation=situation)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, told)
            return redirect("case_detail", number=case.number)
    return render(request, "cases/apply.html", {"item": item, "v": version, "form": form, "situations": situations,
                                                "situation": situation, "citizen": citizen})


@require(perms.can_register_case)
def window_intake(request, code: str):
    item = get_object_or_404(ServiceItem.objects.select_related("current_version"), implementation_code=code,
                             status="published")
    materials = list(item.current_version.materials.all())
    form = WindowIntakeForm(request.POST or None, materials=materials,
                            initial={"channel": perms.filing_channel(request.user)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.case_submit(item=item, applicant=form.applicant(), channel=data["channel"],
                                        actor=request.user, originals_seen=set(data["originals"]), note=data["note"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已接件，办件编号 {case.number}。")
            return redirect("case_detail", number=case.number)
    return render(request, "cases/window_intake.html", {"item": item, "form": form})


def bundle_apply(request, code: str):
    """一件事一表申请: the applicant once, the situation of each item, the union of the items'
    materials deduplicated (one upload serves every item that needs it)."""
    bundle = get_object_or_404(Bundle.objects.select_related("zone", "lead_department"), code=code, is_published=True)
    user = request.user
    staff = perms.can_register_case(user)
    if not staff and not perms.can_apply_online(user):
        raise PermissionDenied("您无权申请")
    parts = application.bundle_parts(bundle)
    if staff:
        enterprises = citizen = None
    else:
        enterprises, citizen = _applicant_options(user, enterprise_ok=True,
                                                  citizen_ok=application.bundle_accepts_citizens(parts))
        if enterprises is None and citizen is None:
            return _next_step(request, bundle=bundle)
    posted = request.method == "POST"
    type_choices = ([ApplicantType.ENTERPRISE] if enterprises is not None or staff else []) + \
        ([ApplicantType.CITIZEN] if citizen is not None or staff else [])
    picked = SituationPickForm(request.POST if posted else request.GET, applicant_types=type_choices,
                               situations={p.situation_field: p.situations for p in parts})
    applicant_type = picked.applicant_type()
    chosen = {p.item.pk: picked.situation(p.situation_field) for p in parts}
    groups = application.material_groups(bundle, parts, chosen, applicant_type)
    initial = {"contact_phone": "" if staff else user.phone, "applicant_type": applicant_type,
               **{p.situation_field: chosen[p.item.pk] for p in parts}}
    form = BundleApplyForm(request.POST if posted else None, request.FILES if posted else None, parts=parts,
                           groups=groups, enterprises=enterprises, citizen=citizen, staff=staff, initial=initial,
                           applicant_type=applicant_type)
    if posted and form.is_valid():
        channel = perms.filing_channel(user)
        try:
            package = services.bundle_submit(bundle=bundle, actor=user, channel=channel, applicant=form.applicant(),
                                             note=form.cleaned_data["note"], situations=form.situations(),
                                             files=form.files_by_key())
            messages.success(request, f"“{bundle.name}”已提交，办件编号 {package.number}。"
                                      f"{len(parts)}个事项将一次受理、并联办理。")
            return redirect("case_detail", number=package.number)
        except ValidationError as exc:
            add_service_errors(form, exc)
    items = [(p, chosen[p.item.pk], form[p.situation_field]) for p in parts]
    return render(request, "cases/bundle_apply.html", {
        "bundle": bundle, "form": form, "parts": parts, "items": items, "applicant_type": applicant_type,
        "questions": [row for row in items if len(row[0].situations) > 1],
        "type_choices": [(t, ApplicantType(t).label) for t in type_choices], "citizen": citizen, "staff": staff,
        "shared_count": sum(1 for g in groups if len(g.item_names) > 1 or g.bundle_form),
    })


def case_register_firm(request, number: str):
    """The officer or the window enters the USCC of the firm a founder's registration case
    created; the firm is bound to the founder's account."""
    case = _case(request, number)
    if not perms.can_record_new_firm(request.user, case):
        raise PermissionDenied("您无权登记新设企业")
    if not services.registers_firm(case):
        messages.error(request, "本办件不能登记新设企业（须为自然人申请、已准予且尚未登记企业的设立登记办件）。")
        return redirect("case_detail", number=number)
    form = RegisterFirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            enterprise = services.case_register_enterprise(case=case, actor=request.user, uscc=data["uscc"],
                                                           name=data["name"], industry=data["industry"],
                                                           address=data["address"])
            messages.success(request, f"新设企业“{enterprise.name}”已登记，并已绑定到申请人的账号。")
            return redirect("case_detail", number=number)
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(request, "cases/register_firm.html", {"case": case, "form": form})


def _track_key(request) -> str:
    from axes.helpers import get_client_ip_address

    return f"gaoxin:track:{get_client_ip_address(request) or 'unknown'}"


def _track_throttled(request) -> bool:
    return (cache.get(_track_key(request)) or 0) >= settings.GAOXIN_TRACK_ATTEMPTS


def _count_track_attempt(request) -> None:
    key, window = _track_key(request), settings.GAOXIN_TRACK_WINDOW_MINUTES * 60
    cache.add(key, 0, timeout=window)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)


@login_not_required
@never_cache  # the answer names an applicant's case: not kept by a shared computer's browser
@sensitive_post_parameters("identity")
def track(request):
    """Public tracking (issue 15): a POST form, so the ID number stays out of URLs, browser history and access
    logs; the page never shows it back (masked in the result); look-ups per client address are limited
    (GAOXIN_TRACK_ATTEMPTS per GAOXIN_TRACK_WINDOW_MINUTES), so guessing pairs is useless. A link may prefill
    the case number only (the QR code on a notice)."""
    context = {"window_minutes": settings.GAOXIN_TRACK_WINDOW_MINUTES}
    if request.method != "POST":
        prefill = TrackPrefillForm(request.GET)
        number = prefill.number_or_blank()
        if prefill.carries_identity():  # the page itself (its language switch) would repeat the URL: drop the ID
            return redirect(reverse("track") + (f"?number={number}" if number else ""))
        return render(request, "cases/track.html", {**context, "form": TrackForm(initial={"number": number})})
    form = TrackForm(request.POST)
    context["form"] = form
    if _track_throttled(request):
        return render(request, "cases/track.html", {**context, "throttled": True}, status=429)
    if form.is_valid():
        _count_track_attempt(request)
        identity = form.cleaned_data["identity"]
        context.update(searched=True, case=selectors.track(form.cleaned_data["number"], identity),
                       masked_identity=mask_id_number(identity))
    return render(request, "cases/track.html", context)


def rectification_list(request, failed: tuple[int, RectificationForm] | None = None):
    """The 差评整改 ledger; a step that failed comes back with its form and the error beside the field."""
    if not perms.can_view_rectifications(request.user):
        raise PermissionDenied("您无权查看")
    qs = perms.rectifications_visible_to(request.user).select_related("review__case__version", "review__case__bundle",
                                                                      "department")
    page, query = paginate(request, qs)
    rows = []
    for rect in page.object_list:
        steps = [t.name for t in RECTIFICATION_WORKFLOW.available(rect, request.user)]
        form = None
        if steps:
            form = failed[1] if failed and failed[0] == rect.pk else \
                RectificationForm(steps=steps, auto_id=f"id_r{rect.pk}_%s")
        rows.append((rect, form))
    return render(request, "cases/rectifications.html", {"page": page, "query": query, "rows": rows})


@require_POST
def rectification_update(request, pk: int):
    rect = get_object_or_404(perms.rectifications_visible_to(request.user), pk=pk)
    if not RECTIFICATION_WORKFLOW.roles_of(request.user, rect):
        raise PermissionDenied("您无权处理该整改")
    steps = [t.name for t in RECTIFICATION_WORKFLOW.available(rect, request.user)]
    form = RectificationForm(request.POST, steps=steps or None, auto_id=f"id_r{rect.pk}_%s")
    if form.is_valid():
        try:
            services.rectification_transition(rectification=rect, name=form.cleaned_data["name"], actor=request.user,
                                              **form.params())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "整改记录已更新。")
            return redirect("rectification_list")
    return rectification_list(request, failed=(rect.pk, form))

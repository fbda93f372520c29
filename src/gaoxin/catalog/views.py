"""Public guides (no log-in: "码上查、立下载、网上办") and catalogue maintenance."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from gaoxin.core import hooks
from gaoxin.core.forms import XlsxUploadForm
from gaoxin.core.pdf import pdf_response
from gaoxin.core.services import job_enqueue
from gaoxin.core.views_utils import add_service_errors, paginate, render_page, require

from . import catalog_io, qr, selectors, services
from . import permissions as perms
from .forms import (
    DraftSubmitForm,
    GuideSearchForm,
    ItemActionForm,
    ItemCreateForm,
    KeywordsForm,
    MaterialFormSet,
    NoInputForm,
    SituationFormSet,
    SynonymForm,
    VersionForm,
)
from .models import Bundle, ItemStatus, ItemVersion, Material, SearchSynonym, ServiceItem, ServiceZone, VersionStatus
from .tasks import export_catalog_task, import_catalog_task
from .workflow import WORKFLOW


def _public_item(code: str) -> ServiceItem:
    try:
        return selectors.public_item_get(code)
    except ServiceItem.DoesNotExist:
        raise Http404("事项不存在或未发布") from None


# --- public guide ------------------------------------------------------------------------

@login_not_required
def guide_index(request):
    form = GuideSearchForm(request.GET or None)
    filters = form.filters()
    searching = any(filters.values())
    terms = selectors.guide_search_terms(filters.get("q", ""))
    page, query = paginate(request, selectors.public_items(**filters, terms=terms), per_page=30)
    context = {"form": form, "page": page, "query": query, "searching": searching, "q": filters.get("q", ""),
               "expanded": [(t.typed, t.expanded) for t in terms if t.expanded]}
    if not searching:
        context.update(selectors.browse_counts())
    elif not page.paginator.count:
        context.update(selectors.search_help(), **hooks.flags("catalog.guide", request.user))
    return render_page(request, "catalog/guide_index.html", "catalog/partials/guide_results.html", context)


@login_not_required
def guide_detail(request, code: str):
    item = _public_item(code)
    version = item.current_version
    situations, materials = selectors.version_materials(version)
    try:
        situation_id = int(request.GET.get("situation") or 0)
    except ValueError:
        situation_id = 0
    if situation_id and not any(s.pk == situation_id for s in situations):
        situation_id = 0
    printed = request.GET.get("printed", "")
    context = {
        "item": item, "v": version, "situations": situations, "situation_id": situation_id,
        "materials": selectors.materials_for_situation(materials, situation_id),
        "changed_since_print": printed.isdigit() and int(printed) < version.number,
        "can_manage": perms.can_manage_catalog(request.user),
        **hooks.flags("catalog.guide", request.user),
        **hooks.flags("catalog.guide_item", request.user, item=item),
    }
    return render_page(request, "catalog/guide_detail.html", "catalog/partials/material_checklist.html", context)


@login_not_required
def guide_download(request, code: str, material_id: int, kind: str):
    """立下载: a blank form or a filled sample of the current version."""
    item = _public_item(code)
    material = get_object_or_404(Material, pk=material_id, version=item.current_version)
    field = {"blank": material.blank_form, "sample": material.sample_form}.get(kind)
    if not field:
        raise Http404("没有该文件")
    filename = f"{material.name}{'（样表）' if kind == 'sample' else ''}.{field.name.rsplit('.', 1)[-1]}"
    return FileResponse(field.open("rb"), as_attachment=True, filename=filename)


@login_not_required
def guide_poster(request, code: str, pdf: bool = False):
    """Printable A4 poster (HTML, or PDF): the QR opens the guide; it records the version printed."""
    item = _public_item(code)
    url = qr.guide_url(request, code, item.current_version.number)
    # The address printed under the code is the one a person types: without the printed version the code carries.
    context = {"item": item, "v": item.current_version, "qr_url": url, "qr_svg": qr.qr_svg(url, scalable=True),
               "address": qr.guide_url(request, code), "printed_on": timezone.localdate(), "pdf": pdf}
    if pdf:
        return pdf_response(request, "catalog/poster.html", context, quote(f"{item.name}-二维码海报.pdf"))
    return render(request, "catalog/poster.html", context)


@login_not_required
def guide_qr(request, code: str, fmt: str):
    if fmt not in ("svg", "png"):
        raise Http404("格式应为 svg 或 png")
    item = _public_item(code)
    url = qr.guide_url(request, code, item.current_version.number)
    if fmt == "svg":
        return HttpResponse(qr.qr_svg(url, scale=8), content_type="image/svg+xml")
    response = HttpResponse(qr.qr_png(url), content_type="image/png")
    response["Content-Disposition"] = f'inline; filename="{code}.png"'
    return response


@login_not_required
def zone_qr_sheet(request, zone: str):
    """One printable sheet with the QR codes of a zone's items, for the hall."""
    zone_obj = get_object_or_404(ServiceZone, code=zone)
    items = selectors.public_items(zone=zone)
    cards = []
    for item in items:
        url = qr.guide_url(request, item.implementation_code, item.current_version.number)
        cards.append((item, url, qr.qr_svg(url, scalable=True)))
    return render(request, "catalog/qr_sheet.html", {"zone": zone_obj, "cards": cards, "printed_on": timezone.localdate()})


@login_not_required
def bundle_detail(request, code: str):
    try:
        bundle = selectors.bundle_get(code)
    except Bundle.DoesNotExist:
        raise Http404("一件事不存在") from None
    return render(request, "catalog/bundle_detail.html", {"bundle": bundle})


@login_not_required
def bundle_form(request, code: str):
    bundle = get_object_or_404(Bundle, code=code, is_published=True)
    if not bundle.form:
        raise Http404("没有该文件")
    return FileResponse(bundle.form.open("rb"), as_attachment=True,
                        filename=f"{bundle.name}申请表.{bundle.form.name.rsplit('.', 1)[-1]}")


# --- maintenance -----------------------------------------------------------------------------

@require(perms.can_manage_catalog)
def manage_index(request):
    qs = selectors.managed_items(q=request.GET.get("q", "").strip(), status=request.GET.get("status", ""))
    page, query = paginate(request, qs)
    return render_page(request, "catalog/manage_index.html", "catalog/partials/manage_table.html", {
        "page": page, "query": query, "statuses": ItemStatus.choices,
    })


@require(perms.can_manage_catalog)
def manage_create(request):
    form = ItemCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = services.item_create(
                actor=request.user, implementation_code=data["implementation_code"], department=data["department"],
                zone=data["zone"], themes=data["themes"], keywords=data["keywords"], name=data["name"], item_type="licensing",
                case_type="promised", statutory_limit=20, promised_limit=10, channels=["window"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "事项已创建（草稿），请补充办事指南内容后发布。")
            return redirect("catalog_edit", code=item.implementation_code, number=1)
    return render(request, "catalog/manage_create.html", {"form": form})


def _managed_item(code: str) -> ServiceItem:
    return get_object_or_404(ServiceItem.objects.select_related("department", "zone", "current_version"),
                             implementation_code=code)


@require(perms.can_manage_catalog)
def manage_item(request, code: str):
    return _item_page(request, _managed_item(code))


def _item_page(request, item: ServiceItem, *, keywords_form: KeywordsForm | None = None, failed: dict | None = None,
               status: int = 200):
    """The item's maintenance page; `failed` holds a refused form ("action", "publish" or "draft") with its errors."""
    failed = failed or {}
    versions = item.versions.select_related("published_by").order_by("-number")
    action_failed = failed.get("action")
    actions = []
    for t in WORKFLOW.available(item, request.user):
        if t.name == "PUBLISH":
            continue  # the draft's own 发布 button
        name = action_failed.cleaned_data.get("name") if action_failed is not None else None
        form = action_failed if name == t.name else ItemActionForm(initial={"name": t.name},
                                                                   auto_id=f"id_{t.name.lower()}_%s")
        actions.append({"transition": t, "form": form, "fields": [form["reason"]] if t.needs_reason else []})
    return render(request, "catalog/manage_item.html", {
        "item": item, "versions": versions, "draft": next((v for v in versions if v.status == VersionStatus.DRAFT), None),
        "actions": actions, "keywords_form": keywords_form or KeywordsForm(initial={"keywords": item.keywords}),
        "publish_form": failed.get("publish") or NoInputForm(), "draft_form": failed.get("draft") or NoInputForm(),
        "events": item.events.all(), "can_edit": item.status != ItemStatus.CANCELLED,
    }, status=status)


@require(perms.can_manage_catalog)
@require_POST
def manage_keywords(request, code: str):
    item = _managed_item(code)
    form = KeywordsForm(request.POST)
    if form.is_valid():
        try:
            services.item_set_keywords(item=item, actor=request.user, keywords=form.cleaned_data["keywords"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "检索关键词已保存，办事指南搜索即时生效。")
            return redirect("catalog_item", code=code)
    return _item_page(request, item, keywords_form=form)


@require(perms.can_manage_catalog)
@require_POST
def manage_new_draft(request, code: str):
    item = _managed_item(code)
    form = NoInputForm(request.POST)
    try:
        draft = services.version_create_draft(item=item, actor=request.user)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _item_page(request, item, failed={"draft": form}, status=400)
    return redirect("catalog_edit", code=code, number=draft.number)


@require(perms.can_manage_catalog)
def manage_edit(request, code: str, number: int):
    version = get_object_or_404(ItemVersion.objects.select_related("item"), item__implementation_code=code, number=number)
    if version.status != VersionStatus.DRAFT:
        messages.error(request, "只能修改草稿。")
        return redirect("catalog_item", code=code)
    data = request.POST if request.method == "POST" else None
    form = VersionForm(data, instance=version)
    situations = SituationFormSet(data, instance=version, prefix="sit")
    materials = MaterialFormSet(data, request.FILES or None, instance=version, prefix="mat")
    if request.method == "POST" and form.is_valid() and situations.is_valid() and materials.is_valid():
        try:
            services.draft_save(version=version, actor=request.user, form=form, situation_formset=situations,
                                material_formset=materials)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "草稿已保存。")
            if DraftSubmitForm(request.POST).wants_publish():
                return manage_publish(request, code, number)
            return redirect("catalog_edit", code=code, number=number)
    return render(request, "catalog/manage_edit.html", {
        "item": version.item, "version": version, "form": form, "situations": situations, "materials": materials,
    })


@require(perms.can_manage_catalog)
@require_POST
def manage_publish(request, code: str, number: int):
    version = get_object_or_404(ItemVersion.objects.select_related("item"), item__implementation_code=code,
                                number=number)
    try:
        services.version_publish(version=version, actor=request.user)
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and version.status == VersionStatus.DRAFT:
            # A guide element is wrong (e.g. the promised limit): show it beside that field of the draft.
            unbound = VersionForm(instance=version)
            form = VersionForm({name: unbound[name].value() for name in unbound.fields}, instance=version)
            form.is_valid()
            add_service_errors(form, exc)
            return render(request, "catalog/manage_edit.html", {
                "item": version.item, "version": version, "form": form,
                "situations": SituationFormSet(instance=version, prefix="sit"),
                "materials": MaterialFormSet(instance=version, prefix="mat"),
            }, status=400)
        form = NoInputForm(request.POST)
        add_service_errors(form, exc)
        return _item_page(request, _managed_item(code), failed={"publish": form}, status=400)
    messages.success(request, f"第{number}版已发布，办事指南与二维码页面即时更新。")
    return redirect("catalog_item", code=code)


@require(perms.can_manage_catalog)
@require_POST
def manage_status(request, code: str):
    """One transition of the item's status table (暂停办理, 恢复办理, 取消事项), named, with its reason."""
    item = _managed_item(code)
    form = ItemActionForm(request.POST)
    valid = form.is_valid()
    name = form.cleaned_data.get("name")
    if name:
        form.auto_id = f"id_{name.lower()}_%s"
    if valid:
        transition = WORKFLOW[name]
        try:
            services.item_transition(item=item, name=name, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已完成：{transition.label}")
            return redirect("catalog_item", code=code)
    item = _managed_item(code)
    if name not in {t.name for t in WORKFLOW.available(item, request.user)} or name == "PUBLISH":
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors) or "未知操作")
    return _item_page(request, item, failed={"action": form}, status=400)


@require(perms.can_manage_catalog)
def manage_import(request):
    form = XlsxUploadForm(request.POST or None, request.FILES or None, label="事项清单文件（.xlsx）")
    if request.method == "POST" and form.is_valid():
        job = job_enqueue(kind="catalog_import", actor=request.user, task=import_catalog_task,
                          input_file=form.cleaned_data["file"])
        return redirect("job_detail", pk=job.pk)
    return render(request, "catalog/manage_import.html", {"form": form, "sheets": [
        (catalog_io.ITEM_SHEET, catalog_io.ITEM_COLUMNS, catalog_io.ITEM_REQUIRED),
        (catalog_io.SITUATION_SHEET, catalog_io.SITUATION_COLUMNS, [catalog_io.CODE, "情形名称"]),
        (catalog_io.MATERIAL_SHEET, catalog_io.MATERIAL_COLUMNS, catalog_io.MATERIAL_REQUIRED),
    ]})


@require(perms.can_manage_catalog)
@require_POST
def manage_export(request):
    job = job_enqueue(kind="catalog_export", actor=request.user, task=export_catalog_task)
    return redirect("job_detail", pk=job.pk)


# --- search synonyms (近义词/俗称) ----------------------------------------------------------

@require(perms.can_manage_catalog)
def synonym_index(request):
    return render(request, "catalog/synonym_list.html", {"synonyms": selectors.synonym_list()})


@require(perms.can_manage_catalog)
def synonym_create(request):
    return _synonym_form(request, None)


@require(perms.can_manage_catalog)
def synonym_edit(request, pk: int):
    return _synonym_form(request, get_object_or_404(SearchSynonym, pk=pk))


def _synonym_form(request, synonym: SearchSynonym | None):
    initial = {"word": synonym.word, "meanings": synonym.meanings} if synonym else None
    form = SynonymForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if synonym is None:
                saved = services.synonym_create(actor=request.user, **form.cleaned_data)
            else:
                saved = services.synonym_update(synonym=synonym, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已保存：搜索“{saved.word}”时同时查找“{saved.meanings}”。")
            return redirect("catalog_synonyms")
    return render(request, "catalog/synonym_form.html", {"form": form, "synonym": synonym})


@require(perms.can_manage_catalog)
def synonym_delete(request, pk: int):
    synonym = get_object_or_404(SearchSynonym, pk=pk)
    if request.method == "POST":
        services.synonym_delete(synonym=synonym, actor=request.user)
        messages.success(request, f"已删除近义词“{synonym.word}”。")
        return redirect("catalog_synonyms")
    return render(request, "catalog/synonym_delete.html", {"synonym": synonym})

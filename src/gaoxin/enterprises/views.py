"""Registry pages: list with search and filters, detail, import and export."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from gaoxin.accounts.permissions import can_view_personal_data
from gaoxin.core import hooks
from gaoxin.core.services import job_enqueue
from gaoxin.core.views_utils import paginate, render_page, require

from . import registry
from .forms import EnterpriseFilterForm, RegistryImportForm
from .models import Enterprise
from .permissions import can_export_enterprises, can_import_enterprises
from .selectors import enterprise_get, enterprise_list
from .tasks import export_registry_task, import_registry_task


def enterprise_index(request):
    form = EnterpriseFilterForm(request.GET or None)
    qs = enterprise_list(user=request.user, **form.filters())
    page, query = paginate(request, qs)
    return render_page(request, "enterprises/enterprise_list.html", "enterprises/partials/enterprise_table.html", {
        "form": form, "page": page, "query": query,
        "can_import": can_import_enterprises(request.user),
        "can_export": can_export_enterprises(request.user),
        "show_personal": can_view_personal_data(request.user),
    })


def enterprise_detail(request, pk: int):
    try:
        enterprise = enterprise_get(user=request.user, pk=pk)
    except Enterprise.DoesNotExist:
        raise Http404("企业不存在或无权查看") from None
    return render(request, "enterprises/enterprise_detail.html", {
        "e": enterprise, "land": enterprise.land_totals(),
        **hooks.flags("enterprises.detail", request.user, enterprise=enterprise),
        "show_personal": can_view_personal_data(request.user),
    })


@require(can_import_enterprises)
def registry_import(request):
    form = RegistryImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = job_enqueue(kind="enterprise_import", actor=request.user, task=import_registry_task,
                          input_file=form.cleaned_data["file"])
        return redirect("job_detail", pk=job.pk)
    return render(request, "enterprises/registry_import.html", {
        "form": form, "sheets": [
            (registry.ENTERPRISE_SHEET, registry.ENTERPRISE_COLUMNS, registry.ENTERPRISE_REQUIRED),
            (registry.PARCEL_SHEET, registry.PARCEL_COLUMNS, registry.PARCEL_REQUIRED),
            (registry.QUALIFICATION_SHEET, registry.QUALIFICATION_COLUMNS, registry.QUALIFICATION_REQUIRED),
            (registry.CONTACT_SHEET, registry.CONTACT_COLUMNS, registry.CONTACT_REQUIRED),
        ],
    })


@require(can_export_enterprises)
@require_POST
def registry_export(request):
    job = job_enqueue(kind="enterprise_export", actor=request.user, task=export_registry_task)
    return redirect("job_detail", pk=job.pk)

"""Pages of 云资讯: the public list and article pages (anonymous for untargeted articles; a targeted notice asks
for a log-in, then opens for the firms it was delivered to and records their read receipt), the staff's list,
form, actions and read receipts, and the printable QR poster."""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from gaoxin.accounts.permissions import firm_ids_of
from gaoxin.benefits.rules import rule_tree
from gaoxin.catalog.qr import qr_svg
from gaoxin.core.keyset import keyset_paginate
from gaoxin.core.pdf import pdf_response
from gaoxin.core.views_utils import form_page, paginate, render_page, require, submit

from . import permissions as perms
from . import selectors, services
from .forms import (
    ArticleActionForm,
    ArticleForm,
    ManageFilterForm,
    NewsFilterForm,
    ReceiptFilterForm,
    RulePickerForm,
)
from .models import NEWS_TARGET, ArticleKind, ArticleStatus
from .rules import compile_target
from .workflow import WORKFLOW

RECEIPT_ORDER = ("pk",)


@login_not_required
@require_GET
def news_index(request):
    """云资讯: published news, notices and policy explainers; an enterprise user also sees the notices targeted at its
    firms (with what is still unread)."""
    form = NewsFilterForm(request.GET or None)
    page, query = paginate(request, selectors.news_list(user=request.user, **form.filters()), per_page=20)
    return render_page(request, "news/index.html", "news/partials/news_list.html", {
        "form": form, "page": page, "query": query, "filtered": bool(form.filters() and any(form.filters().values())),
        "can_manage": perms.can_manage_news(request.user), "for_firm": bool(firm_ids_of(request.user)),
    })


def _readable(request, pk: int):
    """The article, or: a visitor who is not logged in is asked to log in (a targeted notice opens after it; the
    answer is the same whether or not the article exists), a logged-in reader outside its scope gets a 404."""
    article = selectors.article_get(user=request.user, pk=pk)
    if article is None:
        if not request.user.is_authenticated:
            raise _LoginFirst
        raise Http404("资讯不存在")
    return article


class _LoginFirst(Exception):
    pass


def _login_first(view):
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except _LoginFirst:
            return redirect_to_login(request.get_full_path())

    wrapped.__name__, wrapped.__doc__ = view.__name__, view.__doc__
    wrapped.__wrapped__ = view
    return wrapped


def _rule_words(article):
    """The targeting rule as a readable tree (the benefits room's, as a policy's conditions read); None when the
    stored rule no longer compiles (its text is shown as written)."""
    if not article.targeted:
        return None
    try:
        return rule_tree(compile_target(article.rule))
    except ValidationError:
        return None


def _reach(request, rule: str, kind: str) -> dict:
    """The reach preview's context: a public article, a rule that would not be saved (its messages), or the firms it
    reaches now."""
    rule = (rule or "").strip()
    if not rule:
        return {"state": "public"}
    if kind == ArticleKind.NEWS:  # not a wrong rule: a category that has no 阅读对象
        return {"state": "kind", "errors": [NEWS_TARGET]}
    try:
        return {"state": "ok", **selectors.target_reach(user=request.user, rule=rule)}
    except ValidationError as exc:
        return {"state": "error", "errors": exc.messages}


def _detail(request, article, *, act_form=None, status: int = 200):
    if article.status == ArticleStatus.PUBLISHED and not perms.can_view_receipts(request.user, article):
        services.delivery_mark_read(article=article, user=request.user)
    can_edit = perms.can_edit_article(request.user, article)
    staff_view = perms.can_view_receipts(request.user, article)
    labels = WORKFLOW.labels()
    act_form = act_form or ArticleActionForm()
    # A draft's publisher sees whom it would reach now; one that reaches no firm asks for 仍然发布.
    reach = (_reach(request, article.rule, article.kind)
             if can_edit and article.targeted and article.status == ArticleStatus.DRAFT else None)
    ask_confirm = bool(reach and reach["state"] == "ok" and not reach["matched"]) or "confirm_empty" in act_form.errors
    return render(request, "news/detail.html", {
        "article": article, "can_edit": can_edit, "staff_view": staff_view,
        "actions": WORKFLOW.available(article, request.user) if can_edit else [],
        "act_form": act_form, "reach": reach, "ask_confirm": ask_confirm,
        "rule_tree": _rule_words(article) if staff_view else None,
        "counts": selectors.receipt_counts(article) if staff_view and article.targeted else None,
        "events": [(ev, labels.get(ev.transition, "")) for ev in article.events.select_related("actor")]
        if staff_view else [],
    }, status=status)


@login_not_required
@require_GET
@_login_first
def news_detail(request, pk: int):
    return _detail(request, _readable(request, pk))


ARTICLE_INPUTS = ("kind", "title", "summary", "body", "source", "policy", "department", "rule")


def _form_again(request, article=None):
    """The article form shown again with what was typed, nothing saved: “生成条件” of the rule picker (the generated
    rule in the rule field, the picker's errors beside its fields, the new rule's reach below it) or “预览送达范围”
    (the firms the typed rule reaches now; the htmx button gets the preview alone)."""
    initial = {name: request.POST.get(name, "") for name in ARTICLE_INPUTS}
    picker = None
    if "pick-build" in request.POST:
        picker = RulePickerForm(request.POST, prefix=RulePickerForm.PREFIX)
        if picker.is_valid():
            initial["rule"] = picker.cleaned_data["rule"]
    picked = picker is not None and picker.is_valid()
    form = ArticleForm(initial=initial, instance=article, user=request.user)
    if picker is not None:
        form.picker = picker
    context = {"form": form, "article": article, "picked": picked,
               "reach": _reach(request, initial["rule"], initial["kind"]) if picker is None or picked else None}
    if picker is None:
        return render_page(request, "news/form.html", "news/partials/reach_preview.html", context)
    return render(request, "news/form.html", context, status=200 if picked else 400)


def _again(request) -> bool:
    return request.method == "POST" and ("pick-build" in request.POST or "reach" in request.POST)


@require(perms.can_write_news)
def news_new(request):
    if _again(request):
        return _form_again(request)
    form = ArticleForm(request.POST or None, user=request.user, initial={"kind": "news"})
    return form_page(request, form, template="news/form.html",
                     create=lambda: services.article_create(actor=request.user, **form.service_kwargs()),
                     done=lambda a: (f"已保存草稿：{a.title}", reverse("news_detail", args=[a.pk])))


def _managed(request, pk: int):
    article = selectors.managed_get(user=request.user, pk=pk)
    if article is None:
        raise Http404("资讯不存在")
    return article


@require(perms.can_write_news)
def news_edit(request, pk: int):
    article = _managed(request, pk)
    if not perms.can_edit_article(request.user, article):
        raise PermissionDenied("只能编辑本单位的资讯")
    if article.status != ArticleStatus.DRAFT:
        messages.error(request, f"“{article.get_status_display()}”的资讯不能编辑，请先撤回并重新编辑")
        return redirect("news_detail", pk=article.pk)
    if _again(request):
        return _form_again(request, article)
    form = ArticleForm(request.POST or None, instance=article, user=request.user)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and submit(form, lambda: services.article_update(article=article, actor=request.user,
                                                                             **form.service_kwargs())):
            messages.success(request, "已保存")
            return redirect("news_detail", pk=article.pk)
    return render(request, "news/form.html", {"form": form, "article": article}, status=status)


@require(perms.can_write_news)
@require_POST
def news_act(request, pk: int):
    article = _managed(request, pk)
    if not perms.can_edit_article(request.user, article):
        raise PermissionDenied("只能发布、撤回本单位的资讯")
    form = ArticleActionForm(request.POST)
    name = request.POST.get("name", "")
    if form.is_valid() and name in WORKFLOW and submit(
            form, lambda: services.article_transition(article=article, name=name, actor=request.user,
                                                      reason=form.cleaned_data["reason"],
                                                      confirm_empty=form.cleaned_data["confirm_empty"])):
        label = WORKFLOW[name].label
        note = "，正在确定送达企业（后台任务）" if name == "PUBLISH" and article.targeted else ""
        messages.success(request, f"已{label}：{article.title}{note}")
        return redirect("news_detail", pk=article.pk)
    if not form.errors:
        form.add_error(None, "未知操作")
    article.refresh_from_db()
    return _detail(request, article, act_form=form, status=400)


@require(perms.can_manage_news)
def news_manage(request):
    form = ManageFilterForm(request.GET or None)
    page, query = paginate(request, selectors.manage_list(user=request.user, **form.filters()))
    return render_page(request, "news/manage.html", "news/partials/manage_table.html", {
        "form": form, "page": page, "query": query, "can_write": perms.can_write_news(request.user),
        "filtered": any(form.filters().values()) if form.filters() else False,
    })


@require(perms.can_manage_news)
def news_receipts(request, pk: int):
    """The firms a targeted notice reached: unread first (who still has to read it), or read with who and when."""
    article = _managed(request, pk)
    form = ReceiptFilterForm(request.GET or None)
    read = form.cleaned_data["read"] if form.is_valid() else "unread"
    page, query = keyset_paginate(request, selectors.receipts(article, read=read), RECEIPT_ORDER)
    return render_page(request, "news/receipts.html", "news/partials/receipt_table.html", {
        "article": article, "form": form, "read": read, "page": page, "query": query,
        "counts": selectors.receipt_counts(article),
    })


def _poster(request, pk: int, pdf: bool):
    article = _readable(request, pk)
    if article.status != ArticleStatus.PUBLISHED:
        raise Http404("资讯尚未发布")
    path = reverse("news_detail", args=[article.pk])
    base = settings.GAOXIN_PUBLIC_BASE_URL.rstrip("/")
    url = f"{base}{path}" if base else request.build_absolute_uri(path)
    context = {"article": article, "qr_url": url, "pdf": pdf, "printed_on": timezone.localdate(),
               "qr_svg": qr_svg(url, scalable=True, title="扫码阅读")}
    if pdf:
        return pdf_response(request, "news/poster.html", context, quote(f"{article.title[:40]}-二维码海报.pdf"))
    return render(request, "news/poster.html", context)


@login_not_required
@require_GET
@_login_first
def news_poster(request, pk: int):
    """A printable A4 poster: the title, the summary and a QR code of the article's page (a targeted notice: the
    reader logs in, then it opens)."""
    return _poster(request, pk, pdf=False)


@login_not_required
@require_GET
@_login_first
def news_poster_pdf(request, pk: int):
    return _poster(request, pk, pdf=True)

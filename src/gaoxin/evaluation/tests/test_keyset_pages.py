"""Keyset pages of the results list (issue 17): walking 下一页 from the first page and 上一页 from 末页 gives the
list's rows in the same order as the whole ordered list, pages lined up with the first one's, with NULL ranks
(T firms) wherever this database sorts them, and the filters kept in every link."""

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse

from gaoxin.core.keyset import keyset_paginate
from gaoxin.evaluation import objections
from gaoxin.evaluation.models import ScoreResult
from gaoxin.evaluation.tests.conftest import own_participant
from gaoxin.evaluation.tests.test_results_views import login, scored  # noqa: F401  (fixture)

ORDER = ("group", "rank", "pk")


def _page(rows, params, per_page=3):
    return keyset_paginate(RequestFactory().get("/", params), rows, ORDER, per_page=per_page)


def _follow(page, which):
    return {k: v[0] for k, v in parse_qs(getattr(page, f"{which}_query")).items()}


@pytest.mark.parametrize("per_page", [3, 4, 5, 10])
def test_forward_and_backward_walks_give_the_ordered_list(scored, per_page):  # noqa: F811
    results = ScoreResult.objects.filter(run=scored.current_run)
    ScoreResult.objects.filter(pk__in=list(results.order_by("pk").values_list("pk", flat=True)[3:6])).update(rank=None)
    expected = [r.pk for r in results.order_by(*ORDER)]
    page, _ = _page(results, {}, per_page)
    forward, numbers = [], []
    while True:
        forward += [r.pk for r in page.object_list]
        numbers.append(page.number)
        if not page.has_next():
            break
        page, _ = _page(results, _follow(page, "next"), per_page)
    assert forward == expected and numbers == list(range(1, page.paginator.num_pages + 1))
    page, _ = _page(results, {"page": "last"}, per_page)
    backward, sizes = [], []
    while True:
        backward = [r.pk for r in page.object_list] + backward
        sizes.append(len(page.object_list))
        if not page.has_previous():
            break
        page, _ = _page(results, _follow(page, "previous"), per_page)
    assert backward == expected and page.number == 1
    assert sizes[:-1] and all(s == per_page for s in sizes[1:]) or len(expected) <= per_page


def test_a_bad_cursor_is_the_numbered_page(scored):  # noqa: F811
    results = ScoreResult.objects.filter(run=scored.current_run)
    page, _ = _page(results, {"after": "not-a-cursor", "page": "2"})
    assert [r.pk for r in page.object_list] == [r.pk for r in results.order_by(*ORDER)[3:6]] and page.number == 2


def test_results_page_links_keep_the_filters(client, admin_user, scored, monkeypatch):  # noqa: F811
    from gaoxin.core import keyset

    monkeypatch.setattr(keyset, "PAGE_SIZE", 3)
    monkeypatch.setattr(keyset.keyset_paginate, "__defaults__", (3,))
    url = reverse("evaluation_results", args=[scored.pk])
    text = login(client, admin_user).get(url, {"group": "ABOVE"}).content.decode()
    links = {label: unescape(href) for href, label in re.findall(r'href="(\?[^"]*)">(首页|上一页|下一页|末页)<', text)}
    assert set(links) == {"下一页", "末页"} and "第 1 / 4 页" in text
    nxt = client.get(url + links["下一页"]).content.decode()
    assert "第 2 / 4 页" in nxt and "group=ABOVE" in nxt and "上一页" in nxt
    last = client.get(url + links["末页"]).content.decode()
    assert "第 4 / 4 页" in last and "下一页" not in last
    assert all(parse_qs(urlsplit(h).query)["group"] == ["ABOVE"] for h in links.values())


def test_objection_pages_stay_scoped(client, tax_officer, stats_officer, enterprise_user, confirming, firms):
    participant = own_participant(confirming, firms)
    objections.objection_file(actor=enterprise_user, participant=participant, field="tax_wan", claimed="1",
                              reason="x", evidence=SimpleUploadedFile("a.pdf", b"%PDF-1.4"))
    url = reverse("evaluation_objections", args=[confirming.pk])
    for params in ({}, {"page": "last"}, {"page": "2"}):
        mine = login(client, tax_officer).get(url, params).content.decode()
        other = login(client, stats_officer).get(url, params).content.decode()
        assert mine.count("证明材料</a>") == 1 and "暂无异议" in other

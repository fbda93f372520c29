"""The demo walk: the seeded demo, served as `make demo` serves it, opened by every demo account and by
an anonymous visitor. Every page linked from the home page and the navigation, two links deep: no server
error, no raw internal code on screen, no link to a page the role is refused, no English-only page.
Then, in Chromium at phone and desktop widths, the home page and every navigation page of each account
fit the screen and keep the navigation usable."""

from __future__ import annotations

import re

import pytest
from django.urls import resolve
from playwright.sync_api import expect

from gaoxin.demo import DEMO_LOGINS, DEMO_PASSWORD, DEPARTMENTS

from .demo_site import Visitor, served_demo
from .demo_walk import route_key, walk
from .vocabulary import internal_codes

pytestmark = [pytest.mark.e2e, pytest.mark.demo]

# Every printed demo log-in, plus each department's officer (each department sees other data: its
# own cases, its evaluation data, its policies), plus the anonymous visitor ("").
ACCOUNTS = list(dict.fromkeys([name for name, *_ in DEMO_LOGINS] + [f"officer-{code}" for code, *_ in DEPARTMENTS]))
# The self-service terminal: the demo's first terminal, a legal representative logged in with the ID number.
KIOSK = "@kiosk"
WHO = [*ACCOUNTS, "", KIOSK]
# The layout check in the browser needs one account per kind of home page: the printed log-ins.
IN_BROWSER = [*dict.fromkeys(name for name, *_ in DEMO_LOGINS), ""]


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory):
    with served_demo(tmp_path_factory.mktemp("demo")) as site:
        yield site


@pytest.fixture(scope="module")
def vocabulary():
    return internal_codes()


@pytest.fixture(scope="module")
def walks(demo_site, vocabulary):
    """One walk per account, done once and shared by the assertions below."""
    results = {}
    for who in WHO:
        visitor = Visitor(demo_site.url)
        if who == KIOSK:
            assert visitor.post_form("/kiosk/activate/", {"key": "demo-kiosk-1"}).status == 302
            assert visitor.post_form("/kiosk/", {"id_number": "430302198001011234"}).location == "/kiosk/items/"
            results[who] = walk(visitor.get, who="智能微厅", start="/kiosk/items/", resolve=resolve,
                                vocabulary=vocabulary, logged_in=False)
            continue
        if who:
            visitor.log_in(who, DEMO_PASSWORD)
        results[who] = walk(visitor.get, who=who or "访客", resolve=resolve, vocabulary=vocabulary,
                            logged_in=bool(who))
    return results


@pytest.mark.parametrize("who", WHO, ids=[w or "anonymous" for w in WHO])
def test_every_linked_page_opens_cleanly(walks, demo_site, who):
    result = walks[who]
    least = 3 if who == KIOSK else 8  # the terminal's pages: its items and two of each kind of item page
    assert len(result.visited) >= least, f"{who or '访客'} reached only {sorted(result.visited)}"
    if result.findings:
        detail = "\n".join(str(f) for f in result.findings)
        if any("服务器错误" in f.problem for f in result.findings):
            detail += "\n\n--- server log ---\n" + demo_site.server_log()
        pytest.fail(f"{len(result.findings)} problems in the demo for {who or '访客'}:\n{detail}")


def test_the_walk_covers_the_rooms(walks):
    """Guard against a walk that silently stops early: together the accounts reach every room."""
    visited = {path for result in walks.values() for path in result.visited}
    for prefix in ("/enterprises/", "/guide/", "/cases/", "/policies/", "/appeals/", "/assist/", "/stations/",
                   "/evaluation/", "/notices/", "/track/", "/audit/", "/calendar/", "/catalog/manage/",
                   "/green/", "/campaigns/", "/coaching/", "/firms/", "/news/", "/kiosk/items/"):
        assert any(p.startswith(prefix) for p in visited), prefix
    assert any(p.startswith("/guidance/") for p in visited), "/guidance/"  # 云导办 and its FAQ
    assert "/guidance/about/" in walks[""].visited, "/guidance/about/"  # 云导办's public entry, for a visitor
    assert any(p.startswith("/live/") for p in visited), "/live/"  # 云直播: schedule, replays, questions
    print(f"\ndemo walk: {sum(len(r.visited) for r in walks.values())} page visits, "
          f"{len(visited)} distinct pages, {len(WHO)} visitors")


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def _session(browser, demo_site, who, width, height, large=False):
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": height},
                                  is_mobile=width < 500, has_touch=width < 500)
    if large:
        context.add_cookies([{"name": "gx_large_text", "value": "1", "url": demo_site.url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    if who:
        page.goto(f"{demo_site.url}/accounts/login/")
        page.get_by_label("用户名").fill(who)
        page.get_by_label("密码").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(f"{demo_site.url}/")
    return context, page


def _distinct_pages(walks) -> dict[str, list[str]]:
    """Per printed account, the HTML pages its walk opened whose kind (route) no earlier account covered."""
    seen, plan = set(), {}
    for who in IN_BROWSER:
        plan[who] = []
        for url in walks[who].visited:
            kind = route_key(url, resolve)
            if url in walks[who].html and kind not in seen:
                seen.add(kind)
                plan[who].append(url)
    return plan


@pytest.mark.parametrize("large", [False, True], ids=["normal-text", "large-text"])
def test_every_page_fits_a_phone(browser, demo_site, walks, large):
    """Every kind of page the walk opened, at a phone's width (390 px) and in large-text mode: nothing is wider
    than the screen (tables scroll inside themselves), and the navigation opens and can be used."""
    problems = []
    for who, urls in _distinct_pages(walks).items():
        context, page = _session(browser, demo_site, who, 390, 844, large=large)
        try:
            for url in ["/", *urls]:
                page.goto(demo_site.url + url)
                if (overflow := _overflow(page)) > 1:
                    problems.append(f"[{who or '访客'}] {url} 宽出屏幕 {overflow}px")
            page.goto(demo_site.url + "/")
            page.locator(".navbar-toggler").click()
            expect(page.locator("#gx-nav")).to_have_class(re.compile(r"(^|\s)show(\s|$)"))
            expect(page.locator("#gx-nav .nav-link").first).to_be_visible()
        finally:
            context.close()
    assert not problems, "\n".join(problems)


def test_navigation_pages_fit_a_desktop(browser, demo_site, walks):
    problems = []
    for who in IN_BROWSER:
        context, page = _session(browser, demo_site, who, 1280, 900)
        try:
            for url in ["/", *[p for p in walks[who].nav if p.startswith("/")]]:
                page.goto(demo_site.url + url)
                if (overflow := _overflow(page)) > 1:
                    problems.append(f"[{who or '访客'}] {url} 宽出屏幕 {overflow}px")
        finally:
            context.close()
    assert not problems, "\n".join(problems)

"""The demo walk: the seeded demo, served as `make demo` serves it, opened by every demo account and by
an anonymous visitor. Every page linked from the home page and the navigation, two links deep: no server
error, no raw internal code on screen, no link to a page the role is refused, no English-only page.
Then, in Chromium at phone and desktop widths, the home page and every navigation page of each account
fit the screen and keep the navigation usable."""

from __future__ import annotations

import pytest
from django.urls import resolve

from gaoxin.demo import DEMO_LOGINS, DEMO_PASSWORD, DEPARTMENTS

from .demo_site import Visitor, served_demo
from .demo_walk import walk
from .vocabulary import internal_codes

pytestmark = [pytest.mark.e2e, pytest.mark.demo]

# Every printed demo log-in, plus each department's officer (each department sees other data: its
# own cases, its evaluation data, its policies), plus the anonymous visitor ("").
ACCOUNTS = list(dict.fromkeys([name for name, *_ in DEMO_LOGINS] + [f"officer-{code}" for code, *_ in DEPARTMENTS]))
WHO = [*ACCOUNTS, ""]
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
        if who:
            visitor.log_in(who, DEMO_PASSWORD)
        results[who] = walk(visitor.get, who=who or "访客", resolve=resolve, vocabulary=vocabulary,
                            logged_in=bool(who))
    return results


@pytest.mark.parametrize("who", WHO, ids=[w or "anonymous" for w in WHO])
def test_every_linked_page_opens_cleanly(walks, demo_site, who):
    result = walks[who]
    assert len(result.visited) >= 8, f"{who or '访客'} reached only {sorted(result.visited)}"
    if result.findings:
        detail = "\n".join(str(f) for f in result.findings)
        if any("服务器错误" in f.problem for f in result.findings):
            detail += "\n\n--- server log ---\n" + demo_site.server_log()
        pytest.fail(f"{len(result.findings)} problems in the demo for {who or '访客'}:\n{detail}")


def test_the_walk_covers_the_rooms(walks):
    """Guard against a walk that silently stops early: together the accounts reach every room."""
    visited = {path for result in walks.values() for path in result.visited}
    for prefix in ("/enterprises/", "/guide/", "/cases/", "/policies/", "/appeals/", "/assist/", "/stations/",
                   "/evaluation/", "/notices/", "/track/", "/audit/", "/calendar/", "/catalog/manage/"):
        assert any(p.startswith(prefix) for p in visited), prefix
    print(f"\ndemo walk: {sum(len(r.visited) for r in walks.values())} page visits, "
          f"{len(visited)} distinct pages, {len(WHO)} visitors")


@pytest.mark.parametrize("width,height", [(390, 844), (1280, 900)], ids=["phone", "desktop"])
def test_navigation_pages_fit_the_screen(browser, demo_site, walks, width, height):
    """Each account's home and navigation pages at a phone's and a desktop's width: nothing wider than the
    screen (a phone must not scroll sideways), and the navigation can be opened and used."""
    problems = []
    for who in IN_BROWSER:
        context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": height},
                                      is_mobile=width < 500, has_touch=width < 500)
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            if who:
                page.goto(f"{demo_site.url}/accounts/login/")
                page.get_by_label("用户名").fill(who)
                page.get_by_label("密码").fill(DEMO_PASSWORD)
                page.get_by_role("button", name="登录").click()
                page.wait_for_url(f"{demo_site.url}/")
            for path in ["/", *[p for p in walks[who].nav if p.startswith("/")]]:
                page.goto(demo_site.url + path)
                overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                if overflow > 1:
                    problems.append(f"[{who or '访客'}] {path} 宽出屏幕 {overflow}px（{width}px）")
            page.goto(demo_site.url + "/")
            toggler = page.locator(".navbar-toggler")
            if toggler.is_visible():
                toggler.click()
            first = page.locator("nav .nav-link").first
            first.wait_for(state="visible")
        finally:
            context.close()
    assert not problems, "\n".join(problems)

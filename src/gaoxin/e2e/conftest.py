"""Browser journeys in headless Debian Chromium driven by Playwright (never a downloaded browser)."""

import os
import shutil

import pytest

from gaoxin.core.testing import running_in_ci

CHROMIUM = os.environ.get("GAOXIN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--disable-quic", "--no-first-run",
]
# Playwright's sync API runs an event loop in this thread; the ORM calls made by the test
# itself (factories, assertions) are safe because they do not overlap with the browser.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _content_once_loaded(original):
    """`page.content()` as the journeys read it right after a click: the page a click navigated to, once loaded.
    A click returns when the navigation has committed; the document may still be parsing (its head only), and
    its content then lacks the text asserted (a journey failed so, on a busy machine)."""

    def content(self) -> str:
        self.wait_for_load_state()
        return original(self)

    return content


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        if running_in_ci():
            pytest.fail(f"Chromium not found at {CHROMIUM}; CI must install Debian's chromium")
        pytest.skip(f"Chromium not installed at {CHROMIUM} (apt-get install chromium fonts-noto-cjk)")
    from playwright.sync_api import Page, sync_playwright

    Page.content = _content_once_loaded(Page.content)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def login(page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base_url}/")


def session(browser, live_server, username: str, password: str = "Secret-pass-123"):
    """A logged-in page in a fresh browser context, so several users can act side by side."""
    page = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(15_000)
    login(page, live_server.url, username, password)
    return page


def download_job_file(page, button: str, target):
    """Click a button that starts a background export, then download its file from the job page."""
    page.get_by_role("button", name=button).click()
    with page.expect_download() as download:
        page.get_by_role("link", name="下载结果文件").click()
    download.value.save_as(target)
    return target

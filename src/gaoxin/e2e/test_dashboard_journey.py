"""A leader opens the dashboard from the home page, changes the period, drills from a figure to a department and
to one of the cases behind it, and downloads the published monthly report as a PDF (issue 18)."""

import datetime as dt

import pytest

from gaoxin.dashboard import services
from gaoxin.dashboard.tests.test_figures import zone  # noqa: F401  (the hand-built zone of October 2026)

from .conftest import session

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_leader_reads_drills_and_downloads(live_server, browser, zone, admin_user, leader_user):  # noqa: F811
    services.report_publish(report=services.report_generate(month=dt.date(2026, 10, 1), actor=admin_user),
                            actor=admin_user)
    page = session(browser, live_server, "leader")
    page.get_by_role("link", name="领导驾驶舱").first.click()
    page.get_by_role("heading", name="领导驾驶舱").wait_for()

    page.get_by_label("统计期间").select_option("2026-10")
    page.get_by_role("button", name="查看").click()
    page.get_by_role("heading", name="领导驾驶舱 · 2026年10月").wait_for()
    card = page.get_by_test_id("figure-cases.on_time_rate")
    assert "75.0" in card.inner_text() and "%" in card.inner_text()
    assert "按时办结率75%，低于预警线（不低于95%）" in page.get_by_test_id("warnings").inner_text()
    page.locator("[data-gx-chart=trend][data-gx-drawn=true]").wait_for()  # the vendored chart library drew

    card.click()
    page.get_by_role("heading", name="按时办结率 · 2026年10月").wait_for()
    assert "在办结期限" in page.get_by_test_id("definition").inner_text()
    page.get_by_role("link", name="税务局").click()
    page.get_by_role("heading", name="按时办结率 · 2026年10月 · 部门：税务局").wait_for()
    records = page.get_by_test_id("records")
    assert "GX2026100100003" in records.inner_text() and "GX2026100100001" not in records.inner_text()
    records.get_by_role("link", name="GX2026100100003").click()
    page.get_by_text("GX2026100100003").first.wait_for()
    assert "/cases/GX2026100100003/" in page.url

    page.goto(f"{live_server.url}/dashboard/reports/")
    page.get_by_role("link", name="2026年10月").click()
    pdf_url = page.get_by_test_id("report-pdf").get_attribute("href")
    answer = page.request.get(f"{live_server.url}{pdf_url}")
    assert answer.ok and answer.headers["content-type"] in ("application/pdf", "text/html; charset=utf-8")
    if answer.headers["content-type"] == "application/pdf":
        assert answer.body()[:4] == b"%PDF"

"""The dashboard's pages, permissions, monthly report workflow, subscriptions and API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from gaoxin.accounts.models import OrgAssignment, Position, Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.catalog.tests.factories import department
from gaoxin.core.models import AuditEvent, Notification
from gaoxin.dashboard import periods as P
from gaoxin.dashboard import services, wording
from gaoxin.dashboard.models import MonthlyReport, ReportStatus, Subscription
from gaoxin.dashboard.tests.test_figures import zone  # noqa: F401  (the hand-built zone)

LAST_MONTH = P.parse("", today=dt.date.today())
OCT_2026 = P.month(2026, 10)


@pytest.fixture
def head(db):
    dept = department()
    user = UserFactory(role=Role.DEPT_OFFICER, org_unit=dept, username="head")
    OrgAssignment.objects.create(org_unit=dept, user=user, position=Position.HEAD)
    return user


@pytest.mark.parametrize("who,status", [("leader", 200), ("admin", 200), ("clerk", 403), ("enterprise", 403),
                                        ("officer", 403)])
def test_who_opens_the_dashboard(who, status, client, leader_user, admin_user, clerk_user, enterprise_user,
                                 officer_user):
    user = {"leader": leader_user, "admin": admin_user, "clerk": clerk_user, "enterprise": enterprise_user,
            "officer": officer_user}[who]
    client.force_login(user)
    assert client.get(reverse("dashboard")).status_code == status
    assert client.get(reverse("report_list")).status_code == status


def test_a_department_head_sees_the_department_only(client, head, zone):  # noqa: F811
    client.force_login(head)
    page = client.get(reverse("dashboard") + "?period=2026-10").content.decode()
    assert "市场监督管理局" in page and "驿站服务" not in page
    assert f"key={zone['tax'].pk}" not in page  # another department's rank is shown, its records are not linked
    figure = reverse("dashboard_figure", args=["cases.on_time_rate"])
    assert client.get(figure + "?period=2026-10").status_code == 200
    assert client.get(figure + f"?period=2026-10&dim=department&key={zone['tax'].pk}").status_code == 404
    assert client.get(reverse("dashboard_figure", args=["stations.services"])).status_code == 404
    records = client.get(figure + "?period=2026-10").context["rows"]
    assert {r["cells"][0] for r in records} == {"GX2026100100001", "GX2026100100002", "GX2026100100004"}


def test_the_period_picker(leader_client, zone):  # noqa: F811
    ok = leader_client.get(reverse("dashboard") + "?period=custom&start=2026-10-01&end=2026-10-31")
    assert ok.status_code == 200 and ok.context["period"] == P.Period("custom", dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    bad = leader_client.get(reverse("dashboard") + "?period=custom&start=2026-10-31&end=2026-10-01")
    assert bad.status_code == 400 and "结束日期不能早于开始日期" in bad.content.decode()
    # beside the end date, not above the form
    assert '<div class="invalid-feedback" data-testid="error-end">自定义期间的结束日期不能早于开始日期</div>' in bad.content.decode()
    half = leader_client.get(reverse("dashboard") + "?period=custom&start=2026-10-01")
    assert half.status_code == 400 and 'data-testid="error-end">自定义期间请填写结束日期<' in half.content.decode()
    assert 'data-testid="error-start"' not in half.content.decode()
    odd = leader_client.get(reverse("dashboard") + "?period=2026-13")
    assert odd.status_code == 400 and 'data-testid="error-period">月份应为 1 至 12<' in odd.content.decode()
    assert 'value="2026-10-31"' in bad.content.decode()  # what was typed is kept
    far = leader_client.get(reverse("dashboard") + "?period=custom&start=9999-12-01&end=9999-12-31")
    assert far.status_code == 400 and "统计期间应在 2000 年至 2100 年之间" in far.content.decode()
    figure = leader_client.get(reverse("dashboard_figure", args=["cases.on_time_rate"]) + "?period=9999-12")
    assert figure.status_code == 400


def test_drill_down_opens_the_records(leader_client, zone):  # noqa: F811
    url = reverse("dashboard_figure", args=["cases.on_time_rate"]) + f"?period=2026-10&dim=department&key={zone['tax'].pk}"
    page = leader_client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "GX2026100100003" in text and "GX2026100100001" not in text
    assert "在办结期限" in text  # the definition is shown
    assert reverse("case_detail", args=["GX2026100100003"]) in text


def test_constant_queries_on_the_dashboard_and_a_figure(leader_client, zone, django_assert_max_num_queries):  # noqa: F811
    with django_assert_max_num_queries(12):
        leader_client.get(reverse("dashboard") + "?period=2026-10")
    with django_assert_max_num_queries(20):
        leader_client.get(reverse("dashboard_figure", args=["cases.first_time"]) + "?period=2026-10")


def test_report_generate_edit_publish(admin_user, leader_user, zone, django_capture_on_commit_callbacks):  # noqa: F811
    services.subscription_set(user=leader_user, kind="monthly_report")
    before = AuditEvent.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_generate(month=dt.date(2026, 10, 1), actor=admin_user)
    assert AuditEvent.objects.count() == before + 1
    assert "受理政务服务事项3件，办结4件，按时办结率75.0%" in report.paragraph
    again = services.snapshot(P.month(2026, 10))
    assert services.data_hash(again) == report.data_hash  # reproducible from the same records
    services.report_edit(report=report, paragraph="改写后的通稿。", actor=admin_user)
    with pytest.raises(PermissionDenied):
        services.report_publish(report=report, actor=leader_user)
    with django_capture_on_commit_callbacks(execute=True):
        published = services.report_publish(report=report, actor=admin_user)
    assert published.status == ReportStatus.PUBLISHED and published.published_at
    assert AuditEvent.objects.filter(event_type="report.publish").count() == 1
    assert Notification.objects.filter(user=leader_user, kind="monthly_report").count() == 1
    with pytest.raises(ValidationError):
        services.report_publish(report=published, actor=admin_user)
    with pytest.raises(ValidationError):
        services.report_edit(report=published, paragraph="再改", actor=admin_user)
    with pytest.raises(ValidationError):
        services.report_generate(month=dt.date(2026, 10, 1), actor=admin_user)


def test_report_pages_and_downloads(admin_client, leader_client, admin_user, zone):  # noqa: F811
    report = services.report_generate(month=dt.date(2026, 10, 1), actor=admin_user)
    token = "2026-10"
    assert leader_client.get(reverse("report_detail", args=[token])).status_code == 404  # a draft: writers only
    page = admin_client.get(reverse("report_detail", args=[token]))
    assert page.status_code == 200 and report.paragraph in page.content.decode()
    empty = admin_client.post(reverse("report_edit", args=[token]), {"paragraph": " "})
    assert empty.status_code == 400 and "该字段是必填项" in empty.content.decode()
    admin_client.post(reverse("report_publish", args=[token]))
    excel = leader_client.get(reverse("report_excel", args=[token]))
    assert excel.status_code == 200 and excel.content[:2] == b"PK"
    printed = leader_client.get(reverse("report_print", args=[token]))
    assert printed.status_code == 200 and "按时办结率" in printed.content.decode()
    pdf = leader_client.get(reverse("report_pdf", args=[token]))
    assert pdf.status_code == 200 and pdf["Content-Type"] in ("application/pdf", "text/html; charset=utf-8")


def test_report_generation_runs_as_a_job(admin_client, zone, django_capture_on_commit_callbacks):  # noqa: F811
    with django_capture_on_commit_callbacks(execute=True):
        answer = admin_client.post(reverse("report_generate"), {"month": "2026-10"})
    assert answer.status_code == 302
    assert MonthlyReport.objects.get().month == dt.date(2026, 10, 1)
    assert admin_client.post(reverse("report_generate"), {"month": "1999-01"}).status_code == 400


def test_monthly_report_due_on_the_first_working_day(db):
    assert services.monthly_report_due(dt.date(2026, 11, 2)) == dt.date(2026, 10, 1)  # 1 Nov 2026 is a Sunday
    assert services.monthly_report_due(dt.date(2026, 11, 1)) is None
    assert services.monthly_report_due(dt.date(2026, 11, 3)) is None


def test_threshold_alert_once_a_month(leader_user, zone, django_capture_on_commit_callbacks):  # noqa: F811
    services.subscription_set(user=leader_user, kind="threshold", figure="cases.on_time_rate")
    with pytest.raises(ValidationError):
        services.subscription_set(user=leader_user, kind="threshold", figure="cases.received")  # no threshold
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            services.figures_refresh(today=dt.date(2026, 10, 31))
    alerts = Notification.objects.filter(user=leader_user, kind="figure_alert")
    assert alerts.count() == 1 and "按时办结率" in alerts.get().message


def test_subscriptions_page(leader_client, leader_user, enterprise_client):
    assert leader_client.post(reverse("dashboard_subscriptions"), {"kind": "monthly_report"}).status_code == 302
    sub = Subscription.objects.get(user=leader_user)
    no_mail = leader_client.post(reverse("dashboard_subscriptions"), {"kind": "monthly_report", "email": "on"})
    assert no_mail.status_code == 400 if not leader_user.email else 302
    other = UserFactory(role=Role.LEADER)
    stranger = Subscription.objects.create(user=other, kind="monthly_report")
    assert leader_client.post(reverse("dashboard_subscription_remove", args=[stranger.pk])).status_code == 404
    assert leader_client.post(reverse("dashboard_subscription_remove", args=[sub.pk])).status_code == 302
    assert not Subscription.objects.filter(pk=sub.pk).exists()
    assert enterprise_client.get(reverse("dashboard_subscriptions")).status_code == 403


def test_api_figures(leader_client, enterprise_client, zone):  # noqa: F811
    definitions = leader_client.get("/api/v1/figures/").json()
    assert {d["id"] for d in definitions} >= {"cases.on_time_rate", "appeals.satisfaction"}
    one = leader_client.get("/api/v1/figures/cases.on_time_rate/?period=2026-10&dimension=department").json()
    assert one["value"] == 75.0 and [b["value"] for b in one["breakdown"]] == [100.0, 0.0]
    assert leader_client.get("/api/v1/figures/cases.on_time_rate/?period=2026-13").status_code == 400
    assert leader_client.get("/api/v1/figures/stations.services/?dimension=department").status_code == 400
    assert leader_client.get("/api/v1/figures/nosuch/").status_code == 404
    assert enterprise_client.get("/api/v1/figures/").status_code == 403


@pytest.mark.parametrize("token,label", [("2026-10", "2026年10月"), ("2026-Q4", "2026年第4季度"), ("2026", "2026年")])
def test_periods(token, label):
    p = P.parse(token, today=dt.date(2026, 11, 30))
    assert p.label == label and P.parse(p.token, today=dt.date(2026, 11, 30)) == p
    assert p.previous().end == p.start - dt.timedelta(days=1)
    assert p.year_before().start.year == p.start.year - 1


def test_period_errors_are_chinese():
    for bad in ("2026-13", "2026-Q5", "abc", "2026-01-02~2025-01-01", "2000-01-01~2020-01-01", "9999-12",
                "9999-12-01~9999-12-31", "1999", "2101-Q1"):
        with pytest.raises(P.PeriodError):
            P.parse(bad, today=dt.date(2026, 11, 30))


def test_wording_examples():
    assert [wording.count_yu(634, "次"), wording.count_yu(600, "次"), wording.count_yu(2150, "次"),
            wording.count_yu(47, "个"), wording.count_yu(3012, "人次")] == ["630余次", "600次", "2100余次", "47个", "3000余人次"]
    assert [wording.share_above(43.7), wording.share_above(95)] == ["40%以上", "95%"]
    assert [wording.amount_wan(25310), wording.amount_wan(20000), wording.amount_wan(86.5)] == ["2.5亿余元", "2亿元", "86.5万元"]


@given(st.integers(min_value=100, max_value=10**9))
def test_yu_rounding_property(n):
    """The number written keeps two significant digits, is rounded down, and says 余 exactly when it is below n."""
    text = wording.count_yu(n)
    shown = int(text.removesuffix("余"))
    magnitude = len(str(n)) - 1
    assert shown <= n and n - shown < 10 ** (magnitude - 1)
    assert shown % 10 ** (magnitude - 1) == 0
    assert text.endswith("余") == (shown != n)


def test_a_figure_for_one_key_is_that_keys_figure(leader_client, zone):  # noqa: F811
    url = reverse("dashboard_figure", args=["cases.on_time_rate"])
    page = leader_client.get(url + f"?period=2026-10&dim=department&key={zone['tax'].pk}")
    assert page.context["value"].value == 0.0  # the tax bureau's own rate, not the zone's 75 %


def test_a_department_head_gets_no_other_breakdown(client, head, zone):  # noqa: F811
    client.force_login(head)
    page = client.get(reverse("dashboard_figure", args=["cases.received"]) + "?period=2026-10")
    assert [d for d, _label, _rows in page.context["breakdowns"]] == ["department"]
    answer = client.get("/api/v1/figures/cases.received/?period=2026-10&dimension=channel").json()
    assert answer["breakdown"] == []


def test_no_comparison_with_a_period_before_the_data(zone):  # noqa: F811
    from gaoxin.dashboard import selectors

    assert selectors.data_start()["cases.accepted"] == dt.date(2025, 10, 15)
    v = {x.figure.id: x for x in selectors.values(OCT_2026, since=selectors.data_start())}["cases.accepted"]
    assert v.previous == 2 and v.year_before is None and v.yoy is None  # October 2025 only from the 15th
    quarter = {x.figure.id: x for x in selectors.values(P.quarter(2026, 4), since=selectors.data_start())}
    assert quarter["cases.accepted"].previous == 2 and quarter["cases.accepted"].year_before is None


def test_publishing_saves_what_was_typed_and_published_months_are_not_offered(admin_client, admin_user, zone):  # noqa: F811
    services.report_generate(month=dt.date(2026, 10, 1), actor=admin_user)
    admin_client.post(reverse("report_publish", args=["2026-10"]), {"paragraph": "管理员改写的通稿。"})
    report = MonthlyReport.objects.get()
    assert report.status == ReportStatus.PUBLISHED and report.paragraph == "管理员改写的通稿。"
    choices = dict(admin_client.get(reverse("report_list")).context["form"].fields["month"].choices)
    assert "2026-10" not in choices

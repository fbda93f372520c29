"""The demo zone's dashboard: the figures computed from its year of history, the report of the month before last
published and last month's report waiting as a draft, and the leader subscribed to both kinds of message."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from . import periods as P
from .models import SubscriptionKind
from .services import figures_refresh, report_generate, report_publish, subscription_set


def build_demo_dashboard(*, admin, leader, today: dt.date) -> None:
    figures_refresh(full=True, today=today)
    real = timezone.localdate()  # reports only for months that have ended
    last = P.parse("", today=real)
    before = last.previous()
    subscription_set(user=leader, kind=SubscriptionKind.MONTHLY_REPORT)
    subscription_set(user=leader, kind=SubscriptionKind.THRESHOLD, figure="cases.on_time_rate")
    report_publish(report=report_generate(month=before.start, actor=admin), actor=admin)
    report_generate(month=last.start, actor=admin)

"""The public-notice kernel (core.notice) shared by the evaluation and the talent recognition rounds."""

import datetime as dt

import pytest

from gaoxin.core import notice

pytestmark = pytest.mark.django_db


def test_calendar_and_working_day_windows():
    assert notice.notice_window(dt.date(2025, 9, 30), 5, notice.CALENDAR) == (dt.date(2025, 9, 30), dt.date(2025, 10, 4))
    # 30 Sep, then the National Day holiday (1–8 Oct), 9, 10, 11 (a make-up Saturday) and 13 Oct.
    assert notice.notice_window(dt.date(2025, 9, 30), 5, notice.WORKING) == (dt.date(2025, 9, 30), dt.date(2025, 10, 13))
    assert notice.notice_window(dt.date(2025, 10, 4), 1, notice.WORKING) == (dt.date(2025, 10, 9), dt.date(2025, 10, 9))


def test_open_only_on_the_notice_days_and_the_refusal_says_why():
    start, end = dt.date(2026, 3, 2), dt.date(2026, 3, 8)
    assert not notice.notice_open(None, None, start)
    assert [notice.notice_open(start, end, d) for d in (start - dt.timedelta(days=1), start, end,
                                                         end + dt.timedelta(days=1))] == [False, True, True, False]
    assert notice.notice_refusal(end, end + dt.timedelta(days=1)) == "公示期已于2026年03月08日结束，逾期不再受理异议"
    assert notice.notice_refusal(end, start - dt.timedelta(days=1)) == "公示尚未开始"

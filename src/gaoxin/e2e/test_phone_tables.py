"""Tables on a phone (390 px, QA): 叫号台's 今日各窗口等候时间 cut the window names off and 人员培训 pushed 组织单位、学时
and 参训人数 off the screen. Both stack one card per row (table.gx-stack, as 导办 and 云直播 do): nothing is wider
than the phone and every cell is on screen with its label."""

from decimal import Decimal

import pytest
from django.utils import timezone

from .conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTH = 390


@pytest.fixture
def hall_open(monkeypatch):
    """Tickets are called in opening hours only; the live server keeps the real clock."""
    from gaoxin.kiosk import queue

    monkeypatch.setattr(queue, "issue_refusal", lambda now=None: None)
    monkeypatch.setattr(queue, "call_refusal", lambda now=None: None)


@pytest.fixture
def admin(db):
    from gaoxin.accounts.models import Role
    from gaoxin.accounts.tests.factories import UserFactory

    return UserFactory(username="zone-admin", role=Role.ZONE_ADMIN, full_name="王芳")


@pytest.fixture
def phone_of(browser, live_server):
    contexts = []

    def _open(username: str):
        context = browser.new_context(locale="zh-CN", viewport={"width": WIDTH, "height": 844}, is_mobile=True,
                                      has_touch=True)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        login(page, live_server.url, username, "Secret-pass-123")
        return page

    yield _open
    for context in contexts:
        context.close()


def _fits(page, table_id: str, words: list[str]) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH + 1  # no sideways scrolling
    table = page.get_by_test_id(table_id)
    box = table.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH + 1
    # Nothing scrolled or clipped inside the table either: no cell wider than its box.
    assert table.evaluate("t => [t, ...t.querySelectorAll('td')].every(e => e.scrollWidth <= e.clientWidth + 1)")
    # Every cell on screen (its label before it), none cut off at the right edge.
    rights = table.evaluate("t => [...t.querySelectorAll('tbody td')].map(td => td.getBoundingClientRect().right)")
    assert rights and max(rights) <= WIDTH + 1
    labels = table.evaluate("t => [...t.querySelectorAll('tbody td')].map(td => getComputedStyle(td, '::before')"
                            ".content)")
    assert all(label not in ("none", "normal", '""') for label in labels)
    for word in words:
        assert table.get_by_text(word, exact=False).first.is_visible(), word


def test_the_window_waits_stack_on_a_phone(live_server, phone_of, admin, hall_open):
    from gaoxin.catalog.models import ServiceZone, Window
    from gaoxin.kiosk import queue

    zone = ServiceZone.objects.create(code="gc", name="工程建设项目审批专区", sort_order=1)
    window = Window.objects.create(zone=zone, number="12", name="工程建设项目综合受理窗口")
    served = queue.ticket_transition(ticket=queue.ticket_issue(zone=zone), name="CALL", actor=admin, window=window)
    queue.ticket_transition(ticket=served, name="SERVE", actor=admin)
    queue.ticket_transition(ticket=queue.ticket_issue(zone=zone), name="CALL", actor=admin, window=window)
    page = phone_of("zone-admin")
    page.goto(f"{live_server.url}/queue/?window={window.pk}")
    assert page.get_by_text("今日各窗口等候时间").is_visible()
    _fits(page, "window-waits", ["工程建设项目审批专区 12号窗口（工程建设项目综合受理窗口）", "分钟"])
    _fits(page, "called-tickets", ["办理完成", "过号"])


def test_the_training_list_stacks_on_a_phone(live_server, phone_of, admin):
    from gaoxin.accounts.models import OrgKind
    from gaoxin.accounts.tests.factories import OrgUnitFactory
    from gaoxin.stations.models import TrainingKind, TrainingSession

    station = OrgUnitFactory(code="jinrong-station", name="湘潭高新区金荣社区党群服务中心政务服务驿站",
                             short_name="金荣社区政务服务驿站", kind=OrgKind.STATION)
    session = TrainingSession.objects.create(
        kind=TrainingKind.CENTRAL, title="“一窗通办”综合受理业务与企业开办一件事集中培训", held_on=timezone.localdate(),
        hours=Decimal("6.5"), organiser=station, created_by=admin)
    session.attendees.set([admin])
    page = phone_of("zone-admin")
    page.goto(f"{live_server.url}/stations/training/")
    _fits(page, "training-list", ["金荣社区政务服务驿站", "6.5", "集中培训"])

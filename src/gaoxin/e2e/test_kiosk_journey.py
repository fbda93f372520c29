"""智能微厅 (issue 23, "Done when"), on a 1080×1920 portrait touch screen: a person logs in with a typed ID number,
completes an instant item and gets a receipt; the idle timer wipes a half-filled form; an unavailable item offers a
帮代办 order."""

import re

import pytest
from playwright.sync_api import expect

from gaoxin.assist.models import AssistOrder
from gaoxin.cases.models import Case, Status
from gaoxin.catalog.tests.factories import department, make_item
from gaoxin.core.validators import id_check_char
from gaoxin.enterprises.tests.factories import EnterpriseFactory
from gaoxin.kiosk import services
from gaoxin.kiosk.models import EndReason, Visit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BODY = "43030219800101123"
REP_ID = BODY + id_check_char(BODY)


@pytest.fixture
def screen(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1080, "height": 1920}, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def hall(admin_user):
    tax = department("tax", "税务局")
    instant = make_item(admin_user, code="43037105GG0002", name="发票验旧", case_type="immediate", promised_limit=0,
                        statutory_limit=1, situations=(), channels=["window", "web", "kiosk"], dept=tax)
    promised = make_item(admin_user, code="43037105GG0003", name="不动产转移登记", promised_limit=3, situations=(),
                         channels=["window", "kiosk"], dept=tax)
    firm = EnterpriseFactory(name="湘潭恒达电气有限公司", legal_representative="刘建国",
                             legal_representative_id_number=REP_ID)
    _terminal, key = services.terminal_register(name="1号机", location="政务服务中心一楼智能微厅", actor=None)
    return {"instant": instant, "promised": promised, "firm": firm, "key": key}


def set_up_terminal(page, base: str, key: str) -> None:
    page.goto(f"{base}/kiosk/", wait_until="domcontentloaded", timeout=60_000)
    page.get_by_label("终端密钥").fill(key)
    page.get_by_role("button", name="登记本终端").click()
    page.wait_for_url(f"{base}/kiosk/")


def log_in(page, number: str) -> None:
    field = page.get_by_label("身份证号码")
    field.fill(number[:-3])
    for digit in number[-3:]:  # the last digits on the screen's keypad
        page.locator(f'[data-kiosk-key="{digit}"]').click()
    field.press("Enter")  # the card reader ends with Enter


def test_typed_id_number_instant_item_and_receipt(live_server, screen, hall):
    base = live_server.url
    set_up_terminal(screen, base, hall["key"])
    assert screen.get_by_test_id("kiosk-location").inner_text() == "政务服务中心一楼智能微厅"
    # A wrong check digit: said beside the field, the digits kept.
    wrong = REP_ID[:-1] + ("1" if REP_ID[-1] != "1" else "2")
    screen.get_by_label("身份证号码").fill(wrong)
    screen.get_by_role("button", name="确定").click()
    expect(screen.locator("body")).to_contain_text("校验码")  # the answer page, not the one being left
    assert screen.get_by_label("身份证号码").input_value() == wrong
    screen.get_by_label("身份证号码").fill("")
    log_in(screen, REP_ID)
    screen.wait_for_url(f"{base}/kiosk/items/")
    assert screen.get_by_test_id("kiosk-person").inner_text() == "刘建国，您好"
    assert "不动产转移登记" in screen.get_by_test_id("kiosk-unavailable").inner_text()
    screen.get_by_test_id("kiosk-items").get_by_role("link", name="发票验旧").click()
    screen.locator("#id_contact_phone").fill("13900001111")
    screen.get_by_role("button", name="提交并办结").click()  # the form material not captured yet
    expect(screen.locator("body")).to_contain_text("请放入“发票验旧申请表”拍照或扫描（必要材料）")
    assert screen.locator("#id_contact_phone").input_value() == "13900001111"
    # Touch-sized: each choice a whole row at least 48 px high; the file picker says 选择文件 and the chosen name.
    for box in screen.locator(".kiosk-choice, .kiosk-file-btn").all():
        assert box.bounding_box()["height"] >= 48
    assert screen.locator(".kiosk-file-btn").first.inner_text() == "选择文件"
    assert screen.locator("[data-kiosk-file-name]").first.inner_text() == "未选择文件"
    screen.get_by_label("发票验旧申请表").set_input_files(
        {"name": "申请表.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"})
    assert screen.locator("[data-kiosk-file-name]").first.inner_text() == "申请表.pdf"
    screen.get_by_role("button", name="提交并办结").click()
    assert screen.get_by_test_id("kiosk-done").inner_text() == "已办结"
    case = Case.objects.get()
    assert case.status == Status.DELIVERED and case.channel == "kiosk" and case.enterprise == hall["firm"]
    assert screen.get_by_test_id("kiosk-case-number").inner_text() == case.number
    # The receipt and the A4 notice open in the same full screen (no tab left behind) and lead back.
    screen.get_by_role("link", name="打印回执").click()
    screen.wait_for_url(f"{base}/kiosk/cases/{case.number}/receipt/")
    assert screen.get_by_test_id("receipt-number").inner_text() == case.number
    assert screen.get_by_test_id("receipt-qr").locator("svg").count() == 1
    assert "政务服务中心一楼智能微厅" in screen.content()
    for button in ("receipt-print", "receipt-back"):  # touch-sized on the terminal
        assert screen.get_by_test_id(button).bounding_box()["height"] >= 48
    screen.get_by_test_id("receipt-back").click()
    screen.get_by_test_id("kiosk-notice-link").click()
    screen.wait_for_url(f"{base}/kiosk/cases/{case.number}/notice/")
    assert "即办件办结通知书" in screen.content()
    for button in ("notice-print", "notice-back"):
        box = screen.get_by_test_id(button).bounding_box()
        assert box["height"] >= 48 and box["width"] >= 48
    screen.emulate_media(media="print")  # the printed sheet carries no buttons
    assert not screen.get_by_test_id("notice-print").is_visible()
    screen.emulate_media(media="screen")
    screen.get_by_test_id("notice-back").click()
    screen.wait_for_url(f"{base}/kiosk/cases/{case.number}/")
    assert len(screen.context.pages) == 1
    screen.get_by_role("button", name="退出").click()
    screen.wait_for_url(f"{base}/kiosk/")
    assert Visit.objects.get().end_reason == EndReason.LOGOUT


def test_the_idle_timer_wipes_a_half_filled_form(live_server, screen, hall, settings):
    settings.GAOXIN_KIOSK_IDLE_SECONDS = 5
    base = live_server.url
    set_up_terminal(screen, base, hall["key"])
    log_in(screen, REP_ID)
    screen.wait_for_url(f"{base}/kiosk/items/")
    screen.get_by_test_id("kiosk-items").get_by_role("link", name="发票验旧").click()
    screen.locator("#id_contact_phone").fill("13900001111")
    # Nobody touches the screen: the form is wiped and the visit ends.
    screen.wait_for_url(f"{base}/kiosk/", timeout=20_000)
    assert "已自动退出" in screen.content()
    assert Visit.objects.get().end_reason == EndReason.IDLE and not Case.objects.exists()
    screen.go_back()
    assert "13900001111" not in screen.content()
    assert screen.locator("#id_contact_phone").count() == 0  # back at the log-in, not the form


def test_an_unavailable_item_offers_a_assist_order(live_server, screen, hall):
    base = live_server.url
    set_up_terminal(screen, base, hall["key"])
    log_in(screen, REP_ID)
    screen.wait_for_url(f"{base}/kiosk/items/")
    screen.get_by_test_id("kiosk-unavailable").get_by_role("link", name="不动产转移登记").click()
    assert "需要工作人员审查" in screen.get_by_test_id("kiosk-reason").inner_text()
    screen.get_by_role("link", name="请专员帮我代办").click()
    screen.locator("#id_contact_phone").fill("13900001111")
    screen.get_by_role("button", name="提交代办").click()  # consent not given
    expect(screen.locator("body")).to_contain_text("请确认同意委托帮代办专员代为办理")
    assert screen.locator("#id_contact_phone").input_value() == "13900001111" and not AssistOrder.objects.exists()
    screen.get_by_label("我同意委托帮代办专员免费代为办理，并同意专员使用以上联系电话联系我").check()
    screen.get_by_role("button", name="提交代办").click()
    order = AssistOrder.objects.get()
    assert screen.get_by_test_id("kiosk-order-number").inner_text() == order.number
    assert order.channel == "kiosk" and order.item == hall["promised"] and order.enterprise == hall["firm"]


@pytest.fixture
def hall_open(monkeypatch):
    """The hall open whatever the real hour and day: the browser keeps the real clock (no time travel for a live
    server), and tickets are issued and called in opening hours only."""
    from gaoxin.kiosk import queue

    monkeypatch.setattr(queue, "issue_refusal", lambda now=None: None)
    monkeypatch.setattr(queue, "call_refusal", lambda now=None: None)


def test_the_printed_ticket_is_a_slip(live_server, screen, hall, hall_open):
    """QA: 打印号票 printed the whole kiosk screen (header, buttons, footer, grey background). On paper the page is
    the ticket slip only, receipt-printer wide: number, zone, people ahead and the time taken."""
    from gaoxin.catalog.models import ServiceZone, Window
    from gaoxin.kiosk import queue

    zone = ServiceZone.objects.create(code="slip", name="综合受理专区", sort_order=99)
    Window.objects.create(zone=zone, number="31", name="综合受理窗口")
    number = queue.ticket_issue(zone=zone).number.replace("001", "002")  # one person already waiting
    base = live_server.url
    set_up_terminal(screen, base, hall["key"])
    screen.goto(f"{base}/kiosk/ticket/")
    screen.get_by_role("button", name="综合受理专区").click()
    expect(screen.get_by_test_id("kiosk-ticket-number")).to_have_text(number)
    screen.wait_for_load_state("load")  # the slip's stylesheet too
    assert not screen.get_by_test_id("kiosk-ticket-slip").is_visible()  # on the screen: the kiosk page
    screen.emulate_media(media="print")
    slip = screen.get_by_test_id("kiosk-ticket-slip")
    expect(slip).to_be_visible()
    text = slip.inner_text()
    assert number in text and "综合受理专区" in text and "您前面还有 1 人等候" in text and "取号时间：" in text
    for hidden in ("kiosk-ticket", "kiosk-ticket-print"):
        assert not screen.get_by_test_id(hidden).is_visible()
    assert not screen.locator(".kiosk-header").is_visible() and not screen.locator(".kiosk-footer").is_visible()
    assert not screen.get_by_role("link", name="完成").is_visible()
    assert slip.bounding_box()["width"] <= 80 / 25.4 * 96  # no wider than the 80 mm roll
    pdf = screen.pdf(prefer_css_page_size=True)  # one slip of the 80 mm roll (80 mm = 226.8 pt), not a sheet
    width = float(re.search(rb"MediaBox\s*\[0 0 ([\d.]+)", pdf).group(1))
    assert 220 < width < 232 and len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
    background = screen.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)")
    screen.emulate_media(media="screen")


def test_the_hall_screen_fits_a_landscape_display_in_large_type(live_server, browser, admin_user, hall_open):
    """The calling screen on a 1920×1080 hall display: eight calls and the waiting counts without scrolling, the
    latest number at least 64 px high, 10号窗口 after 9号窗口 in the windows' order."""
    from gaoxin.accounts.models import Role
    from gaoxin.accounts.tests.factories import UserFactory
    from gaoxin.catalog.models import ServiceZone, Window
    from gaoxin.kiosk import queue

    zones = [ServiceZone.objects.create(code=f"z{i}", name=name, sort_order=i)
             for i, name in enumerate(["企业开办专区", "综合服务专区", "工程建设专区"])]
    clerk = UserFactory(role=Role.WINDOW_CLERK)
    for n in range(8):
        window = Window.objects.create(zone=zones[n % 3], number=str(n + 3), name=f"{n + 3}号综窗")
        ticket = queue.ticket_issue(zone=window.zone)
        queue.ticket_transition(ticket=ticket, name="CALL", actor=clerk, window=window)
    for zone in zones:
        queue.ticket_issue(zone=zone)
    context = browser.new_context(locale="zh-CN", viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    page.goto(f"{live_server.url}/queue/screen/")
    board = page.get_by_test_id("queue-board")
    assert board.locator("tbody tr").count() == 8
    assert page.evaluate("document.scrollingElement.scrollHeight") <= 1080
    latest = board.locator("tr.hall-latest td").first
    assert float(latest.evaluate("el => getComputedStyle(el).fontSize").removesuffix("px")) >= 64
    assert "等候 1 人" not in page.content() and "1 人" in board.inner_text()
    context.close()


def test_the_hall_screen_keeps_its_calls_and_fits_a_phone(live_server, browser, admin_user, hall_open):
    """The same screen opened on a phone (390 px wide): one column, nothing wider than the phone; a number already
    finished at its window still listed, the waiting total under the calls."""
    from gaoxin.accounts.models import Role
    from gaoxin.accounts.tests.factories import UserFactory
    from gaoxin.catalog.models import ServiceZone, Window
    from gaoxin.kiosk import queue

    zones = [ServiceZone.objects.create(code=f"z{i}", name=name, sort_order=i)
             for i, name in enumerate(["企业开办专区", "综合服务专区", "工程建设专区"])]
    clerk = UserFactory(role=Role.WINDOW_CLERK)
    for n in range(5):
        window = Window.objects.create(zone=zones[n % 3], number=str(n + 8), name=f"{n + 8}号综窗")
        ticket = queue.ticket_transition(ticket=queue.ticket_issue(zone=window.zone), name="CALL", actor=clerk,
                                         window=window)
        if n < 2:
            queue.ticket_transition(ticket=ticket, name="SERVE", actor=clerk)
    queue.ticket_issue(zone=zones[0])
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/queue/screen/")
    board = page.get_by_test_id("queue-board")
    assert board.locator("tbody tr").count() == 5 and board.locator("tr.hall-done").count() == 2
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
    table, waiting = board.locator("table").bounding_box(), board.locator(".hall-waiting").bounding_box()
    assert waiting["y"] >= table["y"] + table["height"] and waiting["width"] > 300
    assert page.get_by_test_id("queue-waiting-total").inner_text().replace("\n", " ").split() == ["合计", "1", "人"]
    context.close()

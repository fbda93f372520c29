"""智能微厅 (issue 23 items 1–3): registered terminals only, log-in with the ID number (check digit), the person's
firms from memberships or the legal representative's ID number, exactly the kiosk's 即办 items, completion on the
spot with a receipt, the idle limit, and "not possible here" → a 帮代办 order. Every log-in and log-out audited."""

import time

import pytest

from gaoxin.assist.models import AssistOrder
from gaoxin.cases.models import Case, Status
from gaoxin.core.models import AuditEvent
from gaoxin.core.tests.samples import pdf
from gaoxin.kiosk import selectors, services
from gaoxin.kiosk.models import Action, EndReason, Visit
from gaoxin.kiosk.views import SESSION

from .conftest import OWNER_ID, REP_ID, id_number, log_in

pytestmark = pytest.mark.django_db


def events(kind):
    return AuditEvent.objects.filter(event_type=kind).count()


def test_an_unregistered_browser_is_sent_to_set_up_and_a_wrong_key_is_refused(client, terminal_key):
    for url in ("/kiosk/", "/kiosk/items/", "/kiosk/items/43037105GG0002/"):
        assert client.get(url)["Location"] == "/kiosk/activate/"
    response = client.post("/kiosk/activate/", {"key": "not-the-key"})
    assert "密钥不正确或终端已停用" in response.content.decode()
    assert client.post("/kiosk/activate/", {"key": terminal_key})["Location"] == "/kiosk/"
    assert client.get("/kiosk/").status_code == 200 and events("kiosk.terminal_activated") == 1


def test_a_disabled_terminal_stops_working(kiosk):
    terminal = services.Terminal.objects.get()
    services.terminal_set_active(terminal=terminal, active=False, actor=None)
    assert kiosk.get("/kiosk/")["Location"] == "/kiosk/activate/"
    assert events("kiosk.terminal_disabled") == 1


def test_log_in_checks_the_id_number_and_keeps_what_was_typed(kiosk, firm, settings):
    settings.GAOXIN_KIOSK_GUESTS = False  # a number that finds nobody is refused (with guests: see test_guest)
    bad = REP_ID[:-1] + ("0" if REP_ID[-1] != "0" else "1")
    page = kiosk.post("/kiosk/", {"id_number": bad}).content.decode()
    assert "校验码" in page and f'value="{bad}"' in page
    assert not Visit.objects.exists()
    unknown = id_number("11010519491231002")
    page = kiosk.post("/kiosk/", {"id_number": unknown}).content.decode()
    assert "未找到与该身份证号码关联的账号或企业" in page
    assert events("kiosk.login_refused") == 1
    assert unknown not in str(AuditEvent.objects.get(event_type="kiosk.login_refused").after)  # masked


def test_the_legal_representative_logs_in_with_the_id_number(kiosk, firm, items):
    response = log_in(kiosk)
    assert response["Location"] == "/kiosk/items/"
    visit = Visit.objects.get()
    assert visit.person_name == "刘建国" and visit.user is None and REP_ID not in visit.id_number_masked
    login = AuditEvent.objects.get(event_type="kiosk.login")
    assert login.after["terminal"] == "1号机" and login.after["firms"] == 1
    page = kiosk.get("/kiosk/items/").content.decode()
    assert "发票验旧" in page and "刘建国，您好" in page
    # A 承诺件 offered at the kiosk is listed with the reason; an item not offered at the kiosk is not listed.
    assert "不动产转移登记" in page and "需要工作人员审查" in page
    assert "企业名称自主申报" not in page


def test_an_account_holder_acts_for_the_firms_bound_to_the_account(owner):
    person = selectors.person_for(OWNER_ID)
    assert person.name == "王芳" and person.user_id == owner.pk
    assert [f.name for f in selectors.person_firms(person)] == ["湘潭云帆科技有限公司"]


def test_the_items_page_has_a_constant_number_of_queries(kiosk, firm, items, admin_user, django_assert_num_queries):
    from gaoxin.catalog.tests.factories import make_item

    log_in(kiosk)
    kiosk.get("/kiosk/items/")
    with django_assert_num_queries(7) as first:
        kiosk.get("/kiosk/items/")
    for n in range(3):
        make_item(admin_user, code=f"43037105GG01{n}0", name=f"档案查询{n}", case_type="immediate", promised_limit=0,
                  statutory_limit=1, situations=(), channels=["kiosk"])
    with django_assert_num_queries(len(first.captured_queries)):
        assert "档案查询2" in kiosk.get("/kiosk/items/").content.decode()


def test_an_instant_item_is_completed_on_the_spot_with_a_receipt(kiosk, firm, items):
    log_in(kiosk)
    item = items["instant"]
    form = item.current_version.materials.get(necessity="required")
    url = f"/kiosk/items/{item.implementation_code}/"
    # The required material missing: the error beside it, the phone kept, nothing filed.
    page = kiosk.post(url, {"applicant": f"firm:{firm.pk}", "contact_phone": "13900001111"}).content.decode()
    assert f"请放入“{form.name}”拍照或扫描（必要材料）" in page and 'value="13900001111"' in page
    assert not Case.objects.exists()
    before = AuditEvent.objects.count()
    response = kiosk.post(url, {"applicant": f"firm:{firm.pk}", "contact_phone": "13900001111",
                                f"material_{form.pk}": pdf("申请表.pdf")})
    case = Case.objects.get()
    assert response["Location"] == f"/kiosk/cases/{case.number}/"
    assert case.status == Status.DELIVERED and case.channel == "kiosk" and case.enterprise == firm
    assert case.submitted_by is None  # a legal representative without an account
    # The cases room's own two events: submitted (channel 智能微厅) and 即办办结.
    assert AuditEvent.objects.count() - before == 2
    assert Action.objects.get().case == case
    from django.utils import timezone

    from gaoxin.kiosk import queue

    assert queue.queue_time_saved(timezone.localdate(), timezone.localdate())["kiosk_cases"] == 1
    receipt = kiosk.get(f"/kiosk/cases/{case.number}/receipt/").content.decode()
    assert case.number in receipt and "<svg" in receipt and "政务服务中心一楼智能微厅" in receipt
    # The A4 notice: the case room's 办结通知书 (not a 受理通知书 promising a later decision), with the QR code.
    notice = kiosk.get(f"/kiosk/cases/{case.number}/notice/").content.decode()
    assert "即办件办结通知书" in notice and "当场办结（智能微厅自助办理）" in notice and "<svg" in notice
    assert "受理通知书" not in notice and "下载 PDF" not in notice
    from gaoxin.cases.selectors import notice_kinds

    assert notice_kinds(case) == [("completion", "即办件办结通知书")]


def test_a_person_applies_for_a_firm_only_of_their_own(kiosk, firm, items):
    from gaoxin.enterprises.tests.factories import EnterpriseFactory

    stranger = EnterpriseFactory()
    log_in(kiosk)
    item = items["instant"]
    form = item.current_version.materials.get(necessity="required")
    page = kiosk.post(f"/kiosk/items/{item.implementation_code}/", {
        "applicant": f"firm:{stranger.pk}", "contact_phone": "13900001111",
        f"material_{form.pk}": pdf()}).content.decode()
    assert "请选择申请人" in page and not Case.objects.exists()


def test_a_receipt_is_only_for_the_visit_that_did_it(kiosk, client, firm, items, terminal_key):
    log_in(kiosk)
    item = items["instant"]
    form = item.current_version.materials.get(necessity="required")
    kiosk.post(f"/kiosk/items/{item.implementation_code}/", {
        "applicant": f"firm:{firm.pk}", "contact_phone": "13900001111", f"material_{form.pk}": pdf()})
    number = Case.objects.get().number
    kiosk.post("/kiosk/logout/")
    assert kiosk.get(f"/kiosk/cases/{number}/receipt/")["Location"] == "/kiosk/"
    log_in(kiosk)  # the same person again: a new visit, the earlier receipt is not reachable
    assert kiosk.get(f"/kiosk/cases/{number}/receipt/").status_code == 404
    assert kiosk.get(f"/kiosk/cases/{number}/notice/").status_code == 404


def test_the_service_refuses_an_item_the_kiosk_does_not_complete(firm, items, terminal_key):
    person = selectors.person_for(REP_ID)
    visit = services.visit_start(terminal=services.Terminal.objects.get(), person=person)
    for key in ("promised", "window_only"):
        with pytest.raises(services.ValidationError):
            services.kiosk_item_complete(visit=visit, person=person, item=items[key], applicant=f"firm:{firm.pk}",
                                         phone="13900001111")
    assert not Case.objects.exists()


def test_log_out_and_the_idle_limit_end_the_visit_once(kiosk, firm, items, settings):
    log_in(kiosk)
    kiosk.post("/kiosk/logout/")
    assert Visit.objects.get().end_reason == EndReason.LOGOUT and kiosk.get("/kiosk/items/")["Location"] == "/kiosk/"
    kiosk.post("/kiosk/logout/")  # nothing left to end
    assert events("kiosk.logout") == 1
    log_in(kiosk)
    session = kiosk.session
    data = session[SESSION]
    data["seen"] = time.time() - settings.GAOXIN_KIOSK_IDLE_SECONDS - 60
    session[SESSION] = data
    session.save()
    response = kiosk.get(f"/kiosk/items/{items['instant'].implementation_code}/")
    assert response["Location"] == "/kiosk/"
    assert Visit.objects.order_by("pk").last().end_reason == EndReason.IDLE
    assert "自动退出" in kiosk.get("/kiosk/").content.decode()
    # The page's own timer posts reason=idle.
    log_in(kiosk)
    kiosk.post("/kiosk/logout/", {"reason": "idle"})
    assert Visit.objects.order_by("pk").last().end_reason == EndReason.IDLE and events("kiosk.logout") == 3


def test_the_next_person_replaces_the_visit(kiosk, firm, owner):
    log_in(kiosk)
    kiosk.post("/kiosk/logout/")
    log_in(kiosk, OWNER_ID)
    assert Visit.objects.filter(ended_at__isnull=True).count() == 1


def test_not_possible_here_becomes_a_kiosk_assist_order(kiosk, firm, items):
    log_in(kiosk)
    item = items["promised"]
    page = kiosk.get(f"/kiosk/items/{item.implementation_code}/").content.decode()
    assert "需要工作人员审查" in page and "请专员帮我代办" in page
    url = f"/kiosk/items/{item.implementation_code}/assist/"
    page = kiosk.post(url, {"enterprise": firm.pk, "contact_phone": "13900001111", "note": "过户"}).content.decode()
    assert "请确认同意委托帮代办专员代为办理" in page and 'value="过户"' in page
    assert not AssistOrder.objects.exists()
    response = kiosk.post(url, {"enterprise": firm.pk, "contact_phone": "13900001111", "consent": "on"})
    order = AssistOrder.objects.get()
    assert response["Location"] == f"/kiosk/orders/{order.number}/"
    assert order.channel == "kiosk" and order.requested_by is None and order.item == item
    assert order.contact_name == "刘建国" and "政务服务中心一楼智能微厅" in order.description
    assert events("assist.order_created") == 1
    assert order.number in kiosk.get(response["Location"]).content.decode()


def test_not_possible_here_offers_assist_station_and_a_ticket(kiosk, firm, items, opening_hours, monkeypatch):
    """QA: 排队取号 was offered only when 帮代办 could not be ordered; the README promises 帮代办, 请驿站联系 or 排队取号."""
    from gaoxin.accounts.models import OrgKind, OrgUnit
    from gaoxin.catalog.models import ServiceZone
    from gaoxin.kiosk import queue
    from gaoxin.kiosk.models import Terminal

    station = OrgUnit.objects.create(code="jinrong", name="金荣政务服务驿站", kind=OrgKind.STATION)
    Terminal.objects.update(station=station)
    log_in(kiosk)
    url = f"/kiosk/items/{items['promised'].implementation_code}/"
    ServiceZone.objects.get_or_create(code="general", defaults={"name": "综合服务", "sort_order": 1})
    page = kiosk.get(url).content.decode()
    assert "请专员帮我代办" in page and 'data-testid="kiosk-station-link"' in page
    assert 'data-testid="kiosk-ticket-link"' in page and 'href="/kiosk/ticket/"' in page
    # Outside opening hours the hall issues no ticket: none is offered.
    monkeypatch.setattr(queue, "issue_refusal", lambda now=None: "大厅已于 17:30 停止服务，今天不再取号。")
    page = kiosk.get(url).content.decode()
    assert "请专员帮我代办" in page and 'data-testid="kiosk-ticket-link"' not in page


def test_a_desk_cannot_pick_the_kiosk_channel():
    from gaoxin.accounts.models import Role
    from gaoxin.accounts.tests.factories import UserFactory
    from gaoxin.assist.permissions import order_channels_for

    assert "kiosk" not in order_channels_for(UserFactory(role=Role.WINDOW_CLERK))


def test_a_terminal_pauses_its_log_in_after_many_numbers_that_found_nobody(kiosk, firm, settings):
    settings.GAOXIN_KIOSK_LOGIN_LIMIT = (3, 600)
    for body in ("11010519491231002", "11010519491231003", "11010519491231004"):  # each offered 个人办理, counted
        assert kiosk.post("/kiosk/", {"id_number": id_number(body)})["Location"] == "/kiosk/guest/"
    paused = kiosk.post("/kiosk/", {"id_number": REP_ID})
    assert paused.status_code == 429 and "登录尝试次数过多" in paused.content.decode()
    assert f'value="{REP_ID}"' in paused.content.decode() and not Visit.objects.exists()
    # another terminal is not paused
    _other, key = services.terminal_register(name="2号机", location="二楼", actor=None)
    from django.test import Client

    second = Client()
    second.post("/kiosk/activate/", {"key": key})
    assert log_in(second)["Location"] == "/kiosk/items/"


def test_an_error_at_the_terminal_stays_in_the_kiosk_screen(kiosk, firm, items):
    log_in(kiosk)
    page = kiosk.get("/kiosk/items/NO-SUCH-ITEM/")
    html = page.content.decode()
    assert page.status_code == 404 and 'data-testid="kiosk-error"' in html and "返回首页" in html
    assert "/accounts/login/" not in html and 'data-kiosk-idle="60"' in html and "kiosk-idle-form" in html
    receipt = kiosk.get("/kiosk/cases/GX2099010100001/receipt/")
    assert receipt.status_code == 404 and 'data-testid="kiosk-error"' in receipt.content.decode()


def test_the_form_is_touch_sized_and_its_file_picker_in_chinese(kiosk, firm, items):
    """Choices are whole rows (≥ 48 px, checked in the browser journey); the file picker is a 选择文件 button with
    the chosen file's name, the browser's own English picker hidden."""
    log_in(kiosk)
    page = kiosk.get(f"/kiosk/items/{items['instant'].implementation_code}/").content.decode()
    assert 'class="kiosk-choice"' in page and 'role="radiogroup"' in page
    assert ">选择文件</label>" in page and "未选择文件" in page and 'class="kiosk-file-input"' in page

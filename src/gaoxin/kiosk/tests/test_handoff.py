"""手机扫码登录 (issue 23 item 2, the QR hand-off): the terminal shows a one-time QR code, the person confirms it on
the phone where the enterprise account is logged in, and the terminal starts the visit as that account. The link
expires, serves one visit and one account; an account acting for no firm and without an ID number is refused; an
account without an ID number acts only for its firms. Opening, confirming and the log-in are audited."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.core.models import AuditEvent
from gaoxin.kiosk import services
from gaoxin.kiosk.models import Handoff, Visit
from gaoxin.kiosk.views import SESSION

from .conftest import log_in

pytestmark = pytest.mark.django_db
TOKEN = "known-token-for-the-test-0123456789"


@pytest.fixture
def token(monkeypatch):
    monkeypatch.setattr(services.secrets, "token_urlsafe", lambda n=None: TOKEN)
    return TOKEN


def phone(user):
    c = Client()
    c.force_login(user)
    return c


def wait(kiosk):
    return kiosk.get("/kiosk/handoff/wait/", HTTP_HX_REQUEST="true")


def test_a_firm_account_logs_in_at_the_terminal_from_its_phone(kiosk, owner, items, token):
    page = kiosk.post("/kiosk/handoff/")
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" in html and "等待手机确认" in html
    assert wait(kiosk).status_code == 200 and not Visit.objects.exists()  # still waiting

    mobile = phone(owner)
    confirm = mobile.get(f"/kiosk/handoff/{TOKEN}/").content.decode()
    assert "政务服务中心一楼智能微厅" in confirm and "确认登录" in confirm
    assert "已确认" in mobile.post(f"/kiosk/handoff/{TOKEN}/").content.decode()

    moved = wait(kiosk)
    assert moved.status_code == 200 and moved["HX-Redirect"] == "/kiosk/items/"
    visit = Visit.objects.get()
    assert visit.user == owner and visit.identity_source == "qr_handoff" and visit.handoff.confirmed_by == owner
    assert kiosk.session[SESSION]["person"]["firm_ids"] and "王芳，您好" in kiosk.get("/kiosk/items/").content.decode()
    assert [e.event_type for e in AuditEvent.objects.filter(event_type__startswith="kiosk.handoff")
            .order_by("pk")] == ["kiosk.handoff_opened", "kiosk.handoff_confirmed"]
    assert AuditEvent.objects.get(event_type="kiosk.login").after["source"] == "qr_handoff"
    # spent: the same link neither confirms nor logs in again
    again = mobile.post(f"/kiosk/handoff/{TOKEN}/")
    assert again.status_code == 400 and "已使用过" in again.content.decode()


def test_an_expired_or_unknown_link_is_refused_in_words(kiosk, owner, token):
    kiosk.post("/kiosk/handoff/")
    Handoff.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    mobile = phone(owner)
    refused = mobile.post(f"/kiosk/handoff/{TOKEN}/")
    assert refused.status_code == 400 and "二维码已过期" in refused.content.decode()
    assert "二维码无效" in mobile.get("/kiosk/handoff/not-a-token/").content.decode()
    expired = wait(kiosk).content.decode()
    assert "重新生成二维码" in expired and 'hx-trigger' not in expired  # the polling stops
    assert not Visit.objects.exists() and Handoff.objects.get().confirmed_by is None


def test_one_account_per_link_and_an_account_with_nothing_to_do_here_is_refused(kiosk, owner, token):
    kiosk.post("/kiosk/handoff/")
    nobody = UserFactory(role=Role.ENTERPRISE, id_number="")
    refused = phone(nobody).post(f"/kiosk/handoff/{TOKEN}/")
    assert refused.status_code == 400 and "没有关联企业" in refused.content.decode()
    phone(owner).post(f"/kiosk/handoff/{TOKEN}/")
    other = UserFactory(role=Role.ENTERPRISE, id_number="")
    other.enterprise_memberships.create(enterprise=owner.enterprise_memberships.get().enterprise)
    taken = phone(other).post(f"/kiosk/handoff/{TOKEN}/")
    assert taken.status_code == 400 and "其他账号确认" in taken.content.decode()
    assert Handoff.objects.get().confirmed_by == owner


def test_the_phone_page_needs_a_log_in(client, kiosk, token):
    kiosk.post("/kiosk/handoff/")
    response = client.get(f"/kiosk/handoff/{TOKEN}/")
    assert response.status_code == 302 and "/login" in response["Location"]


def test_only_the_terminal_that_showed_the_code_collects_it(kiosk, owner, token):
    kiosk.post("/kiosk/handoff/")
    phone(owner).post(f"/kiosk/handoff/{TOKEN}/")
    other, _key = services.terminal_register(name="2号机", location="二楼", actor=None)
    assert services.handoff_redeem(handoff_id=Handoff.objects.get().pk, terminal=other) is None
    assert not Visit.objects.exists()


def test_an_account_without_an_id_number_acts_only_for_its_firms(kiosk, items, token, firm, admin_user):
    from gaoxin.catalog.tests.factories import make_item

    member = UserFactory(role=Role.ENTERPRISE, full_name="赵敏", id_number="")
    member.enterprise_memberships.create(enterprise=firm)
    personal = make_item(admin_user, code="43037105GG0009", name="个人档案查询", case_type="immediate", promised_limit=0,
                         statutory_limit=1, situations=(), channels=["kiosk"], service_object="natural")
    kiosk.post("/kiosk/handoff/")
    phone(member).post(f"/kiosk/handoff/{TOKEN}/")
    wait(kiosk)
    page = kiosk.get("/kiosk/items/").content.decode()
    assert "个人档案查询" in page and "没有登记身份证号码" in page
    assert kiosk.get(f"/kiosk/items/{personal.implementation_code}/").status_code == 200
    form = kiosk.get("/kiosk/items/43037105GG0002/").content.decode()
    assert firm.name in form and "本人（" not in form


def test_an_id_card_log_in_is_unchanged(kiosk, firm, items):
    assert log_in(kiosk)["Location"] == "/kiosk/items/"
    assert Visit.objects.get().identity_source == "id_card"


def test_opening_the_code_page_again_goes_back_to_the_welcome_screen(kiosk):
    assert kiosk.get("/kiosk/handoff/")["Location"] == "/kiosk/"

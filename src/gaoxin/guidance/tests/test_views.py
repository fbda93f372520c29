"""Pages and API: the 预约导办 buttons, booking with errors beside the fields, the scoped lists (a firm its own, a
department its items'), the prefilled application that ends in a linked case, the FAQ pages, query counts."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from gaoxin.cases.models import Case
from gaoxin.catalog.models import ServiceItem
from gaoxin.core.models import AuditEvent
from gaoxin.guidance import services
from gaoxin.guidance.models import FaqEntry, GuidanceSession, SessionStatus

from .conftest import PAST_DAY, at, future_day


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_guide_page_offers_booking_and_anonymous_must_log_in(client, enterprise_client, clerk_client, item):
    url = f"/guide/{item.implementation_code}/"
    book = f"/guidance/book/{item.implementation_code}/"
    assert book in client.get(url).content.decode()
    assert book in enterprise_client.get(url).content.decode()
    assert book not in clerk_client.get(url).content.decode()  # staff do not book
    response = client.get(book)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_booking_page_books_a_future_slot(enterprise_client, own_enterprise, item):
    day = future_day()
    url = f"/guidance/book/{item.implementation_code}/"
    page = enterprise_client.get(url).content.decode()
    assert "选择时段" in page and f"{day:%Y-%m-%d}T09:00" in page
    response = enterprise_client.post(url, {"starts_at": f"{day:%Y-%m-%d}T09:00", "enterprise": own_enterprise.pk,
                                            "question": "需要什么材料？", "contact_name": "张伟",
                                            "contact_phone": "13800000001"})
    session = GuidanceSession.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/guidance/sessions/{session.number}/"
    assert session.item == item and session.enterprise == own_enterprise


def test_refused_booking_keeps_input_and_says_why_beside_the_slot(enterprise_client, own_enterprise, item):
    url = f"/guidance/book/{item.implementation_code}/"
    response = enterprise_client.post(url, {"starts_at": "2026-10-31T09:00", "enterprise": own_enterprise.pk,
                                            "question": "我的问题很具体", "contact_name": "张伟",
                                            "contact_phone": "138"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "我的问题很具体" in page and "请填写正确的联系电话" in page
    response = enterprise_client.post(url, {"starts_at": "2026-10-31T09:00", "enterprise": own_enterprise.pk,
                                            "question": "我的问题很具体", "contact_name": "张伟",
                                            "contact_phone": "13800000001"})
    page = response.content.decode()
    assert response.status_code == 400 and "不是工作日" in page and 'data-testid="error-starts_at"' in page
    assert not GuidanceSession.objects.exists()


def test_case_page_offers_booking_to_its_applicant(enterprise_user, own_enterprise, item, clerk_client, clerk_user):
    from gaoxin.cases.services import Applicant, case_submit

    case = case_submit(item=item, channel="window", actor=clerk_user,
                       applicant=Applicant(type="enterprise", name=own_enterprise.name, enterprise=own_enterprise,
                                           phone="13812345678"),
                       originals_seen=set(item.current_version.materials.values_list("pk", flat=True)))
    ent = _client(enterprise_user)
    assert f"/guidance/book-case/{case.number}/" in ent.get(f"/cases/{case.number}/").content.decode()
    assert "/guidance/book-case/" not in clerk_client.get(f"/cases/{case.number}/").content.decode()
    page = ent.get(f"/guidance/book-case/{case.number}/")
    assert page.status_code == 200 and case.number in page.content.decode()


def test_lists_are_scoped(book, enterprise_user, other_firm_user, officer_user, clerk_user, admin_user):
    from gaoxin.accounts.models import OrgUnit, Role
    from gaoxin.accounts.tests.factories import UserFactory
    from gaoxin.catalog.tests.factories import make_item

    mine = book()
    tax = OrgUnit.objects.create(code="tax", name="税务局", kind="department")
    tax_item = make_item(admin_user, code="43037105XK0199", name="发票领用", dept=tax, situations=())
    theirs = book(actor=other_firm_user, enterprise=other_firm_user.enterprise_memberships.get().enterprise,
                  item=tax_item)
    tax_officer = UserFactory(role=Role.DEPT_OFFICER, org_unit=tax)
    for user, seen, unseen in ((enterprise_user, mine, theirs), (other_firm_user, theirs, mine),
                               (officer_user, mine, theirs), (tax_officer, theirs, mine)):
        c = _client(user)
        page = c.get("/guidance/?when=all").content.decode()
        assert seen.number in page and unseen.number not in page
        assert c.get(f"/guidance/sessions/{unseen.number}/").status_code == 404
        assert c.get(f"/api/v1/guidance/sessions/{unseen.number}/").status_code == 404
        numbers = [s["number"] for s in c.get("/api/v1/guidance/sessions/?when=all").json()["results"]]
        assert numbers == [seen.number]
    page = _client(clerk_user).get("/guidance/?when=all").content.decode()
    assert mine.number in page and theirs.number in page


def test_session_list_queries_are_constant(book, clerk_user, django_assert_max_num_queries, admin_user,
                                           department, other_firm_user, other_enterprise):
    from gaoxin.catalog.tests.factories import make_item

    book()
    c = _client(clerk_user)
    c.get("/guidance/?when=all")
    with django_assert_max_num_queries(14) as few:
        c.get("/guidance/?when=all")
    for hour in (10, 11):
        book(starts_at=at(PAST_DAY, hour))
        book(actor=other_firm_user, enterprise=other_enterprise, starts_at=at(PAST_DAY, hour),
             item=make_item(admin_user, code=f"43037105XK01{hour}", name=f"事项{hour}", dept=department,
                            situations=()))
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = c.get("/guidance/?when=all").content.decode()
    assert page.count("/guidance/sessions/DY") == 5


def test_actions_on_the_page_with_errors_beside_fields(book, clerk_user, enterprise_user):
    session = book()
    c = _client(clerk_user)
    page = c.get(f"/guidance/sessions/{session.number}/").content.decode()
    assert "确认预约" in page and "取消预约" in page
    response = c.post(f"/guidance/sessions/{session.number}/act/", {"name": "CONFIRM", "meeting_url": ""})
    assert response.status_code == 400 and "请填写视频会议链接" in response.content.decode()
    response = c.post(f"/guidance/sessions/{session.number}/act/",
                      {"name": "CONFIRM", "meeting_url": "https://meeting.tencent.com/dm/abc"})
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == SessionStatus.CONFIRMED
    booker = _client(enterprise_user).get(f"/guidance/sessions/{session.number}/").content.decode()
    assert "https://meeting.tencent.com/dm/abc" in booker
    assert 'data-testid="action-confirm"' not in booker and 'data-testid="action-cancel"' in booker


def _closed_with_application(book, clerk_user, item):
    situation = item.current_version.situations.get(name="有限责任公司")
    session = book()
    for name, params in (("CONFIRM", {"meeting_url": "https://m.example.cn/1"}), ("HOLD", {}),
                         ("CLOSE", {"outcome": "application", "situation": situation,
                                    "note": "公司章程需全体股东签字；住所证明可容缺后补"})):
        session = services.session_transition(session=session, name=name, actor=clerk_user, **params)
    return session


def test_prefilled_application_ends_in_a_linked_case(book, clerk_user, enterprise_user, own_enterprise, item,
                                                     other_firm_user):
    session = _closed_with_application(book, clerk_user, item)
    url = f"/guidance/sessions/{session.number}/apply/"
    assert _client(other_firm_user).get(url).status_code == 404
    assert _client(clerk_user).get(url).status_code == 403
    c = _client(enterprise_user)
    page = c.get(url).content.decode()
    assert "有限责任公司" in page and "公司章程需全体股东签字" in page and "13800000001" in page
    assert f'value="{own_enterprise.pk}" selected' in page
    materials = {m.name: m.pk for m in item.current_version.materials.all()}
    data = {"situation": session.prefill_situation_id, "applicant_type": "enterprise", "enterprise": own_enterprise.pk,
            "contact_phone": "13800000001", "note": "按导办约定提交"}
    for name in ("企业设立登记申请表", "公司章程"):
        data[f"material_{materials[name]}"] = SimpleUploadedFile(f"{name}.pdf", b"%PDF-1.4 test", "application/pdf")
    response = c.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get()
    session.refresh_from_db()
    assert session.started_case == case and case.enterprise == own_enterprise
    assert case.situation_id == session.prefill_situation_id
    assert AuditEvent.objects.filter(event_type="guidance.session.case_linked").count() == 1
    # a second visit goes to the case, never files twice
    assert c.get(url)["Location"] == f"/cases/{case.number}/"


def test_faq_pages(client, clerk_client, enterprise_client, item, clerk_user, officer_user, admin_user):
    from gaoxin.accounts.models import OrgUnit
    from gaoxin.catalog.tests.factories import make_item

    entry = services.faq_create(item=item, question="营业执照丢了怎么办？", answer="登报声明后申请补领。",
                                actor=clerk_user)
    assert "营业执照丢了怎么办" in client.get("/guidance/faq/?q=yyzz").content.decode()
    assert "营业执照丢了怎么办" in client.get(f"/guide/{item.implementation_code}/").content.decode()
    assert "没有找到" in client.get("/guidance/faq/?q=公积金").content.decode()
    assert client.get("/api/v1/guidance/faqs/?q=yyzz").json()["results"][0]["question"] == "营业执照丢了怎么办？"
    # staff edit, withdraw: the public no longer sees it
    response = clerk_client.post(f"/guidance/faq/manage/{entry.pk}/", {"question": "营业执照遗失怎么补领？",
                                                                        "answer": ""})
    assert response.status_code == 400 and "请填写解答" in response.content.decode()
    assert "营业执照遗失怎么补领？" in response.content.decode()
    clerk_client.post(f"/guidance/faq/manage/{entry.pk}/status/", {"status": "withdrawn"})
    assert "营业执照丢了" not in client.get("/guidance/faq/?q=yyzz").content.decode()
    assert enterprise_client.get("/guidance/faq/manage/").status_code == 403
    # a department keeps its own items' entries only
    tax_item = make_item(admin_user, code="43037105XK0198", name="发票领用",
                         dept=OrgUnit.objects.create(code="tax", name="税务局", kind="department"), situations=())
    other = services.faq_create(item=tax_item, question="发票怎么领？", answer="网上申领。", actor=clerk_user)
    officer = _client(officer_user)
    assert officer.get(f"/guidance/faq/manage/{other.pk}/").status_code == 404
    assert officer.get(f"/guidance/faq/manage/{entry.pk}/").status_code == 200
    response = officer.post("/guidance/faq/manage/new/", {"item": tax_item.pk, "question": "问", "answer": "答"})
    assert response.status_code == 400 and FaqEntry.objects.count() == 2


def test_faq_list_queries_are_constant(client, item, clerk_user, django_assert_max_num_queries):
    for i in range(3):
        services.faq_create(item=item, question=f"问题{i}", answer="答", actor=clerk_user)
    client.get("/guidance/faq/")
    with django_assert_max_num_queries(6) as few:
        client.get("/guidance/faq/")
    for i in range(3, 12):
        services.faq_create(item=item, question=f"问题{i}", answer="答", actor=clerk_user)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/guidance/faq/")


def test_slots_api(enterprise_client, client):
    days = enterprise_client.get("/api/v1/guidance/slots/").json()
    assert len(days) == 10 and all(dt.date.fromisoformat(d["day"]).weekday() < 5 for d in days)
    assert days[-1]["slots"][0]["label"] == "09:00–09:30"
    assert client.get("/api/v1/guidance/slots/").status_code == 401


@pytest.mark.parametrize("path", ["/guidance/", "/guidance/faq/manage/"])
def test_anonymous_is_sent_to_log_in(client, path):
    assert client.get(path).status_code == 302


def test_passed_slots_read_expired_not_full(enterprise_client, item):
    """At 23:00 on a working day every slot of that day is past: 已过期, never 已约满."""
    from unittest import mock

    from gaoxin.guidance import selectors

    days = selectors.availability(now=at(PAST_DAY, 23), today=PAST_DAY)
    assert days[0]["day"] == PAST_DAY and days[0]["expired"] and not days[1]["expired"]
    with mock.patch("django.utils.timezone.now", return_value=at(PAST_DAY, 23)):
        page = enterprise_client.get(f"/guidance/book/{item.implementation_code}/").content.decode()
    first = page.split("</fieldset>")[0]
    assert "已过期" in first and "已约满" not in first


def test_the_outcome_form_marks_the_fields_of_each_outcome(book, clerk_user):
    """The FAQ question, the situation and the appeal title each shown only for their outcome (gaoxin.js hides the
    others; without script all show); the note is every outcome's."""
    session = book()
    services.session_transition(session=session, name="CONFIRM", actor=clerk_user,
                                meeting_url="https://meeting.example.cn/j/1")
    session = services.session_transition(session=GuidanceSession.objects.get(pk=session.pk), name="HOLD",
                                          actor=clerk_user)
    page = _client(clerk_user).get(f"/guidance/sessions/{session.number}/").content.decode()
    close = page.split('data-testid="action-close"')[1].split("</form>")[0]
    for name, outcome in (("faq_question", "faq"), ("situation", "application"), ("appeal_title", "appeal")):
        part = close.split(f'data-gx-show-when="outcome:{outcome}"')[1].split("</div>")[0]
        assert f'name="{name}"' in part
    assert 'data-gx-show-when="outcome:answered"' not in close and 'name="note"' in close


def test_the_session_list_stacks_on_a_phone(book, clerk_user):
    book()
    page = _client(clerk_user).get("/guidance/?when=all").content.decode()
    assert 'class="table table-sm align-middle gx-stack"' in page and 'data-label="事项"' in page


def test_the_phone_is_masked_for_those_who_only_oversee_and_the_breadcrumb_names_their_list(
        book, leader_client, clerk_client, officer_client, enterprise_client):
    """A leader reads every session but calls nobody: the contact phone masked, the breadcrumb and the list named
    for what a leader sees (全区导办预约, not 我的导办预约). The guides who call (the centre, the item's department) and
    the booker keep the full number."""
    session = book(contact_phone="13812341234")
    url = f"/guidance/sessions/{session.number}/"
    expected = {leader_client: ("138****1234", "全区导办预约"), clerk_client: ("13812341234", "导办队列"),
                officer_client: ("13812341234", "导办队列"), enterprise_client: ("13812341234", "我的导办预约")}
    for client, (phone, title) in expected.items():
        page = client.get(url).content.decode()
        contact = page.split('data-testid="session-contact">')[1].split("</dd>")[0]
        crumb = page.split('data-testid="session-breadcrumb">')[1].split("</a>")[0]
        assert contact == f"张伟 {phone}" and crumb == title
        listing = client.get("/guidance/?when=all").content.decode()
        assert f"<h1 class=\"h4 me-auto mb-0\">{title}</h1>" in listing
    page = leader_client.get(url).content.decode()
    assert "13812341234" not in page and "我的导办预约" not in page
    assert "即可预约" not in leader_client.get("/guidance/").content.decode()  # a leader books nothing


def test_a_public_entry_explains_and_leads_to_booking(client, enterprise_client, leader_client, settings,
                                                     django_assert_max_num_queries):
    """云导办 has a public entry: in the visitors' navigation and on the public home; the page says what it is, when
    guides serve and how to book, and leads a visitor to log in; a booker to the guides and their own bookings."""
    settings.GAOXIN_GUIDANCE_HOURS = "09:00-11:30,14:00-17:00"
    home = client.get("/").content.decode()
    assert 'href="/guidance/about/"' in home and 'data-testid="home-guidance"' in home
    nav = home.split("<nav")[1].split("</nav>")[0]
    assert ">云导办<" in nav and "/guidance/about/" in nav
    with django_assert_max_num_queries(6):
        response = client.get("/guidance/about/")
    page = response.content.decode()
    assert response.status_code == 200 and "预约导办" in page and "工作日 09:00–11:30、14:00–17:00" in page
    assert 'data-testid="guidance-login"' in page and "/accounts/login/?next=/guide/" in page
    assert "/accounts/register/" in page and "/guidance/faq/" in page and "个时段可约" in page
    page = enterprise_client.get("/guidance/about/").content.decode()
    assert "选择事项并预约" in page and "我的导办预约" in page and "guidance-login" not in page
    assert 'href="/guidance/about/"' in enterprise_client.get("/").content.decode()  # the firm's home card
    page = leader_client.get("/guidance/about/").content.decode()
    assert "全区导办预约" in page and "选择事项并预约" not in page


def test_a_new_guide_version_carries_the_faq_over(client, clerk_client, item, clerk_user, officer_user, admin_user,
                                                   django_capture_on_commit_callbacks):
    from gaoxin.catalog import services as catalog
    from gaoxin.core.models import Notification

    kept = services.faq_create(item=item, question="营业执照丢了怎么办？", answer="登报声明后申请补领。", actor=clerk_user)
    withdrawn = services.faq_create(item=item, question="名称预先核准要多久？", answer="已取消。", actor=clerk_user)
    services.faq_set_status(entry=withdrawn, status="withdrawn", actor=clerk_user)
    first = item.current_version
    draft = catalog.version_create_draft(item=item, actor=admin_user)
    before = AuditEvent.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        catalog.version_publish(version=draft, actor=admin_user)
    item.refresh_from_db()
    # One audited change: the publish, which counts what it carried.
    assert AuditEvent.objects.count() == before + 1
    assert AuditEvent.objects.first().after["faqs_carried"] == 1
    copy = FaqEntry.objects.get(version=item.current_version)
    assert (copy.question, copy.answer, copy.carried_from, copy.status) == (kept.question, kept.answer, kept, "published")
    assert FaqEntry.objects.filter(version=first).count() == 2  # the earlier version keeps its own entries
    assert "营业执照丢了怎么办" in client.get(f"/guide/{item.implementation_code}/").content.decode()
    assert "营业执照丢了怎么办" in client.get("/guidance/faq/?q=yyzz").content.decode()
    told = Notification.objects.get(user=officer_user, kind="GUIDANCE_FAQ")  # the item's department keeps its FAQ
    assert f"第{item.current_version.number}版" in told.message and "1条常见问题" in told.message
    assert not Notification.objects.filter(user=admin_user, kind="GUIDANCE_FAQ").exists()
    # The keepers see the current version's entries, the carried one marked; the earlier ones under 历史版本.
    manage = clerk_client.get("/guidance/faq/manage/").content.decode()
    assert manage.count("营业执照丢了怎么办") == 1 and f"沿用自第{first.number}版" in manage
    assert "名称预先核准" not in manage
    history = clerk_client.get("/guidance/faq/manage/?status=history").content.decode()
    assert "名称预先核准" in history and "营业执照丢了怎么办" in history
    assert "历史版本" in history and "修改</a>" not in history and "撤回</button>" not in history
    # An entry of the replaced version is read only: its copy on the current version is the one to change.
    page = clerk_client.get(f"/guidance/faq/manage/{kept.pk}/").content.decode()
    assert "仅供查阅" in page and "<form" not in page.split("</nav>", 1)[1].split("</main>", 1)[0]
    refused = clerk_client.post(f"/guidance/faq/manage/{kept.pk}/", {"question": "改了", "answer": "改了"})
    assert refused.status_code == 400 and FaqEntry.objects.get(pk=kept.pk).question == "营业执照丢了怎么办？"
    clerk_client.post(f"/guidance/faq/manage/{kept.pk}/status/", {"status": "withdrawn"})
    assert FaqEntry.objects.get(pk=kept.pk).status == "published"
    # Publishing again carries only what is published on the version it replaces.
    services.faq_set_status(entry=copy, status="withdrawn", actor=clerk_user)
    catalog.version_publish(version=catalog.version_create_draft(item=item, actor=admin_user), actor=admin_user)
    assert "faqs_carried" not in AuditEvent.objects.first().after
    assert not FaqEntry.objects.filter(version_id=ServiceItem.objects.get(pk=item.pk).current_version_id).exists()

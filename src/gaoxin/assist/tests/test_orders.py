"""帮代办 orders on the kernel: who is told of what, the 我要代办 form and the order page's actions (errors beside
the field, what was typed kept, nothing written), the API's one verb, a project step filed per material."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.assist import services
from gaoxin.assist.models import AssistOrder, OrderEvent, OrderStatus
from gaoxin.assist.tests.test_assist import chain  # noqa: F401 (fixture)
from gaoxin.cases.models import Case
from gaoxin.core.models import AuditEvent, Notification

from .conftest import TODAY, login, materials, pdf

pytestmark = pytest.mark.django_db


def _inbox(user, kind=None):
    qs = Notification.objects.filter(user=user)
    return qs.filter(kind=kind) if kind else qs


# --- who is told ------------------------------------------------------------------------------------

def test_everyone_is_told_of_the_work_that_arrives(own_enterprise, enterprise_user, clerk_user, admin_user, agent,
                                                  django_capture_on_commit_callbacks):
    """A new order → the centre; assigned → the agent; every step → the firm (the assignment and the
    completion by SMS to the order's contact); all with a link to the order and no internal code."""
    from gaoxin.core.notify import MemoryBackend

    MemoryBackend.outbox.clear()
    capture = django_capture_on_commit_callbacks
    with capture(execute=True):
        order = services.order_create(actor=enterprise_user, enterprise=own_enterprise, channel="online",
                                      description="变更注册地址", contact_name="张伟", contact_phone="13812345678",
                                      commission_signed_on=TODAY, commission_valid_until=TODAY + dt.timedelta(days=30))
    url = f"/assist/{order.number}/"
    for staff in (clerk_user, admin_user):
        note = _inbox(staff, "ASSIST_NEW").get()
        assert note.url == url and "待指派专员" in note.message and order.number in note.message
    assert not _inbox(enterprise_user).exists()  # the firm placed it itself
    with capture(execute=True):
        order = services.order_transition(order=order, name="ASSIGN", actor=clerk_user, agent=agent)
    assigned = _inbox(agent, "ASSIST_ASSIGNED").get()
    assert "指派给您" in assigned.message and "张伟" in assigned.message and assigned.url == url
    step = _inbox(enterprise_user, "ASSIST_STEP").get()
    assert "指派专员" in step.message and "帮代办 陈杰" in step.message and step.url == url
    assert ("13812345678", step.message) in MemoryBackend.outbox
    with capture(execute=True):
        order = services.order_transition(order=order, name="START", actor=agent)
        order = services.order_transition(order=order, name="COMPLETE", actor=agent, reason="执照已当面交付")
    messages = list(_inbox(enterprise_user, "ASSIST_STEP").values_list("message", flat=True))
    assert any("开始代办" in m for m in messages) and any("办结" in m for m in messages)
    assert not _inbox(agent, "ASSIST_STEP").exists()  # the agent is not told of its own steps
    for n in Notification.objects.all():
        assert n.url and not any(code in n.message for code in ("ASSIGN", "START", "COMPLETE", "requested"))


def test_a_reassigned_order_tells_the_new_agent_and_a_terminated_one_its_agent(order, clerk_user, agent,
                                                                               enterprise_user,
                                                                               django_capture_on_commit_callbacks):
    other = UserFactory(role=Role.AGENT, full_name="帮代办 李娜")
    with django_capture_on_commit_callbacks(execute=True):
        order = services.order_transition(order=order, name="ASSIGN", actor=clerk_user, agent=agent)
        order = services.order_transition(order=order, name="REASSIGN", actor=clerk_user, agent=other,
                                          reason="陈杰休假")
    assert "改派给您" in _inbox(other, "ASSIST_ASSIGNED").get().message
    with django_capture_on_commit_callbacks(execute=True):
        services.order_transition(order=order, name="TERMINATE", actor=enterprise_user, reason="已自行办理")
    assert "已自行办理" in _inbox(other, "ASSIST_TERMINATED").get().message


def test_a_case_filed_for_the_firm_is_told_to_it(working_order, agent, enterprise_user, change_item,
                                                 django_capture_on_commit_callbacks):
    m = materials(change_item)
    with django_capture_on_commit_callbacks(execute=True):
        case = services.order_file_case(order=working_order, actor=agent, item=change_item,
                                        originals_seen={m["企业变更登记申请表"].pk, m["营业执照正副本"].pk})
    note = _inbox(enterprise_user, "ASSIST_STEP").filter(message__contains=case.number).get()
    assert "代为申报" in note.message and note.url == f"/assist/{working_order.number}/"


# --- 我要代办 --------------------------------------------------------------------------------------

ORDER = {"channel": "online", "description": "变更注册地址，希望上门代办", "contact_name": "张伟",
         "contact_phone": "13800000000", "commission_signed_on": TODAY.isoformat(),
         "commission_valid_until": (TODAY + dt.timedelta(days=90)).isoformat()}


def test_the_order_form_shows_each_error_beside_its_field_and_keeps_what_was_typed(own_enterprise,
                                                                                   enterprise_client):
    response = enterprise_client.post("/assist/new/", ORDER | {
        "uscc": own_enterprise.uscc, "contact_phone": "123", "commission_signed_on": "2026-13-01",
        "item": "no-such-item"})
    html = response.content.decode()
    assert response.status_code == 200 and not AssistOrder.objects.exists()
    for field, message in (("contact_phone", "请填写正确的手机号或座机号"), ("commission_signed_on", "请填写正确的日期"),
                           ("item", "请选择有效的事项")):
        assert message in html[html.index(f'id="id_{field}"'):][:600], field
    assert 'value="123"' in html and "变更注册地址，希望上门代办" in html and "is-invalid" in html
    assert "alert-danger" not in html  # no banner: the errors sit beside their fields


def test_a_service_refusal_sits_beside_its_field(own_enterprise, enterprise_client):
    response = enterprise_client.post("/assist/new/", ORDER | {
        "uscc": own_enterprise.uscc, "commission_valid_until": (TODAY - dt.timedelta(days=1)).isoformat()})
    html = response.content.decode()
    after = html[html.index('id="id_commission_valid_until"'):]
    assert "委托有效期不能早于签署日期" in after[:800] and not AssistOrder.objects.exists()


def test_an_enterprise_orders_only_for_its_own_firms(other_enterprise, enterprise_client):
    response = enterprise_client.post("/assist/new/", ORDER | {"uscc": other_enterprise.uscc})
    assert response.status_code == 200 and "请选择本企业" in response.content.decode()
    assert not AssistOrder.objects.exists()


def test_the_order_form_places_an_order(own_enterprise, enterprise_client, change_item):
    response = enterprise_client.post("/assist/new/", ORDER | {
        "uscc": own_enterprise.uscc, "item": change_item.implementation_code, "commission_file": pdf()})
    order = AssistOrder.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/assist/{order.number}/"
    assert order.item == change_item and order.channel == "online" and order.commission_file


def test_staff_name_the_firm_by_its_uscc_and_start_on_their_channel(own_enterprise, station_officer, clerk_client):
    html = login(station_officer).get("/assist/new/").content.decode()
    assert '<option value="station" selected>' in html
    assert '<option value="window" selected>' in clerk_client.get("/assist/new/").content.decode()
    response = login(station_officer).post("/assist/new/", ORDER | {"channel": "station",
                                                                    "uscc": f" {own_enterprise.uscc.lower()} "})
    order = AssistOrder.objects.get()
    assert response.status_code == 302 and order.enterprise == own_enterprise and order.station is not None


def test_who_may_not_order_is_refused(officer_client):
    assert officer_client.get("/assist/new/").status_code == 403
    assert officer_client.post("/assist/new/", ORDER).status_code == 403


def test_a_founder_without_a_firm_is_not_offered_an_order_it_cannot_place(own_enterprise, enterprise_client,
                                                                           clerk_client):
    """A person registered as an enterprise user before any firm is bound (the demo's `founder`) has no firm to
    order for: no 我要代办 button, no form with an empty 企业 list, the API refuses too. Staff are unaffected."""
    from gaoxin.assist import permissions as perms

    founder = UserFactory(role=Role.ENTERPRISE, username="founder")
    client = login(founder)
    assert not perms.can_place_order(founder)
    assert "我要代办" not in client.get("/assist/").content.decode()
    assert client.get("/assist/new/").status_code == 403
    assert client.post("/assist/new/", ORDER).status_code == 403
    assert client.post("/api/v1/assist-orders/", ORDER, content_type="application/json").status_code == 403
    assert not AssistOrder.objects.exists()
    assert "我要代办" in enterprise_client.get("/assist/").content.decode()  # a bound firm: offered
    assert "我要代办" in clerk_client.get("/assist/").content.decode()


def test_an_enterprise_is_not_offered_the_staff_channels(own_enterprise, enterprise_client, clerk_client):
    """下单渠道 is what staff record for an order taken at a desk; an enterprise ordering itself is on the
    platform (平台/小程序), or asks for a visit (上门预约)."""
    html = enterprise_client.get("/assist/new/").content.decode()
    assert 'name="channel"' not in html
    assert not any(label in html for label in ("帮代办专窗", "热线", "政务服务驿站"))
    assert "请专员上门服务（上门预约）" in html
    staff = clerk_client.get("/assist/new/").content.decode()
    assert all(f'<option value="{c}"' in staff for c in ("window", "station", "hotline", "online", "visit"))

    typed = {k: v for k, v in ORDER.items() if k != "channel"} | {"uscc": own_enterprise.uscc}
    crafted = enterprise_client.post("/assist/new/", typed | {"channel": "hotline"})
    assert crafted.status_code == 200 and "企业下单的渠道由系统确定" in crafted.content.decode()
    assert enterprise_client.post("/assist/new/", typed).status_code == 302
    assert enterprise_client.post("/assist/new/", typed | {"visit": "on"}).status_code == 302
    assert sorted(AssistOrder.objects.values_list("channel", flat=True)) == ["online", "visit"]


def test_an_enterprise_cannot_claim_a_staff_channel_through_the_api_or_the_service(own_enterprise, enterprise_user,
                                                                                   enterprise_client, station_officer):
    refused = enterprise_client.post("/api/v1/assist-orders/", ORDER | {"uscc": own_enterprise.uscc,
                                                                       "channel": "window"},
                                     content_type="application/json")
    assert refused.status_code == 400 and refused.json() == {"channel": ["企业下单的渠道由系统确定（平台/小程序，或上门预约）"]}
    visit = enterprise_client.post("/api/v1/assist-orders/", ORDER | {"uscc": own_enterprise.uscc, "channel": "visit"},
                                   content_type="application/json")
    assert visit.status_code == 201 and visit.json()["channel"] == "visit"
    with pytest.raises(ValidationError) as exc:
        services.order_create(actor=enterprise_user, enterprise=own_enterprise, channel="hotline", description="代办",
                              contact_name="张", contact_phone="13800000000", commission_signed_on=TODAY,
                              commission_valid_until=TODAY)
    assert list(exc.value.message_dict) == ["channel"]
    services.order_create(actor=station_officer, enterprise=own_enterprise, channel="hotline", description="代办",
                          contact_name="张", contact_phone="13800000000", commission_signed_on=TODAY,
                          commission_valid_until=TODAY)  # staff record the channel the order came through
    assert AssistOrder.objects.filter(channel="hotline").count() == 1


# --- the order page's actions ---------------------------------------------------------------------

def test_an_action_error_sits_beside_its_field_and_writes_nothing(order, clerk_client, agent):
    events, audits = OrderEvent.objects.count(), AuditEvent.objects.count()
    response = clerk_client.post(f"/assist/{order.number}/act/", {"name": "TERMINATE", "reason": ""})
    html = response.content.decode()
    assert response.status_code == 400 and "is-invalid" in html
    field = html[html.index('id="id_terminate_reason"'):]
    assert field.index("需要填写原因或说明") < field.index("</form>")
    response = clerk_client.post(f"/assist/{order.number}/act/", {"name": "ASSIGN", "agent": "nobody"})
    assert response.status_code == 400 and "请选择帮代办专员" in response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.REQUESTED and OrderEvent.objects.count() == events
    assert AuditEvent.objects.count() == audits
    response = clerk_client.post(f"/assist/{order.number}/act/", {"name": "ASSIGN", "agent": agent.username})
    order.refresh_from_db()
    assert response.status_code == 302 and order.agent == agent and order.status == OrderStatus.ASSIGNED


def test_unknown_steps_and_roles_outside_the_table(order, clerk_client, enterprise_client, agent):
    assert clerk_client.post(f"/assist/{order.number}/act/", {"name": "FLY"}).status_code == 400
    assert enterprise_client.post(f"/assist/{order.number}/act/",
                                  {"name": "ASSIGN", "agent": agent.username}).status_code == 403
    order.refresh_from_db()
    assert order.status == OrderStatus.REQUESTED


def test_a_visit_without_a_note_is_refused_beside_the_field(working_order, agent_client):
    response = agent_client.post(f"/assist/{working_order.number}/act/", {"name": "VISIT", "kind": "door", "note": ""})
    html = response.content.decode()
    assert response.status_code == 400 and "请填写记录" in html and not working_order.visits.exists()


def test_the_firm_rates_once_after_completion(working_order, agent, enterprise_client, clerk_client):
    services.order_transition(order=working_order, name="COMPLETE", actor=agent, reason="已交付")
    assert "提交评价" not in clerk_client.get(f"/assist/{working_order.number}/").content.decode()
    response = enterprise_client.post(f"/assist/{working_order.number}/act/", {"name": "RATE", "rating": "9"})
    assert response.status_code == 400 and "请选择1至5星" in response.content.decode()
    response = enterprise_client.post(f"/assist/{working_order.number}/act/",
                                      {"name": "RATE", "rating": "4", "comment": "及时"})
    working_order.refresh_from_db()
    assert response.status_code == 302 and working_order.rating == 4 and working_order.rating_comment == "及时"
    assert "提交评价" not in enterprise_client.get(f"/assist/{working_order.number}/").content.decode()


def test_the_order_page_shows_labels_not_codes(working_order, clerk_client):
    html = clerk_client.get(f"/assist/{working_order.number}/").content.decode()
    assert "提交帮代办订单" in html and "指派专员" in html and "开始代办" in html
    timeline = html[html.index("过程</div>"):]
    timeline = timeline[:timeline.index("</ol>")]
    assert "ASSIGN" not in timeline and "REQUEST" not in timeline and "其他操作" not in timeline


def test_the_order_list_has_constant_queries(station_officer, own_enterprise, clerk_client,
                                             django_assert_max_num_queries):
    def load(n):
        for _ in range(n):
            services.order_create(actor=station_officer, enterprise=own_enterprise, channel="station",
                                  description="代办", contact_name="张", contact_phone="13800000000",
                                  commission_signed_on=TODAY, commission_valid_until=TODAY)
        with django_assert_max_num_queries(8):
            assert clerk_client.get("/assist/").status_code == 200

    load(2)
    load(20)


# --- the API's one verb ---------------------------------------------------------------------------

def test_the_api_uses_the_transition_verb_and_the_pages_form(order, clerk_client, enterprise_client, agent):
    url = f"/api/v1/assist-orders/{order.number}/transition/"
    refused = clerk_client.post(url, {"name": "ASSIGN", "agent": "nobody"}, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["agent"] == ["请选择帮代办专员"]
    assert clerk_client.post(url, {"name": "ASSIGN"}, content_type="application/json").json() == \
        {"agent": ["请选择帮代办专员"]}
    assert enterprise_client.post(url, {"name": "ASSIGN", "agent": agent.username},
                                  content_type="application/json").status_code == 403
    done = clerk_client.post(url, {"name": "ASSIGN", "agent": agent.username}, content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "assigned" and done.json()["agent"] == "帮代办 陈杰"
    assert clerk_client.post(f"/api/v1/assist-orders/{order.number}/act/", {"name": "START"},
                             content_type="application/json").status_code == 404  # the old verb is gone


def test_the_api_places_an_order_with_the_pages_form(own_enterprise, other_enterprise, enterprise_client):
    url = "/api/v1/assist-orders/"
    refused = enterprise_client.post(url, ORDER | {"uscc": own_enterprise.uscc, "contact_phone": "1"},
                                     content_type="application/json")
    assert refused.status_code == 400 and refused.json() == {"contact_phone": ["请填写正确的手机号或座机号"]}
    other = enterprise_client.post(url, ORDER | {"uscc": other_enterprise.uscc}, content_type="application/json")
    assert other.status_code == 400 and other.json() == {"uscc": ["请选择本企业"]}
    created = enterprise_client.post(url, ORDER | {"enterprise_uscc": own_enterprise.uscc},
                                     content_type="application/json")
    assert created.status_code == 201 and created.json()["status"] == "requested"
    assert AssistOrder.objects.count() == 1


# --- a project step filed per material ------------------------------------------------------------

@pytest.fixture
def project(chain, admin_user, agent, own_enterprise):  # noqa: F811
    return services.project_create(actor=admin_user, name="铁姆肯项目", enterprise=own_enterprise, template=chain,
                                   agent=agent, negotiation_on=TODAY)


def _first(project):
    return project.steps.select_related("step__item").get(step__name="立项")


def test_a_project_step_marks_only_the_originals_seen(project, agent):
    step = _first(project)
    m = {x.name: x for x in services.step_materials(step)}
    form, premises = m["企业投资项目备案申请表"], m["住所使用证明"]
    with pytest.raises(ValidationError) as exc:
        services.project_file_step(project=project, step=step, actor=agent)
    assert f"material_{form.pk}" in exc.value.message_dict and not Case.objects.exists()
    case = services.project_file_step(project=project, step=step, actor=agent, originals_seen={form.pk})
    filed = {cm.material_id: cm for cm in case.materials.all()}
    assert filed[form.pk].original_seen
    assert not filed[premises.pk].original_seen and not filed[premises.pk].present  # the 容缺 proof: not claimed
    assert AuditEvent.objects.get(event_type="assist.project_step_filed").after["originals_seen"] == [form.pk]


def test_the_project_page_leads_to_the_filing_page(project, agent_client):
    step = _first(project)
    html = agent_client.get(f"/assist/projects/{project.pk}/").content.decode()
    assert f'action="/assist/projects/{project.pk}/steps/{step.pk}/"' in html
    page = agent_client.get(f"/assist/projects/{project.pk}/steps/{step.pk}/").content.decode()
    assert "企业投资项目备案申请表" in page and "住所使用证明" in page and "已核验原件" in page


def test_the_filing_page_names_the_missing_material_and_files_what_was_supplied(project, agent_client):
    step = _first(project)
    m = {x.name: x for x in services.step_materials(step)}
    url = f"/assist/projects/{project.pk}/steps/{step.pk}/"
    response = agent_client.post(url, {"note": "第一次"})
    html = response.content.decode()
    row = html[html.index("企业投资项目备案申请表"):]
    assert response.status_code == 200 and "是必要材料" in row[:row.index("</tr>")] and 'value="第一次"' in html
    assert not Case.objects.exists()
    response = agent_client.post(url, {f"material_{m['企业投资项目备案申请表'].pk}": pdf("备案申请表.pdf")})
    assert response.status_code == 302 and response["Location"] == f"/assist/projects/{project.pk}/"
    step.refresh_from_db()
    filed = {cm.material.name: cm for cm in step.case.materials.select_related("material")}
    assert filed["企业投资项目备案申请表"].file and not filed["企业投资项目备案申请表"].original_seen
    assert "该环节已申报" in agent_client.get(url).content.decode()


def test_a_step_waiting_for_its_predecessor_cannot_be_filed(project, agent_client, leader_client):
    waiting = project.steps.get(step__name="节能审查")
    url = f"/assist/projects/{project.pk}/steps/{waiting.pk}/"
    assert "前置环节尚未办结" in agent_client.get(url).content.decode()
    response = agent_client.post(url, {})
    assert "前置环节尚未办结" in response.content.decode() and not Case.objects.exists()
    assert leader_client.get(url).status_code == 403
    assert login(UserFactory(role=Role.ENTERPRISE)).get(url).status_code == 404


def test_the_project_list_and_the_figures_page_have_constant_queries(chain, admin_user, agent, own_enterprise,  # noqa: F811
                                                                     clerk_client, django_assert_max_num_queries):
    def load(n):
        for i in range(n):
            project = services.project_create(actor=admin_user, name=f"项目{i}", enterprise=own_enterprise,
                                              template=chain, agent=agent, negotiation_on=TODAY)
            step = _first(project)
            services.project_file_step(project=project, step=step, actor=agent,
                                       originals_seen={m.pk for m in services.step_materials(step)
                                                       if m.necessity == "required"})
        with django_assert_max_num_queries(16):
            assert clerk_client.get("/assist/projects/").status_code == 200
        with django_assert_max_num_queries(20):
            assert clerk_client.get("/stations/figures/").status_code == 200

    load(2)
    load(10)


def test_the_api_takes_the_commission_letter_as_a_multipart_upload(own_enterprise, enterprise_client):
    created = enterprise_client.post("/api/v1/assist-orders/", ORDER | {"uscc": own_enterprise.uscc,
                                                                       "commission_file": pdf()})
    assert created.status_code == 201
    assert AssistOrder.objects.get().commission_file.name.endswith(".pdf")
    bad = enterprise_client.post("/api/v1/assist-orders/", ORDER | {
        "uscc": own_enterprise.uscc, "commission_file": pdf("委托书.exe")})
    assert bad.status_code == 400 and "commission_file" in bad.json() and AssistOrder.objects.count() == 1

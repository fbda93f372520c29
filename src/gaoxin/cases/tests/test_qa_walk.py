"""Defects a QA walk of the seeded demo found on the case pages, each shown as the page shows it."""

import pytest

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.cases.models import Case, Status

# --- 即办办结 only on a 即办件 -------------------------------------------------------------------------------


def test_complete_immediate_is_offered_on_an_immediate_case_only(clerk_client, item, immediate_item, submit):
    promised, immediate = submit(item), submit(immediate_item)
    assert 'data-testid="action-complete_immediate"' not in clerk_client.get(f"/cases/{promised.number}/").content.decode()
    assert 'data-testid="action-complete_immediate"' in clerk_client.get(f"/cases/{immediate.number}/").content.decode()
    refused = clerk_client.post(f"/cases/{promised.number}/act/", {"name": "COMPLETE_IMMEDIATE"})
    assert "只有即办件可以当场办结" in refused.content.decode()
    assert Case.objects.get(pk=promised.pk).status == Status.RECEIVED


# --- tabs a role is refused ----------------------------------------------------------------------------------

TABS = {"intake": "窗口受理队列", "review": "部门审查队列", "mine": "我的办件", "at_risk": "即将到期（预警）",
        "overdue": "已超期", "all": "全部办件"}
EXPECTED_TABS = {
    Role.ENTERPRISE: {"mine", "all"},
    Role.STATION_OFFICER: {"mine", "all"},
    Role.AGENT: {"mine", "all"},
    Role.DEPT_OFFICER: {"review", "mine", "at_risk", "overdue", "all"},
    Role.WINDOW_CLERK: set(TABS),
    Role.ZONE_ADMIN: set(TABS),
    Role.LEADER: {"intake", "review", "at_risk", "overdue", "all"},
}


@pytest.mark.parametrize("role", list(EXPECTED_TABS))
def test_the_case_list_shows_only_the_tabs_the_role_may_open(role, client, market):
    user = UserFactory(role=role, org_unit=market if role == Role.DEPT_OFFICER else None)
    client.force_login(user)
    html = client.get("/cases/").content.decode()
    tabs = html[html.index('<ul class="nav nav-tabs'):]
    tabs = tabs[:tabs.index("</ul>")]
    shown = {key for key, label in TABS.items() if f">{label}</a>" in tabs}
    assert shown == EXPECTED_TABS[role]
    for key in TABS:  # every tab shown opens; every other is refused
        response = client.get("/cases/" if key == "all" else f"/cases/queue/{key}/")
        assert response.status_code == (200 if key in shown else 403), key


# --- notice wording ------------------------------------------------------------------------------------------

def test_every_deadline_on_notices_and_messages_is_inclusive(item, submit, clerk_user, clerk_client, officer,
                                                           enterprise_user, django_capture_on_commit_callbacks):
    from gaoxin.cases import services, tasks
    from gaoxin.cases.models import deadline_text
    from gaoxin.core.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        case = services.case_transition(case=submit(item), name="ACCEPT", actor=clerk_user)
    due = deadline_text(case.due_date)
    assert due.endswith("之前（含当日）")
    notice = clerk_client.get(f"/cases/{case.number}/notice/acceptance/").content.decode()
    assert f'承诺于<span data-testid="due-text">{due}</span>' in notice and "前（1个工作日内）" not in notice
    told = Notification.objects.get(user=enterprise_user, kind="ACCEPT").message
    arrived = Notification.objects.get(user=officer, kind="CASE_ARRIVED").message
    assert f"办结期限为{due}" in told and f"办结期限为{due}" in arrived
    with django_capture_on_commit_callbacks(execute=True):
        tasks.sweep()  # due in 1 working day: the officer is reminded
    assert f"办结期限为{due}" in Notification.objects.get(user=officer, kind="DUE_SOON").message


def test_the_decision_letter_states_the_opinion_once(item, submit, clerk_user, clerk_client, officer):
    from gaoxin.cases import services

    case = services.case_transition(case=submit(item), name="ACCEPT", actor=clerk_user)
    case = services.case_transition(case=case, name="START_REVIEW", actor=officer)
    case = services.case_transition(case=case, name="REFUSE", actor=officer, opinion="经审查，申请不符合法定条件。",
                                    legal_basis="《中华人民共和国行政许可法》第三十八条第二款", reason="用地性质不符。")
    letter = clerk_client.get(f"/cases/{case.number}/notice/denial/").content.decode()
    assert "本机关审查意见如下：" in letter and "经审查，申请不符合法定条件。" in letter
    assert "经审查，审查意见如下" not in letter and letter.count("经审查") == 1


# --- 邮寄 delivery: the recipient's phone, pre-filled from what the case knows -----------------------------------

def test_delivery_by_post_asks_the_recipients_phone_prefilled_from_the_applicant(item, submit, clerk_user, clerk_client,
                                                                                  officer, own_enterprise):
    from gaoxin.cases import services
    from gaoxin.enterprises.models import Contact

    own_enterprise.address = "湖南省湘潭市岳塘区芙蓉中路9号"
    own_enterprise.save(update_fields=["address"])
    Contact.objects.create(enterprise=own_enterprise, name="李娜", phone="13900001111", is_primary=True)
    case = services.case_transition(case=submit(item), name="ACCEPT", actor=clerk_user)
    case = services.case_transition(case=case, name="START_REVIEW", actor=officer)
    case = services.case_transition(case=case, name="APPROVE", actor=officer, opinion="符合法定条件",
                                    licence_number="湘高新许字〔2026〕第0001号")
    html = clerk_client.get(f"/cases/{case.number}/").content.decode()
    form = html[html.index('data-testid="delivery-form"'):]
    form = form[:form.index("</form>")]
    assert 'for="id_postal_phone">收件人电话</label>' in form
    assert 'value="李娜"' in form and 'value="13812345678"' in form and 'value="湖南省湘潭市岳塘区芙蓉中路9号"' in form
    url = f"/cases/{case.number}/deliver/"
    refused = clerk_client.post(url, {"method": "post", "postal_recipient": "李娜", "postal_phone": "1381234",
                                      "postal_address": "湖南省湘潭市岳塘区芙蓉中路9号", "tracking_number": "SF1"})
    assert "请填写正确的手机号或座机号" in refused.content.decode() and 'value="1381234"' in refused.content.decode()
    clerk_client.post(url, {"method": "post", "postal_recipient": "李娜", "postal_phone": "13900001111",
                            "postal_address": "湖南省湘潭市岳塘区芙蓉中路9号", "tracking_number": "SF1"})
    case.refresh_from_db()
    assert case.status == Status.DELIVERED and case.postal_phone == "13900001111"
    assert "139****1111" in clerk_client.get(f"/cases/{case.number}/").content.decode()


# --- the apply form: the situation first, then its materials; requirements that fit the applicant ------------

def test_the_apply_form_shows_the_situation_picker_first_and_materials_once_chosen(enterprise_client, item):
    url = f"/guide/{item.implementation_code}/apply/"
    html = enterprise_client.get(url).content.decode()
    assert 'data-testid="situation-picker"' in html and 'data-testid="choose-situation"' in html
    assert "提交申请</button>" not in html and "申请材料" not in html and "住所使用证明" not in html
    chosen = item.current_version.situations.get(name="有限责任公司")
    html = enterprise_client.get(url, {"situation": chosen.pk}).content.decode()
    assert html.index('data-testid="situation-picker"') < html.index("申请材料") < html.index("公司章程")
    assert "住所使用证明" in html and "提交申请</button>" in html


@pytest.fixture
def sealed_form(item):
    form = item.current_version.materials.get(name="企业设立登记申请表")
    form.notes = "用黑色墨水笔填写，加盖单位公章"
    form.save(update_fields=["notes"])
    item.current_version.service_object = "both"
    item.current_version.save(update_fields=["service_object"])
    return form


def test_a_natural_person_is_not_asked_for_a_units_seal(sealed_form, item, enterprise_client):
    from gaoxin.cases.tests.test_apply import FOUNDER_ID

    founder = UserFactory(role=Role.ENTERPRISE, full_name="孙悦", id_number=FOUNDER_ID, phone="13907320001")
    from django.test import Client

    founder_client = Client()
    founder_client.force_login(founder)
    chosen = item.current_version.situations.get(name="有限责任公司")
    url = f"/guide/{item.implementation_code}/apply/?situation={chosen.pk}"
    html = founder_client.get(url).content.decode()
    assert "用黑色墨水笔填写，由申请人本人签字" in html and "加盖单位公章" not in html
    assert "用黑色墨水笔填写，加盖单位公章" in enterprise_client.get(url).content.decode()


def test_the_combined_form_fits_the_requirement_to_the_applicant_type(sealed_form, two_item_bundle, item,
                                                                     enterprise_user):
    from django.test import Client

    from gaoxin.cases.tests.test_apply import FOUNDER_ID

    enterprise_user.id_number = FOUNDER_ID  # a firm's user who may also apply in their own name
    enterprise_user.save(update_fields=["id_number"])
    client = Client()
    client.force_login(enterprise_user)
    url = f"/guide/bundles/{two_item_bundle.code}/apply/"
    assert "加盖单位公章" in client.get(url, {"applicant_type": "enterprise"}).content.decode()
    html = client.get(url, {"applicant_type": "citizen"}).content.decode()
    assert "由申请人本人签字" in html and "加盖单位公章" not in html


# --- the founder's next step names only the 一件事 that start a firm ---------------------------------------------

def test_the_founders_next_step_offers_only_bundles_that_start_a_firm(admin_user, two_item_bundle, item, seal_item,
                                                                     market):
    from django.test import Client

    from gaoxin.cases.tests.test_apply import FOUNDER_ID
    from gaoxin.catalog.models import Bundle, BundleItem
    from gaoxin.catalog.tests.factories import make_item

    item.current_version.service_object = "both"
    item.current_version.save(update_fields=["service_object"])
    transfer = make_item(admin_user, code="43037110XK0030", name="不动产转移登记", situations=(), service_object="both")
    handover = Bundle.objects.create(code="handover-certificate", name="交房即交证一件事", zone=item.zone,
                                     lead_department=market, promised_limit=10)
    BundleItem.objects.create(bundle=handover, item=transfer, sort_order=0)
    founder = UserFactory(role=Role.ENTERPRISE, full_name="孙悦", id_number=FOUNDER_ID, phone="13907320001")
    client = Client()
    client.force_login(founder)
    html = client.get(f"/guide/{seal_item.implementation_code}/apply/").content.decode()
    assert 'data-testid="next-step"' in html
    assert f'href="/guide/bundles/{two_item_bundle.code}/apply/"' in html and "企业开办一件事" in html
    assert "交房即交证一件事" not in html

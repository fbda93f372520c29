"""The talent benefit pages and API: who sees which claims, ID numbers masked outside the talent office, forms keep
their input on error, lists paginated with a constant number of queries."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.benefits import services
from gaoxin.benefits.models import TalentClaim
from gaoxin.enterprises.tests.factories import EnterpriseFactory

from .talent_fixtures import finance_user, make_talent, office_user, seed_items

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world():
    items = seed_items()
    office, finance = office_user(), finance_user()
    firm, other_firm = EnterpriseFactory(name="湘电股份"), EnterpriseFactory(name="别家公司")
    employer = UserFactory(role=Role.ENTERPRISE)
    employer.enterprise_memberships.create(enterprise=firm)
    me_user, other_user = UserFactory(role=Role.TALENT), UserFactory(role=Role.TALENT)
    me = make_talent(n=1, employer=firm, user=me_user)
    other = make_talent(n=2, employer=other_firm, user=other_user)
    mine = services.talent_claim_create(talent=me, item=items["living"], actor=me_user, bank_account="工商银行 6222 0000 1111")
    theirs = services.talent_claim_create(talent=other, item=items["living"], actor=office, bank_account="建设银行 6227 0000 2222")
    return {"items": items, "office": office, "finance": finance, "employer": employer, "me": me, "me_user": me_user,
            "other": other, "other_user": other_user, "mine": mine, "theirs": theirs}


def test_a_talent_sees_only_their_own_claims(world):
    client = _client(world["me_user"])
    assert client.get("/talent-benefits/").status_code == 302  # to their own page
    page = client.get(f"/talent-benefits/people/{world['me'].pk}/").content.decode()
    assert world["mine"].number in page and world["me"].id_number in page  # their own number in full
    assert client.get(f"/talent-benefits/people/{world['other'].pk}/").status_code == 404
    assert client.get(f"/talent-benefits/claims/{world['theirs'].number}/").status_code == 404
    assert client.get(f"/talent-benefits/claims/{world['mine'].number}/").status_code == 200
    api = client.get("/api/v1/talent-benefit-claims/").json()
    assert [c["number"] for c in api["results"]] == [world["mine"].number]


def test_an_employer_sees_none_of_other_peoples_claims_and_ids_masked(world):
    client = _client(world["employer"])
    # The claim its employee filed themself is not the employer's; the other firm's person is not its either.
    for number in (world["mine"].number, world["theirs"].number):
        assert client.get(f"/talent-benefits/claims/{number}/").status_code == 404
    assert client.get(f"/talent-benefits/people/{world['other'].pk}/").status_code == 404
    page = client.get(f"/talent-benefits/people/{world['me'].pk}/").content.decode()
    assert world["me"].masked_id_number in page and world["me"].id_number not in page
    assert client.get("/api/v1/talent-benefit-claims/").json()["results"] == []
    assert client.get("/api/v1/talent-benefit-payments/").json()["results"] == []


def test_the_office_sees_the_ledger_with_full_ids_and_totals(world):
    client = _client(world["office"])
    page = client.get("/talent-benefits/").content.decode()
    assert world["mine"].number in page and world["theirs"].number in page
    assert world["me"].id_number in page and "待审核" in page and "1,000,000.00" in page
    text = re.sub(r"<[^>]+>", " ", page)
    assert "living" not in text and "submitted" not in text  # no internal codes on screen
    assert client.get("/talent-benefits/?item=living&status=submitted&q=人才2").content.decode().count("RC") >= 1


def test_leaders_read_the_ledger_with_ids_masked(world):
    leader = UserFactory(role=Role.LEADER)
    page = _client(leader).get("/talent-benefits/").content.decode()
    assert world["mine"].number in page and world["me"].id_number not in page
    assert world["me"].masked_id_number in page
    claim = _client(leader).get(f"/talent-benefits/claims/{world['mine'].number}/").content.decode()
    assert world["me"].id_number not in claim and "6222 0000 1111" not in claim  # account masked too


def test_a_duplicate_claim_on_the_page_is_refused_with_the_input_kept(world):
    client = _client(world["office"])
    response = client.post(f"/talent-benefits/people/{world['me'].pk}/claim/",
                           {"item": "living", "bank_account": "农业银行 6228 9999", "note": "代为申领"})
    body = response.content.decode()
    assert response.status_code == 400 and "同一事项不重复享受" in body and "农业银行 6228 9999" in body


def test_an_empty_account_is_refused_beside_the_field(world):
    client = _client(world["office"])
    response = client.post(f"/talent-benefits/people/{world['me'].pk}/claim/", {"item": "car", "bank_account": ""})
    assert response.status_code == 400 and "请填写收款账户" in response.content.decode()
    for account, reason in (("abc", "请填写收款账号（数字）"), ("农业银行 6228", "账号应为8至32位数字，现为4位"),
                            ("6228 4800 1234 5678", "请写明开户行")):
        response = client.post(f"/talent-benefits/people/{world['me'].pk}/claim/", {"item": "car", "bank_account": account})
        body = response.content.decode()
        assert response.status_code == 400 and reason in body and f'value="{account}"' in body
    assert not TalentClaim.objects.filter(item__code="car").exists()


def test_claim_page_actions_and_errors(world):
    office, finance = _client(world["office"]), _client(world["finance"])
    number = world["theirs"].number
    url = f"/talent-benefits/claims/{number}/"
    assert office.post(url + "act/", {"target": "claim", "name": "APPROVE"}).status_code == 302
    inst = world["theirs"].instalments.get(seq=1)
    assert office.post(url + "act/", {"target": f"instalment-{inst.pk}", "name": "APPROVE"}).status_code == 302
    response = finance.post(url + "act/", {"target": f"instalment-{inst.pk}", "name": "PAY", "payment_ref": ""})
    assert response.status_code == 400 and "请填写拨付凭证号" in response.content.decode()
    assert finance.post(url + "act/", {"target": f"instalment-{inst.pk}", "name": "PAY",
                                       "payment_ref": "ZF-2026-01"}).status_code == 302
    page = finance.get(url).content.decode()
    assert "已拨付" in page and "ZF-2026-01" in page and "200,000.00" in page
    assert "已完成：拨付本期" in page  # the step's name, not a bare 已完成
    # Refused for a finance officer: deciding a claim is the office's.
    assert finance.post(url + "act/", {"target": "claim", "name": "RECORD_DEPARTURE", "reason": "x"}).status_code == 403


def test_person_facts_and_item_pages_are_the_offices(world):
    office = _client(world["office"])
    url = f"/talent-benefits/people/{world['me'].pk}/facts/"
    response = office.post(url, {"iit_paid": "abc", "personal_taxable_income": "200"})
    assert response.status_code == 400 and "请填写数字" in response.content.decode()
    assert office.post(url, {"iit_paid": "60", "personal_taxable_income": "200"}).status_code == 302
    facts = office.get(f"/talent-benefits/people/{world['me'].pk}/").content.decode().split('data-testid="person-facts"')[1]
    assert "60 万元" in facts and "200 万元" in facts and ".000000" not in facts  # as written, not 60.000000 万元
    assert _client(world["employer"]).get(url).status_code == 403
    assert _client(world["employer"]).get("/talent-benefits/items/").status_code == 403
    response = office.post("/talent-benefits/items/car/", {"name": "人才购车补贴", "instalment_years": "1",
                                                          "fixed_amount": "80,000", "eligible_tiers": "A,B",
                                                          "clawback_years": "3", "is_active": "on"})
    assert response.status_code == 302, response.context["form"].errors
    world["items"]["car"].refresh_from_db()
    assert world["items"]["car"].fixed_amount == 80000


def test_ledger_query_count_does_not_grow_with_claims(world, django_assert_max_num_queries):
    office = _client(world["office"])
    office.get("/talent-benefits/")  # warm caches (sessions, calendar)
    with django_assert_max_num_queries(14) as few:
        office.get("/talent-benefits/")
    for n in range(3, 15):
        services.talent_claim_create(talent=make_talent(n=n), item=world["items"]["living"], actor=world["office"],
                                     bank_account="湘潭银行 6222 0012 3456 7890")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert office.get("/talent-benefits/").status_code == 200
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert office.get("/api/v1/talent-benefit-claims/").status_code == 200


def test_claim_page_query_budget(world, django_assert_max_num_queries):
    office = _client(world["office"])
    services.talent_claim_transition(claim=world["theirs"], name="APPROVE", actor=world["office"])
    with django_assert_max_num_queries(22):
        assert office.get(f"/talent-benefits/claims/{world['theirs'].number}/").status_code == 200


def test_api_claim_detail(world):
    body = _client(world["office"]).get(f"/api/v1/talent-benefit-claims/{world['mine'].number}/").json()
    assert body["item"] == "living" and body["id_number"] == world["me"].id_number and body["clawback"] is None
    masked = _client(UserFactory(role=Role.LEADER)).get(f"/api/v1/talent-benefit-claims/{world['mine'].number}/").json()
    assert masked["id_number"] == world["me"].masked_id_number
    assert _client(world["employer"]).get(f"/api/v1/talent-benefit-claims/{world['mine'].number}/").status_code == 404


def test_person_page_query_budget(world, django_assert_max_num_queries):
    office = _client(world["office"])
    with django_assert_max_num_queries(30):
        assert office.get(f"/talent-benefits/people/{world['me'].pk}/").status_code == 200


def test_the_office_finds_a_person_to_claim_for(world):
    page = _client(world["office"]).get("/talent-benefits/", {"who": "人才2"}).content.decode()
    assert f"/talent-benefits/people/{world['other'].pk}/" in page
    page = _client(world["office"]).get("/talent-benefits/", {"who": world["me"].id_number}).content.decode()
    assert f"/talent-benefits/people/{world['me'].pk}/" in page
    assert "found-people" not in _client(UserFactory(role=Role.LEADER)).get("/talent-benefits/", {"who": "人才"}).content.decode()


def test_filtering_by_htmx_refreshes_the_totals_with_the_rows(world):
    office = _client(world["office"])
    services.talent_claim_transition(claim=world["theirs"], name="APPROVE", actor=world["office"])
    part = office.get("/talent-benefits/", {"status": "approved"}, HTTP_HX_REQUEST="true").content.decode()
    assert "ledger-totals" in part and world["theirs"].number in part and world["mine"].number not in part
    assert "1,000,000.00" in part  # the approved total of the rows shown


def test_an_empty_zone_loads_the_default_items_once():
    from gaoxin.benefits.models import TalentBenefitItem
    from gaoxin.core.models import AuditEvent

    office_person = office_user()
    office = _client(office_person)
    page = office.get("/talent-benefits/items/").content.decode()
    assert "尚未设立人才待遇事项" in page and "载入默认人才待遇事项" in page
    assert _client(UserFactory(role=Role.ENTERPRISE)).post("/talent-benefits/items/defaults/").status_code == 403
    assert not TalentBenefitItem.objects.exists()
    response = office.post("/talent-benefits/items/defaults/", follow=True)
    assert "已载入5项默认人才待遇事项" in response.content.decode()
    items = {i.code: i for i in TalentBenefitItem.objects.select_related("policy__issuer")}
    assert set(items) == {"housing-purchase", "housing-rent", "living", "iit", "car"}
    assert {i.policy.issuer.code for i in items.values()} == {"hrss"}
    assert items["housing-purchase"].tier_amounts.get(tier__code="B").amount == 2000000
    assert AuditEvent.objects.filter(event_type="benefits.talent_items_loaded", actor=office_person).count() == 1
    # A second load is refused: the office edits the items it has.
    response = office.post("/talent-benefits/items/defaults/", follow=True)
    assert "已设立人才待遇事项" in response.content.decode() and TalentBenefitItem.objects.count() == 5


def test_a_later_years_instalment_is_not_offered_before_its_date(world):
    services.talent_claim_transition(claim=world["mine"], name="APPROVE", actor=world["office"])
    page = _client(world["office"]).get(f"/talent-benefits/claims/{world['mine'].number}/").content.decode()
    later = world["mine"].instalments.count() - 1
    assert later >= 1 and page.count("审核本期") == 1 and page.count("未到期") == later


def test_the_employer_is_told_of_claims_filed_by_others_and_sees_the_item_taken(world):
    page = _client(world["employer"]).get(f"/talent-benefits/people/{world['me'].pk}/").content.decode()
    assert world["mine"].number not in page  # filed by the person: not the employer's to open
    assert 'data-testid="hidden-claims"' in page and "另有 1 件" in page
    living = page.split("<strong>人才生活补贴</strong>")[1].split("</li>")[0]
    assert "已申领" in living

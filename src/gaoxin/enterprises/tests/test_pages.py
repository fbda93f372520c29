"""Registry pages and API: search, filters, scoping, masking and query budgets."""

import datetime as dt

import pytest

from gaoxin.enterprises.models import SizeGroup

from .factories import ContactFactory, EnterpriseFactory, LandParcelFactory, QualificationFactory


def test_list_search_by_name_and_uscc(clerk_client, own_enterprise, other_enterprise):
    html = clerk_client.get("/enterprises/", {"q": "自家"}).content.decode()
    assert own_enterprise.name in html and other_enterprise.name not in html
    html = clerk_client.get("/enterprises/", {"q": other_enterprise.uscc.lower()}).content.decode()
    assert other_enterprise.name in html and own_enterprise.name not in html


def test_list_filters(clerk_client):
    small = EnterpriseFactory(size_group=SizeGroup.BELOW, industry_id="65", name="湖南小软件有限公司")
    big = EnterpriseFactory(size_group=SizeGroup.ABOVE, industry_id="38", name="湖南大电工有限公司")
    QualificationFactory(enterprise=big, valid_to=dt.date(2099, 1, 1))
    QualificationFactory(enterprise=small, valid_from=dt.date(2000, 1, 1), valid_to=dt.date(2001, 1, 1))  # expired
    page = lambda **q: clerk_client.get("/enterprises/", q).content.decode()  # noqa: E731
    assert small.name in page(size_group="BELOW") and big.name not in page(size_group="BELOW")
    assert small.name in page(section="I") and big.name not in page(section="I")
    assert big.name in page(industry="38") and small.name not in page(industry="38")
    assert big.name in page(qualification="hnte") and small.name not in page(qualification="hnte")


def test_htmx_gets_only_the_table(clerk_client, own_enterprise):
    html = clerk_client.get("/enterprises/", {"q": "自家"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in html and own_enterprise.name in html


def test_empty_state(clerk_client):
    assert "没有符合条件的企业" in clerk_client.get("/enterprises/", {"q": "不存在的企业"}).content.decode()


def test_list_query_count_is_constant(clerk_client, django_assert_max_num_queries):
    def load():
        with django_assert_max_num_queries(9):
            assert clerk_client.get("/enterprises/").status_code == 200

    for _ in range(3):
        e = EnterpriseFactory()
        LandParcelFactory(enterprise=e)
        QualificationFactory(enterprise=e)
    load()
    for _ in range(60):
        e = EnterpriseFactory()
        LandParcelFactory(enterprise=e)
        QualificationFactory(enterprise=e)
    load()


def test_detail_query_budget(clerk_client, own_enterprise, django_assert_max_num_queries):
    LandParcelFactory(enterprise=own_enterprise)
    ContactFactory(enterprise=own_enterprise)
    with django_assert_max_num_queries(11):
        assert clerk_client.get(f"/enterprises/{own_enterprise.pk}/").status_code == 200


def test_enterprise_user_sees_only_own(enterprise_client, own_enterprise, other_enterprise):
    html = enterprise_client.get("/enterprises/").content.decode()
    assert own_enterprise.name in html and other_enterprise.name not in html
    assert enterprise_client.get(f"/enterprises/{own_enterprise.pk}/").status_code == 200
    assert enterprise_client.get(f"/enterprises/{other_enterprise.pk}/").status_code == 404
    assert enterprise_client.get(f"/api/v1/enterprises/{other_enterprise.pk}/").status_code == 404
    assert [e["id"] for e in enterprise_client.get("/api/v1/enterprises/").json()["results"]] == [own_enterprise.pk]


def test_detail_shows_land_in_mu_and_masks_phones(officer_client, clerk_client, own_enterprise):
    LandParcelFactory(enterprise=own_enterprise, area_m2=10000)
    LandParcelFactory(enterprise=own_enterprise, area_m2=2000, kind="leased_out")
    ContactFactory(enterprise=own_enterprise, phone="13812345678")
    html = officer_client.get(f"/enterprises/{own_enterprise.pk}/").content.decode()
    assert "12.00 亩" in html  # (10000 − 2000) × 0.0015
    assert "138****5678" in html and "13812345678" not in html
    assert "13812345678" in clerk_client.get(f"/enterprises/{own_enterprise.pk}/").content.decode()


def test_api_lists_with_schema(clerk_client, own_enterprise):
    data = clerk_client.get("/api/v1/enterprises/", {"q": "自家"}).json()
    assert data["count"] == 1 and data["results"][0]["uscc"] == own_enterprise.uscc
    schema = clerk_client.get("/api/schema/").content.decode()
    assert "/api/v1/enterprises/" in schema and "/api/v1/workdays/due-date/" in schema


@pytest.mark.parametrize("url", ["/enterprises/999999/", "/api/v1/enterprises/999999/"])
def test_unknown_enterprise_is_404(clerk_client, url):
    assert clerk_client.get(url).status_code == 404

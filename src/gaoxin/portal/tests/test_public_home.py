"""The public home (办事指南, 办件查询, 公示公告), the notices list and role cards that open."""

import datetime as dt

import pytest
from django.urls import reverse

from gaoxin.accounts.models import OrgKind, Role
from gaoxin.accounts.tests.factories import OrgUnitFactory, UserFactory
from gaoxin.portal.views import _CARDS, _url


@pytest.mark.django_db
def test_visitor_gets_the_public_home_not_the_login(client):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="public-home"' in html
    for words in ("办事指南", "办件进度查询", "公示公告", "登录"):
        assert words in html
    assert f'action="{reverse("track")}"' in html and f'action="{reverse("guide_index")}"' in html


@pytest.mark.django_db
def test_notices_list_is_public_and_has_an_empty_state(client):
    response = client.get("/notices/")
    assert response.status_code == 200 and "目前没有公示中的事项" in response.content.decode()


@pytest.mark.django_db
def test_policy_awards_on_notice_are_listed_publicly(client, own_enterprise, admin_user, department):
    from gaoxin.benefits.models import AppStatus, BenefitApplication
    from gaoxin.benefits.tests.test_flow import make_policy

    policy = make_policy(department)
    BenefitApplication.objects.create(number="ZC1", enterprise=own_enterprise, policy=policy, policy_version=1,
                                      status=AppStatus.PUBLICITY, amount_approved=12.5, created_by=admin_user,
                                      notice_end=dt.date(2026, 12, 7))
    home = client.get("/notices/").content.decode()
    assert f"{policy.title} 兑现公示" in home
    page = client.get(reverse("policy_publicity", args=[policy.code])).content.decode()
    assert own_enterprise.name in page and "12.50" in page and "2026年12月7日" in page
    assert client.get(reverse("policy_publicity", args=["no-such-policy"])).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("role", [r for r in _CARDS])
def test_every_home_card_opens_for_its_role(client, role, department):
    # A department officer works in a department and a bank user for a partner bank (their pages need the unit).
    unit = (department if role == Role.DEPT_OFFICER
            else OrgUnitFactory(kind=OrgKind.BANK) if role == Role.BANK else None)
    user = UserFactory(role=role, org_unit=unit)
    if role == Role.ENTERPRISE:
        from gaoxin.enterprises.tests.factories import EnterpriseFactory

        user.enterprise_memberships.create(enterprise=EnterpriseFactory())
    client.force_login(user)
    html = client.get("/").content.decode()
    assert "建设中" not in html
    for title, _desc, name in _CARDS[role]:
        url = _url(name)
        assert url in html, title
        assert client.get(url).status_code == 200, (role, title, url)


@pytest.mark.django_db
def test_a_founder_without_a_firm_is_shown_the_way_to_start_one(client):
    from gaoxin.catalog.models import Bundle
    from gaoxin.catalog.tests.factories import department, zone

    bundle = Bundle.objects.create(code="startup-one", name="企业开办一件事", zone=zone(), lead_department=department(),
                                   promised_limit=1)
    founder = UserFactory(role=Role.ENTERPRISE, id_number="430302199001011234")
    client.force_login(founder)
    html = client.get("/").content.decode()
    assert 'data-testid="founder-next-step"' in html and reverse("guide_bundle", args=[bundle.code]) in html


@pytest.mark.django_db
def test_a_founder_is_not_offered_firm_pages(client):
    founder = UserFactory(role=Role.ENTERPRISE, id_number="430302199001011234")
    client.force_login(founder)
    html = client.get("/").content.decode()
    for name in ("enterprise_index", "my_policies", "appeal_index", "order_index", "evaluation_my_report"):
        assert f'href="{reverse(name)}"' not in html, name
    assert reverse("case_queue", args=["mine"]) in html and reverse("guide_index") in html


@pytest.mark.django_db
def test_pages_vary_on_htmx_so_back_shows_the_whole_page(client):
    """A fragment answered to htmx and the page answered to the browser share an address: the response must
    vary on HX-Request or the Back button shows the cached fragment."""
    full = client.get("/guide/?q=社保")
    fragment = client.get("/guide/?q=社保", HTTP_HX_REQUEST="true")
    assert "HX-Request" in full["Vary"] and "HX-Request" in fragment["Vary"]
    assert "<nav" in full.content.decode() and "<nav" not in fragment.content.decode()


@pytest.mark.django_db
def test_the_economic_bureau_gets_an_evaluation_card(client, settings):
    from gaoxin.catalog.tests.factories import department

    bureau = department(settings.GAOXIN_EVALUATION_DEPARTMENT_CODE, "经济发展局")
    client.force_login(UserFactory(role=Role.DEPT_OFFICER, org_unit=bureau))
    html = client.get("/").content.decode()
    assert f'href="{reverse("evaluation_index")}"' in html and html.count("亩产效益评价</h2>") == 1

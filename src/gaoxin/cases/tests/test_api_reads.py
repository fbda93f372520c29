"""The enterprise's reads under load (issue 17): the case detail API, the case list API and the public tracking page
keep their query budgets exactly, and read only the columns they show (`.only()`: a column the answer needs and the
list lacks would cost one more query, and these counts would catch it)."""

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.cases import services

APPROVAL = {"opinion": "申请材料齐全，符合法定条件、标准。", "licence_number": "湘高新许字〔2026〕第0012号",
            "legal_basis": "《中华人民共和国行政许可法》第三十八条第一款"}
POST = {"method": "post", "postal_recipient": "王磊", "postal_phone": "13812345678",
        "postal_address": "湖南省湘潭市岳塘区芙蓉中路9号", "tracking_number": "SF1400012345"}


@pytest.fixture
def delivered(item, submit, clerk_user, officer):
    """A case with every part the detail shows: a decision of the department, a delivery by post, a timeline."""
    case = services.case_transition(case=submit(item), name="ACCEPT", actor=clerk_user)
    case = services.case_transition(case=case, name="START_REVIEW", actor=officer)
    case = services.case_transition(case=case, name="APPROVE", actor=officer, **APPROVAL)
    return services.case_transition(case=case, name="DELIVER", actor=clerk_user, **POST)


@pytest.fixture
def token_client(enterprise_user):
    return Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=enterprise_user).key}")


def test_the_case_detail_api_answers_in_four_queries(delivered, token_client, django_assert_num_queries):
    # The token with its user, the firms the user acts for, the case with its relations, its timeline.
    with django_assert_num_queries(4):
        response = token_client.get(f"/api/v1/cases/{delivered.number}/")
    assert response.status_code == 200
    body = response.json()
    assert body["decision"]["licence_number"] == APPROVAL["licence_number"]
    assert body["decision"]["department"] == delivered.department.name and body["decision"]["result_file"] is False
    assert (body["delivery_method"], body["postal_recipient"], body["tracking_number"]) == \
        ("post", POST["postal_recipient"], POST["tracking_number"])
    assert [e["transition"] for e in body["timeline"]] == ["SUBMIT", "ACCEPT", "START_REVIEW", "APPROVE", "DELIVER"]
    assert body["title"] == delivered.version.name and body["item"] == delivered.item.implementation_code


def test_the_case_detail_api_with_a_session_adds_only_the_session_and_its_user(delivered, enterprise_client,
                                                                                django_assert_num_queries):
    with django_assert_num_queries(5):
        assert enterprise_client.get(f"/api/v1/cases/{delivered.number}/").status_code == 200


def test_a_filtered_detail_still_reads_through_the_list_scope(delivered, token_client, django_assert_num_queries):
    """?status= on a detail filters as it always did (another status: not found)."""
    with django_assert_num_queries(4):
        assert token_client.get(f"/api/v1/cases/{delivered.number}/?status=delivered").status_code == 200
    assert token_client.get(f"/api/v1/cases/{delivered.number}/?status=received").status_code == 404


def test_the_case_list_api_reads_in_four_queries_whatever_its_length(item, submit, token_client,
                                                                      django_assert_num_queries):
    submit(item)
    for expected in (1, 4):
        # The token with its user, the firms, the count, the page.
        with django_assert_num_queries(4):
            response = token_client.get("/api/v1/cases/")
        assert response.json()["count"] == expected
        for _ in range(3):
            submit(item)
    assert {row["title"] for row in response.json()["results"]} == {item.current_version.name}


def test_public_tracking_reads_the_case_and_its_timeline_only(delivered, own_enterprise, django_assert_num_queries):
    client = Client()
    with django_assert_num_queries(2):
        response = client.post("/track/", {"number": delivered.number, "identity": own_enterprise.uscc})
    page = response.content.decode()
    assert 'data-testid="track-result"' in page and delivered.version.name in page and "SF1400012345" in page
    assert delivered.department.name in page
    with django_assert_num_queries(1):
        response = client.post("/track/", {"number": delivered.number, "identity": "91430300MA4L000000"})
    assert 'data-testid="track-not-found"' in response.content.decode()


def test_the_compiled_detail_read_answers_as_the_scoped_queryset_for_every_role(
        delivered, item, submit, enterprise_user, other_enterprise, officer, other_officer, clerk_user, leader_user):
    """The detail's compiled statements (core.statements) against the queryset path (`?status=` reads through
    `get_queryset`): the same answer, or the same 404, for each role in and out of the case's scope."""
    outsider = UserFactory(role=Role.ENTERPRISE, username="outsider")
    outsider.enterprise_memberships.create(enterprise=other_enterprise)
    lone = UserFactory(role=Role.ENTERPRISE, username="lone")  # no firm: only cases it filed itself
    agent = UserFactory(role=Role.AGENT, username="agent")
    unplaced = UserFactory(role=Role.DEPT_OFFICER, username="unplaced", org_unit=None)
    expected = {"ent": 200, "outsider": 404, "lone": 404, "agent": 404, "unplaced": 404, "market-officer": 200,
                "tax-officer": 404, "clerk": 200, "leader": 200}
    for user in (enterprise_user, outsider, lone, agent, unplaced, officer, other_officer, clerk_user, leader_user):
        client = Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
        compiled = client.get(f"/api/v1/cases/{delivered.number}/")
        scoped = client.get(f"/api/v1/cases/{delivered.number}/?status={delivered.status}")
        assert (compiled.status_code, scoped.status_code) == (expected[user.username],) * 2, user.username
        assert compiled.json() == scoped.json(), user.username
    filed = submit(item, actor=lone)  # what a user filed itself is in its scope, whatever the firm
    client = Client(HTTP_AUTHORIZATION=f"Token {Token.objects.get(user=lone).key}")
    assert client.get(f"/api/v1/cases/{filed.number}/").json()["number"] == filed.number

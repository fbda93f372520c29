"""Pages for a logged-in user, and the public tracking answer, are kept by no browser or proxy (issue 15 §2:
pages with personal data were cacheable on shared hall computers); public pages stay cacheable."""

import pytest

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/appeals/", "/cases/", "/notifications/", "/api/v1/cases/"])
def test_a_logged_in_users_pages_are_not_stored(client, url):
    client.force_login(UserFactory(role=Role.WINDOW_CLERK))
    response = client.get(url)
    assert response.status_code == 200, url
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


@pytest.mark.django_db
def test_public_pages_may_be_cached_but_the_tracking_answer_is_not(client):
    assert "no-store" not in client.get("/guide/").get("Cache-Control", "")
    tracked = client.post("/track/", {"number": "GX2026010100001", "identity": "11010519491231002X"})
    assert "no-store" in tracked["Cache-Control"]

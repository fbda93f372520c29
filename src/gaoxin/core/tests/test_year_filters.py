"""A `year` filter no date can have (a guessed 32767, a 0) is no filter, on the pages and in the API alike: the
database's year bounds are built from a date, and such a year made them fail (a 500 found by the API contract
test on /api/v1/training-sessions/)."""

import pytest
from django.test import Client

from gaoxin.core.validators import year_param


def test_a_year_a_date_can_have_or_none():
    assert [year_param(v) for v in ("2026", " 2026 ", "1", "9999")] == [2026, 2026, 1, 9999]
    assert [year_param(v) for v in ("32767", "0", "", None, "二〇二六", "-5", "20.5")] == [None] * 7


@pytest.mark.parametrize("path", ["/api/v1/training-sessions/", "/api/v1/talent-benefit-claims/",
                                  "/stations/training/", "/talent-benefits/", "/coaching/",
                                  "/station-areas/"])
def test_an_impossible_year_is_no_filter(leader_user, path):
    client = Client()
    client.force_login(leader_user)
    assert client.get(path, {"year": "32767"}).status_code == 200
    assert client.get(path, {"year": "0"}).status_code == 200
    assert client.get(path, {"year": "-5"}).status_code == 200

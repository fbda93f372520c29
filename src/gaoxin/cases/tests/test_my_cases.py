"""An enterprise's 我的办件: open cases first, newest first within each group, then closed ones;
the page costs the same number of queries for 2 cases as for 40."""

import datetime as dt

import pytest
from django.utils import timezone

from gaoxin.cases.models import Case, Status


def aged(case, *, days_ago: int, status: str) -> Case:
    Case.objects.filter(pk=case.pk).update(status=status, created_at=timezone.now() - dt.timedelta(days=days_ago))
    return case


@pytest.mark.parametrize("url", ["/cases/", "/cases/queue/mine/", "/api/v1/cases/"])
def test_open_cases_come_first_newest_first_in_each_group(url, enterprise_client, item, submit):
    closed_old = aged(submit(item), days_ago=40, status=Status.DELIVERED)
    open_old = aged(submit(item), days_ago=30, status=Status.IN_REVIEW)
    closed_new = aged(submit(item), days_ago=2, status=Status.WITHDRAWN)
    decided = aged(submit(item), days_ago=5, status=Status.DECIDED_OK)  # result not yet delivered: still open
    open_new = aged(submit(item), days_ago=1, status=Status.RECEIVED)
    expected = [open_new, decided, open_old, closed_new, closed_old]
    content = enterprise_client.get(url).content.decode()
    positions = [content.index(c.number) for c in expected]
    assert positions == sorted(positions)


@pytest.mark.parametrize("url", ["/cases/", "/cases/queue/mine/"])
def test_a_refusal_and_cases_loaded_from_earlier_years_are_listed_as_closed(url, enterprise_client, item, submit):
    """QA walk: the demo enterprise's top row was a refusal received months ago but loaded (created) today."""
    loaded_refusal = submit(item)
    Case.objects.filter(pk=loaded_refusal.pk).update(status=Status.DECIDED_REFUSED,
                                                     received_on=timezone.localdate() - dt.timedelta(days=90))
    loaded_delivered = submit(item)
    Case.objects.filter(pk=loaded_delivered.pk).update(status=Status.DELIVERED,
                                                       received_on=timezone.localdate() - dt.timedelta(days=30))
    open_case = aged(submit(item), days_ago=3, status=Status.IN_REVIEW)
    refused_today = aged(submit(item), days_ago=1, status=Status.DECIDED_REFUSED)
    expected = [open_case, refused_today, loaded_delivered, loaded_refusal]
    content = enterprise_client.get(url).content.decode()
    positions = [content.index(c.number) for c in expected]
    assert positions == sorted(positions)


def test_staff_queues_keep_newest_first(clerk_client, item, submit):
    closed_new = aged(submit(item), days_ago=1, status=Status.DELIVERED)
    open_old = aged(submit(item), days_ago=9, status=Status.RECEIVED)
    content = clerk_client.get("/cases/").content.decode()
    assert content.index(closed_new.number) < content.index(open_old.number)


def test_my_cases_query_count_is_constant(enterprise_client, item, submit, django_assert_max_num_queries):
    def load(expected: int):
        with django_assert_max_num_queries(10):
            response = enterprise_client.get("/cases/")
        assert response.status_code == 200 and f"共 {expected} 件" in response.content.decode()

    aged(submit(item), days_ago=3, status=Status.DELIVERED)
    submit(item)
    load(2)
    for n in range(38):
        aged(submit(item), days_ago=n, status=Status.DELIVERED if n % 3 else Status.IN_REVIEW)
    load(40)

"""Page flags provided by higher rooms to a lower room's page."""

import pytest
from django.urls import reverse

from gaoxin.core import hooks


def test_flags_merge_providers_for_their_page_only():
    hooks.provide("test.page", lambda user, **ctx: {"a": user, "seen": ctx.get("thing")})
    hooks.provide("test.page", lambda user, **ctx: {"b": 2})
    assert hooks.flags("test.page", "u", thing=1) == {"a": "u", "seen": 1, "b": 2}
    assert hooks.flags("test.other", "u") == {}


@pytest.mark.django_db
def test_the_guide_and_the_firm_page_show_other_rooms_links(clerk_client, enterprise_client, own_enterprise, admin_user):
    from gaoxin.catalog.tests.factories import make_item

    item = make_item(admin_user)
    assert reverse("case_intake", args=[item.implementation_code]) in clerk_client.get(
        reverse("guide_detail", args=[item.implementation_code])).content.decode()  # cases' 登记接件
    page = enterprise_client.get(reverse("enterprise_detail", args=[own_enterprise.pk])).content.decode()
    assert reverse("profile_edit", args=[own_enterprise.pk]) in page  # benefits' 企业画像

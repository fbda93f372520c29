"""Issue 15 §3: a contact phone the appeal page refuses, the API refuses with the same message (digits of other
scripts after a leading ASCII one used to pass both: Python's \\d matches them)."""

import pytest

from gaoxin.appeals.models import Appeal

BAD_PHONES = ["1", "1３９１２３４５６７８", "0٧٣١-٨٨٨٨٨٨٨٨"]


def appeal(enterprise, phone: str) -> dict:
    return {"uscc": enterprise.uscc, "category": "financing", "request_type": "help", "title": "贷款难",
            "description": "需要流动资金", "contact_name": "李", "contact_phone": phone}


@pytest.mark.parametrize("phone", BAD_PHONES)
def test_a_bad_phone_is_refused_by_the_page_and_the_api_alike(enterprise_client, own_enterprise, phone):
    page = enterprise_client.post("/appeals/new/", appeal(own_enterprise, phone))
    assert page.status_code == 200 and page.context["form"].errors["contact_phone"] == ["请填写正确的手机号或座机号"]
    api = enterprise_client.post("/api/v1/appeals/", appeal(own_enterprise, phone), content_type="application/json")
    assert api.status_code == 400 and api.json() == {"contact_phone": ["请填写正确的手机号或座机号"]}
    assert not Appeal.objects.exists()


def test_a_landline_with_its_area_code_is_taken_by_both(enterprise_client, own_enterprise):
    assert enterprise_client.post("/api/v1/appeals/", appeal(own_enterprise, "0731-58888888"),
                                  content_type="application/json").status_code == 201

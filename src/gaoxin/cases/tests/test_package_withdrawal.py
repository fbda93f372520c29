"""A 一件事 withdrawn as a whole by its applicant before acceptance (QA walk: the package page offered no action,
撤件 existed only on each child): every child withdrawn, one audit event per state change, the package following;
its children are listed in the bundle's order."""

import pytest
from django.core.exceptions import ValidationError

from gaoxin.cases import services
from gaoxin.cases.models import Case, Status
from gaoxin.core.models import AuditEvent


def test_the_applicant_withdraws_the_package_from_its_page(enterprise_client, enterprise_user, file_package):
    package = file_package(actor=enterprise_user, channel="web")
    children = list(package.children.order_by("id"))
    html = enterprise_client.get(f"/cases/{package.number}/").content.decode()
    assert 'data-testid="action-withdraw_package"' in html and "撤件（整件撤回一件事）" in html
    # A reason is asked beside the field, what was typed kept.
    refused = enterprise_client.post(f"/cases/{package.number}/act/", {"name": "WITHDRAW_PACKAGE", "reason": " "})
    assert "需要填写原因或说明" in refused.content.decode()
    assert Case.objects.get(pk=package.pk).status == Status.RECEIVED
    audits = AuditEvent.objects.count()
    response = enterprise_client.post(f"/cases/{package.number}/act/", {"name": "WITHDRAW_PACKAGE",
                                                                        "reason": "公司名称需调整，重新申请"})
    assert response.status_code == 302
    package.refresh_from_db()
    assert package.status == Status.WITHDRAWN_PRE
    assert [Case.objects.get(pk=c.pk).status for c in children] == [Status.WITHDRAWN_PRE] * 2
    events = list(AuditEvent.objects.order_by("id")[audits:].values_list("event_type", "subject_id"))
    assert events == [("case.withdraw_pre", str(children[0].pk)), ("case.withdraw_pre", str(children[1].pk)),
                      ("case.withdraw_package", str(package.pk))]
    assert package.events.last().data == {"children": [c.number for c in children]}
    assert 'data-testid="action-withdraw_package"' not in enterprise_client.get(f"/cases/{package.number}/").content.decode()


def test_a_package_is_not_withdrawn_as_a_whole_once_accepted(file_package, clerk_user, enterprise_user):
    package = services.package_accept(package=file_package(actor=enterprise_user, channel="web"), actor=clerk_user)
    assert package.status == Status.ACCEPTED
    with pytest.raises(ValidationError, match="不能“撤件（整件撤回一件事）”"):
        services.case_transition(case=package, name="WITHDRAW_PACKAGE", actor=enterprise_user, reason="不办了")


def test_single_steps_are_not_applied_to_a_package(file_package, clerk_user):
    package = file_package()
    with pytest.raises(ValidationError, match="一件事在各子件上办理"):
        services.case_transition(case=package, name="WITHDRAW_PRE", actor=clerk_user, reason="不办了")
    assert Case.objects.get(pk=package.pk).status == Status.RECEIVED


def test_children_withdrawn_one_by_one_leave_the_package_withdrawn(file_package, enterprise_user):
    package = file_package()
    for child in package.children.order_by("id"):
        services.case_transition(case=child, name="WITHDRAW_PRE", actor=enterprise_user, reason="不办了")
    package.refresh_from_db()
    assert package.status == Status.WITHDRAWN_PRE  # not 办结（准予）


def test_the_package_page_lists_children_in_the_bundles_order(enterprise_client, file_package):
    package = file_package()
    html = enterprise_client.get(f"/cases/{package.number}/").content.decode()
    assert html.index("企业设立登记</a>") < html.index("印章刻制备案</a>")


def test_the_api_withdraws_a_package_with_the_same_verb(enterprise_client, enterprise_user, file_package):
    package = file_package(actor=enterprise_user, channel="web")
    response = enterprise_client.post(f"/api/v1/cases/{package.number}/transition/",
                                      {"name": "WITHDRAW_PACKAGE", "reason": "重新申请"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == Status.WITHDRAWN_PRE

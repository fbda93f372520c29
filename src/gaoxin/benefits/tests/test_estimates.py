"""An estimate is a number only when every input of the policy's formula is known. A match whose amount
depends on data the firm has not supplied says "待完善数据后测算" — on the department's list, the firm's list,
the policy page and in the API (null with the reason) — never the cap (min(x, 50) with x unknown is not
50) nor 0.00 (max(x - y, 0) with x unknown is not 0)."""

import datetime as dt
from decimal import Decimal as D

import polars as pl
import pytest

from gaoxin.benefits.fields import PERSON_FIELDS
from gaoxin.benefits.matching import PolicyRule, add_derived, add_person_columns, match
from gaoxin.benefits.models import MatchResult, Policy, ProfileFact
from gaoxin.benefits.rules import compile_rule, evaluate_row
from gaoxin.catalog.tests.factories import department
from gaoxin.enterprises.models import QualificationKind
from gaoxin.enterprises.tests.factories import QualificationFactory

from .test_flow import publish

GREEN_LOAN = dict(rule="has('绿色工厂') and green_loan_need > 0", formula="min(green_loan_need * 0.01, 50)", cap=D(50))
TALENT = dict(rule="iit_paid > personal_taxable_income * 0.15", formula="max(iit_paid - personal_taxable_income * 0.15, 0)",
              cap=None)


def _estimate(policy: dict, **fields):
    row = {"enterprise_id": 1, "qualifications": fields.pop("qualifications", []),
           **{k: D(str(v)) for k, v in fields.items()}}
    frame = add_derived(pl.DataFrame([row], strict=False))
    formula = compile_rule(policy["formula"], kind="formula")
    result = match(frame, [PolicyRule(1, compile_rule(policy["rule"]), formula, policy["cap"])])
    return result.row(0, named=True)


@pytest.mark.parametrize("text", ["min(green_loan_need * 0.01, 50)", "max(ui_paid, 1) * 0.6"])
def test_min_and_max_of_an_unknown_are_unknown_as_row_by_row(text):
    formula = compile_rule(text, kind="formula")
    frame = add_derived(pl.DataFrame([{"enterprise_id": 1, "taxable_income": D(100)}], strict=False))
    assert frame.select(formula.expr.alias("v"))["v"].to_list() == [None] == [evaluate_row(formula, frame.row(0, named=True))]


def test_a_partial_match_waiting_for_the_formulas_data_has_no_amount():
    partial = _estimate(GREEN_LOAN, qualifications=["绿色工厂"])
    assert partial["verdict"] == "partial" and partial["estimate"] is None  # was the cap, 50
    assert partial["estimate_missing"] == 1  # the formula's first (only) field: green_loan_need
    known = _estimate(GREEN_LOAN, qualifications=["绿色工厂"], green_loan_need=1200)
    assert known["verdict"] == "eligible" and known["estimate"] == D(12)
    # A person policy (P13) the same way: the IIT paid not known, no amount (was 0.00).
    formula = compile_rule(TALENT["formula"], kind="formula", fields=PERSON_FIELDS)
    frame = add_person_columns(pl.DataFrame([{"talent_id": 1, "personal_taxable_income": D(100)}], strict=False))
    result = match(frame, [PolicyRule(1, compile_rule(TALENT["rule"], fields=PERSON_FIELDS), formula, None)],
                   key="talent_id").row(0, named=True)
    assert result["verdict"] == "partial" and result["estimate"] is None
    assert frame.select(formula.expr.alias("v"))["v"].to_list() == [None] == [evaluate_row(formula, frame.row(0, named=True))]


@pytest.fixture
def green_policy(db, admin_user, own_enterprise, enterprise_user, other_enterprise, django_capture_on_commit_callbacks):
    """G1 on two green factories: ours has not said how much it would borrow, the other has (its users told)."""
    for firm in (own_enterprise, other_enterprise):
        QualificationFactory(enterprise=firm, kind=QualificationKind.GREEN_FACTORY, valid_to=dt.date(2099, 1, 1))
    ProfileFact.objects.create(enterprise=other_enterprise, field="green_loan_need", number=D(800))
    policy = Policy.objects.create(code="g1", title="绿色工厂绿色信贷贴息", issuer=department("finance", "财政局"),
                                   kind="finance", mode="apply", rule=GREEN_LOAN["rule"], formula=GREEN_LOAN["formula"],
                                   amount_cap=D(50), effective_from=dt.date(2024, 1, 1))
    publish(policy, admin_user, django_capture_on_commit_callbacks)
    return policy


def test_the_stored_match_says_what_the_amount_waits_for(green_policy, own_enterprise, other_enterprise):
    ours = MatchResult.objects.get(policy=green_policy, enterprise=own_enterprise)
    assert ours.verdict == "partial" and ours.estimate is None and ours.estimate_pending
    assert ours.estimate_note == "待完善数据后测算（缺：绿色信贷需求）"
    theirs = MatchResult.objects.get(policy=green_policy, enterprise=other_enterprise)
    assert theirs.estimate == D(8) and not theirs.estimate_pending and theirs.estimate_note is None


def test_the_push_names_no_amount_either(green_policy, enterprise_user):
    from gaoxin.core.models import Notification

    told = Notification.objects.get(user=enterprise_user, kind="POLICY_MATCH").message
    assert "金额待完善数据后测算" in told and "万元" not in told


def test_the_departments_list_shows_no_amount_for_the_partial_match(green_policy, admin_client):
    html = admin_client.get("/policies/g1/").content.decode()
    table = html[html.index("匹配企业"):]
    assert "50.00" not in table and "待完善数据后测算" in table and "8.00" in table


def test_the_firms_list_and_policy_page_show_no_amount(green_policy, enterprise_client):
    mine = enterprise_client.get("/policies/mine/").content.decode()
    assert "待完善数据后测算" in mine and "预计约" not in mine
    page = enterprise_client.get("/policies/g1/").content.decode()
    assert "待完善数据后测算（缺：绿色信贷需求）" in page and "预计可享受约" not in page


def test_the_api_gives_null_with_the_reason(green_policy, enterprise_client, admin_client):
    mine = enterprise_client.get("/api/v1/policy-matches/").json()["results"]
    assert [(m["estimate"], m["estimate_note"]) for m in mine] == [(None, "待完善数据后测算（缺：绿色信贷需求）")]
    listed = {m["estimate"]: m["estimate_note"] for m in admin_client.get("/api/v1/policies/g1/matches/").json()["results"]}
    assert listed == {None: "待完善数据后测算（缺：绿色信贷需求）", "8.0000": None}


def test_per_firm_estimates_are_for_the_policys_department_only(green_policy, clerk_client, leader_client, client):
    """Issue 15 §2: every member of staff read every firm's match and estimate; now the counts for them, the
    firms and amounts for the policy's department (and the administrator)."""
    from gaoxin.accounts.models import Role
    from gaoxin.accounts.tests.factories import UserFactory
    from gaoxin.catalog.tests.factories import department

    for other in (clerk_client, leader_client):
        html = other.get("/policies/g1/").content.decode()
        assert "匹配企业：符合 1 家" in html and "8.00" not in html and "仅政策主管部门和管理员可查看" in html
        assert other.get("/api/v1/policies/g1/matches/").status_code == 403
    client.force_login(UserFactory(role=Role.DEPT_OFFICER, org_unit=green_policy.issuer))
    assert "8.00" in client.get("/policies/g1/").content.decode()
    client.force_login(UserFactory(role=Role.DEPT_OFFICER, org_unit=department("tax", "税务局")))
    assert "8.00" not in client.get("/policies/g1/").content.decode()

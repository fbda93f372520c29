"""Policies whose subject is a person (issue 19 item 7): written and checked against the person fields, never
matched against firms nor applied for by a firm; a P13 stored as a firm policy is moved to persons by migration."""

import datetime as dt
from decimal import Decimal as D
from importlib import import_module

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from gaoxin.benefits import services
from gaoxin.benefits.models import MatchResult, Policy, PolicyStatus, ProfileFact
from gaoxin.catalog.tests.factories import department

pytestmark = pytest.mark.django_db


def test_a_person_policy_is_written_with_person_fields(admin_client):
    hrss = department("hrss", "人社局")
    data = {"code": "rc-x", "title": "青年人才补贴", "subject": "person", "issuer": hrss.pk, "level": "zone",
            "kind": "subsidy", "mode": "apply", "effective_from": "2026-01-01"}
    refused = admin_client.post("/policies/new/", {**data, "rule": "revenue >= 100"})
    assert refused.status_code == 200 and "该字段属于另一类对象" in refused.content.decode()
    saved = admin_client.post("/policies/new/", {**data, "rule": "has('车城人才') and education == '博士研究生'"})
    assert saved.status_code == 302 and Policy.objects.get(code="rc-x").subject == "person"
    page = admin_client.get("/policies/rc-x/").content.decode()
    assert "具有“车城人才”" in page and "学历 为 “博士研究生”" in page and "人才待遇事项" in page


def test_firms_are_never_matched_on_a_person_policy_nor_apply_for_one(own_enterprise, enterprise_user):
    policy = Policy.objects.create(code="p13", title="个税奖补", subject="person", issuer=department("finance", "财政局"),
                                   kind="subsidy", mode="apply", rule="iit_paid > personal_taxable_income * 0.15",
                                   effective_from=dt.date(2024, 1, 1), status=PolicyStatus.PUBLISHED)
    assert services.match_write(policies=[policy]) == {"matched": 0, "partial": 0, "pushed": 0}
    assert not MatchResult.objects.exists()
    with pytest.raises(ValidationError, match="该政策面向人才个人"):
        services.application_create(policy=policy, enterprise=own_enterprise, actor=enterprise_user,
                                    bank_account="湘潭银行 6222 0012 3456 7890")


def test_migration_moves_a_firm_p13_to_persons(own_enterprise):
    migration = import_module("gaoxin.benefits.migrations.0007_p13_person_policy")
    policy = Policy.objects.create(code="p13", title="个税奖补", issuer=department("finance", "财政局"), kind="subsidy",
                                   mode="apply", rule="iit_paid > talent_taxable_income * 0.15",
                                   formula="max(iit_paid - talent_taxable_income * 0.15, 0)",
                                   effective_from=dt.date(2024, 1, 1), status=PolicyStatus.PUBLISHED)
    other = Policy.objects.create(code="p11", title="扩岗", issuer=policy.issuer, kind="subsidy", mode="fast",
                                  rule="eligible_new_hires >= 1", effective_from=dt.date(2024, 1, 1))
    MatchResult.objects.create(enterprise=own_enterprise, policy=policy, verdict="partial", pass_ratio=0,
                               policy_version=1, rule_digest="x")
    ProfileFact.objects.create(enterprise=own_enterprise, field="talent_taxable_income", number=D(100))
    migration.forwards(apps, None)
    policy.refresh_from_db()
    other.refresh_from_db()
    assert policy.subject == "person" and policy.rule == "iit_paid > personal_taxable_income * 0.15"
    assert policy.formula == "max(iit_paid - personal_taxable_income * 0.15, 0)" and other.subject == "enterprise"
    assert not MatchResult.objects.filter(policy=policy).exists()
    assert not ProfileFact.objects.filter(field="talent_taxable_income").exists()
    services.check_rule_text(policy.rule, policy.formula, policy.subject)  # reads back under the person fields

"""The zone's list of restricted and prohibited industries (issue 24): how a firm's industry code is read against
it, the registry field the rules use, and the audited administration page."""

import pytest
from django.urls import reverse

from gaoxin.benefits.industries import restricted_flag
from gaoxin.benefits.models import RestrictedIndustry
from gaoxin.benefits.selectors import profile_frame
from gaoxin.core.models import AuditEvent
from gaoxin.enterprises.tests.factories import EnterpriseFactory


@pytest.mark.parametrize(("code", "entries", "expected"), [
    ("3011", ["30"], True),  # the division covers its classes
    ("3011", ["3011"], True),
    ("3012", ["3011"], False),
    ("3011", ["25", "3012"], False),
    ("30", ["3011"], None),  # known only to the division: it may or may not be a 3011
    ("30", ["30"], True),
    ("", ["30"], None),  # no code: UNKNOWN, never "not restricted"
    (None, [], None),
    ("3011", [], False),
])
def test_a_code_against_the_list(code, entries, expected):
    assert restricted_flag(code, entries) is expected


@pytest.mark.django_db
def test_the_profile_reads_the_active_entries():
    coke = EnterpriseFactory(industry_code="2521")
    other = EnterpriseFactory(industry_code="3911")
    RestrictedIndustry.objects.create(code="2521", name="炼焦", kind="restricted", basis="《产业结构调整指导目录》限制类")
    RestrictedIndustry.objects.create(code="39", name="停用的条目", is_active=False)
    frame = profile_frame([coke.pk, other.pk])
    flags = dict(zip(frame["enterprise_id"].to_list(), frame["restricted_industry"].to_list(), strict=True))
    assert flags == {coke.pk: True, other.pk: False}


@pytest.mark.django_db
def test_the_list_is_kept_in_the_administration_with_one_audit_event_per_change(admin_client):
    url = reverse("admin:benefits_restrictedindustry_add")
    bad = admin_client.post(url, {"code": "30a", "name": "水泥", "kind": "restricted"})
    assert bad.status_code == 200 and "请填写2至4位国民经济行业分类代码" in bad.content.decode()
    before = AuditEvent.objects.count()
    assert admin_client.post(url, {"code": "3011", "name": "水泥制造", "kind": "restricted", "is_active": "on"}).status_code == 302
    row = RestrictedIndustry.objects.get()
    assert AuditEvent.objects.count() == before + 1
    assert AuditEvent.objects.latest("pk").event_type == "benefits.restricted_industry.create"
    admin_client.post(reverse("admin:benefits_restrictedindustry_change", args=[row.pk]),
                      {"code": "3011", "name": "水泥制造", "kind": "prohibited", "is_active": "on"})
    assert AuditEvent.objects.count() == before + 2 and RestrictedIndustry.objects.get().kind == "prohibited"


@pytest.mark.django_db
def test_a_change_of_the_list_matches_the_published_policies_again(own_enterprise, admin_user, admin_client,
                                                                    django_capture_on_commit_callbacks):
    from gaoxin.benefits import services
    from gaoxin.benefits.models import MatchResult
    from gaoxin.benefits.policy_data import POLICIES
    from gaoxin.core.models import Job

    from .test_flow import facts, make_policy

    type(own_enterprise).objects.filter(pk=own_enterprise.pk).update(industry_code="3011")
    facts(own_enterprise, taxable_income=120, avg_staff=90, avg_assets=3000)
    rule = dict((p[0], p[7]) for p in POLICIES)["P5"]
    policy = make_policy(_tax(), code="p5", mode="inform", rule=rule, formula="taxable_income * 0.20")
    with django_capture_on_commit_callbacks(execute=True):
        services.policy_publish(policy=policy, actor=admin_user)
    assert MatchResult.objects.filter(policy=policy, enterprise=own_enterprise).exists()
    with django_capture_on_commit_callbacks(execute=True):
        answer = admin_client.post(reverse("admin:benefits_restrictedindustry_add"),
                                   {"code": "3011", "name": "水泥制造", "kind": "restricted", "is_active": "on"},
                                   follow=True)
    assert "已按新的清单在后台重新匹配全部已发布的政策" in answer.content.decode()
    assert Job.objects.filter(kind="policy_match").count() == 2  # publishing, then the list's change
    assert not MatchResult.objects.filter(policy=policy, enterprise=own_enterprise).exists()


@pytest.mark.django_db
def test_a_firm_in_a_restricted_industry_is_told_why_it_does_not_qualify(own_enterprise, enterprise_client, admin_user,
                                                                          django_capture_on_commit_callbacks):
    from gaoxin.benefits import services
    from gaoxin.benefits.policy_data import POLICIES

    from .test_flow import facts, make_policy

    Enterprise = type(own_enterprise)
    Enterprise.objects.filter(pk=own_enterprise.pk).update(industry_code="3011")
    RestrictedIndustry.objects.create(code="3011", name="水泥制造", kind="restricted", basis="《产业结构调整指导目录》限制类")
    quarters = {f"staff_q{q}_{e}": 90 for q in (1, 2, 3, 4) for e in ("start", "end")}
    facts(own_enterprise, taxable_income=120, avg_assets=3000, **quarters)
    rule = dict((p[0], p[7]) for p in POLICIES)["P5"]
    policy = make_policy(_tax(), code="p5", mode="inform",
                         rule=rule, formula="taxable_income * 0.20")
    with django_capture_on_commit_callbacks(execute=True):
        services.policy_publish(policy=policy, actor=admin_user)
    page = enterprise_client.get(reverse("policy_detail", args=["p5"])).content.decode()
    assert 'data-testid="refusal"' in page and "<li>属于国家限制和禁止行业</li>" in page
    assert "本企业行业代码 3011 属于园区限制和禁止行业清单中的“3011 水泥制造”（限制类，《产业结构调整指导目录》限制类）" in page
    assert "应纳税所得额" not in page.split('data-testid="refusal"')[1].split("</ul>")[0]  # only the unmet condition
    RestrictedIndustry.objects.all().delete()  # off the list: matched (the staff figures from the quarters: 90)
    with django_capture_on_commit_callbacks(execute=True):
        services.profile_update(enterprise=own_enterprise, values={"taxable_income": 100}, actor=admin_user)
    page = enterprise_client.get(reverse("policy_detail", args=["p5"])).content.decode()
    assert 'data-testid="my-match"' in page and 'data-testid="refusal"' not in page


def _tax():
    from gaoxin.catalog.tests.factories import department

    return department("tax", "税务局")


@pytest.mark.django_db
def test_the_firm_records_its_quarters_in_one_table_and_a_bad_one_keeps_what_was_typed(own_enterprise, enterprise_client):
    from gaoxin.benefits.models import ProfileFact

    url = f"/policies/profile/{own_enterprise.pk}/"
    page = enterprise_client.get(url).content.decode()
    assert 'data-testid="quarterly"' in page and page.count('name="staff_q') == 8 and page.count('name="assets_q') == 8
    quarters = {f"staff_q{q}_{e}": "90" for q in (1, 2, 3, 4) for e in ("start", "end")}
    bad = enterprise_client.post(url, {**quarters, "assets_q3_end": "-5", "staff_q1_end": "abc", "staff_q2_end": "90.5",
                                       "taxable_income": "120"})
    body = bad.content.decode()
    # every error at once, beside its field
    assert bad.status_code == 200 and "第三季度末资产总额不能为负数" in body and "请填写数字" in body
    assert "第二季度末从业人数应为整数" in body and 'value="-5"' in body and 'value="abc"' in body
    assert not ProfileFact.objects.filter(enterprise=own_enterprise).exists()  # nothing half-written
    half = {f"assets_q{q}_{e}": "3000" for q in (1, 2) for e in ("start", "end")}
    saved = enterprise_client.post(url, {**quarters, **half, "taxable_income": "120"}, follow=True).content.decode()
    assert "季度资产总额不全（缺第三季度、第四季度），暂按填写的全年季度平均值判断" in saved
    assert "按季度计算的全年季度平均值（政策判断采用）：从业人数 90人" in saved
    frame = profile_frame([own_enterprise.pk])
    assert frame["avg_staff"].item() == 90 and frame["avg_assets"].item() is None  # assets' quarters incomplete


@pytest.mark.django_db
def test_the_list_takes_real_divisions_once(admin_client):
    url = reverse("admin:benefits_restrictedindustry_add")
    bad = admin_client.post(url, {"code": "9911", "name": "不存在的行业", "kind": "restricted", "is_active": "on"})
    assert "“99”不是国民经济行业分类（GB/T 4754）的大类代码" in bad.content.decode()
    assert admin_client.post(url, {"code": "3011", "name": "水泥制造", "kind": "restricted", "is_active": "on"}).status_code == 302
    again = admin_client.post(url, {"code": "3011", "name": "水泥制造", "kind": "restricted", "is_active": "on"})
    assert "该行业代码已在清单中" in again.content.decode() and RestrictedIndustry.objects.count() == 1

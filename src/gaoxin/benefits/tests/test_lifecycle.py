"""A firm's life-cycle stage (issue 25 item 6): the zone's ordered rules, the first that holds; a rule the data cannot
decide passes on; a wrong rule is refused naming its stage; the stage is a profile field policies and campaigns
read, and the firm's 一户式 page shows it."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from django.urls import reverse

from gaoxin.benefits.lifecycle import add_life_stage, compile_stages
from gaoxin.benefits.models import ProfileFact
from gaoxin.benefits.rules import NUMBER, RuleError
from gaoxin.benefits.selectors import profile_frame
from gaoxin.enterprises.tests.factories import EnterpriseFactory

STAGES = [("上市后备", "listing_reserve == True"), ("规上", "size_group == 'ABOVE'"),
          ("新设", "days_since_registration < 1095"), ("成长", "days_since_registration >= 1095")]


def test_the_first_stage_that_holds_and_unknown_passes_on():
    frame = pl.DataFrame({
        "listing_reserve": [True, None, None, False, None],
        "size_group": ["ABOVE", "ABOVE", "BELOW", "BELOW", None],
        "days_since_registration": [100, 100, 400, 5000, None],
    }, schema={"listing_reserve": pl.Boolean, "size_group": pl.String, "days_since_registration": NUMBER})
    out = add_life_stage(frame, compile_stages(STAGES))["life_stage"].to_list()
    # reserve beats size; unknown reserve passes to size; a young small firm; an old one; nothing known: no stage
    assert out == ["上市后备", "规上", "新设", "成长", None]


def test_a_wrong_rule_or_a_repeated_stage_is_refused_by_name():
    with pytest.raises(RuleError, match="生命周期阶段“成长”的条件有误"):
        compile_stages([("成长", "no_such_field > 1")])
    with pytest.raises(RuleError, match="重复"):
        compile_stages([("新设", "size_group == 'ABOVE'"), ("新设", "size_group == 'BELOW'")])
    with pytest.raises(RuleError, match="生命周期阶段“循环”的条件有误"):  # a stage cannot depend on the stage
        compile_stages([("循环", "life_stage == '新设'")])


@pytest.mark.django_db
def test_the_profile_carries_the_configured_stage_and_the_firm_page_shows_it(settings, client, admin_user):
    settings.GAOXIN_LIFE_STAGES = [list(s) for s in STAGES]
    today = dt.date.today()
    young = EnterpriseFactory(size_group="BELOW", registered_on=today - dt.timedelta(days=200))
    reserve = EnterpriseFactory(size_group="BELOW", registered_on=today - dt.timedelta(days=4000))
    ProfileFact.objects.create(enterprise=reserve, field="listing_reserve", flag=True)
    big = EnterpriseFactory(size_group="ABOVE", registered_on=today - dt.timedelta(days=4000))
    stages = dict(profile_frame([young.pk, reserve.pk, big.pk]).select("enterprise_id", "life_stage").iter_rows())
    assert stages == {young.pk: "新设", reserve.pk: "上市后备", big.pk: "规上"}
    # A rule may read it (a campaign's or a policy's): the rule language knows the field.
    from gaoxin.benefits.rules import compile_rule

    rule = compile_rule("life_stage == '新设'")
    hits = profile_frame([young.pk, big.pk]).filter(rule.expr.fill_null(False))["enterprise_id"].to_list()
    assert hits == [young.pk]
    client.force_login(admin_user)
    page = client.get(reverse("firm_view", args=[reserve.pk])).content.decode()
    assert 'data-testid="life-stage">生命周期：上市后备<' in page


def test_a_wrong_setting_is_said_by_the_system_check(settings):
    from gaoxin.benefits.apps import _check_life_stages

    assert _check_life_stages() == []
    settings.GAOXIN_LIFE_STAGES = [["成长", "revenue >"]]
    (error,) = _check_life_stages()
    assert error.id == "gaoxin.E_LIFE_STAGES" and "生命周期阶段“成长”的条件有误" in error.msg

"""Carbon-efficiency grade: the pure function against hand-computed vectors (emissions, intensity, industry or zone
benchmark, ratio, the four grades and their thresholds, the figures that are missing), then the page over the
evaluation's latest figures (staff all, a firm its own; filters; a constant query count)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.enterprises.tests.factories import EnterpriseFactory
from gaoxin.green import selectors
from gaoxin.green.carbon import CarbonParams, frame, grade_firms


def _row(i, industry, energy=None, power=None, sales=None, va=None):
    return {"enterprise_id": i, "industry": industry, "energy_tce": energy, "electricity_wan_kwh": power,
            "sales_wan": sales, "value_added_wan": va}


VECTOR = [
    # industry 38, five firms with value added 100 万元: intensity = energy × 2.66 ÷ 100; median 2.66 (energy 100)
    _row(1, "38", energy=79, va=100),    # 2.1014 ÷ 2.66 = 0.79 → 深绿
    _row(2, "38", energy=95, va=100),    # 0.95 → 浅绿
    _row(3, "38", energy=100, va=100),   # 1.00 → 浅绿 (upper bound included)
    _row(4, "38", energy=115, va=100),   # 1.15 → 黄
    _row(5, "38", energy=130, va=100),   # 1.30 → 红
    # industry 36, one firm: electricity 10 万kWh × 5.703 = 57.03 t over sales 200 → 0.28515; benchmarked against
    # the zone's median of the six intensities (2.527 + 2.66) ÷ 2 = 2.5935 → 0.10995 → 深绿
    _row(6, "36", power=10, sales=200),
    _row(7, "36"),                                   # no figures
    _row(8, "36", energy=10, sales=0, va=-5),        # no positive value added or sales
]


def test_grades_match_the_hand_computed_vector():
    out = grade_firms(frame(VECTOR)).to_dicts()
    by = {r["enterprise_id"]: r for r in out}
    assert [r["enterprise_id"] for r in out] == list(range(1, 9))
    assert by[1]["emissions_t"] == pytest.approx(210.14) and by[1]["intensity"] == pytest.approx(2.1014)
    assert {i: by[i]["benchmark"] for i in range(1, 6)} == pytest.approx(dict.fromkeys(range(1, 6), 2.66))
    assert [by[i]["ratio"] for i in range(1, 6)] == pytest.approx([0.79, 0.95, 1.0, 1.15, 1.3])
    assert [by[i]["grade"] for i in range(1, 7)] == ["dark_green", "light_green", "light_green", "yellow", "red",
                                                    "dark_green"]
    assert by[1]["benchmark_scope"] == "industry" and by[1]["basis"] == "value_added"
    assert by[6]["emissions_t"] == pytest.approx(57.03) and by[6]["basis"] == "sales"
    assert by[6]["benchmark_scope"] == "zone" and by[6]["benchmark"] == pytest.approx(2.5935)
    assert by[6]["ratio"] == pytest.approx(0.28515 / 2.5935)
    assert by[7]["grade"] is None and by[7]["note"] == "缺少综合能耗和用电量数据"
    assert by[8]["grade"] is None and by[8]["note"] == "缺少工业增加值和销售收入数据"


def test_thresholds_and_factors_are_parameters():
    out = grade_firms(frame(VECTOR[:5]), CarbonParams(thresholds=(0.9, 1.1, 1.2), factor_tce=1.0, min_peers=5))
    assert out["grade"].to_list() == ["dark_green", "light_green", "light_green", "yellow", "red"]
    assert out["intensity"].to_list() == pytest.approx([0.79, 0.95, 1.0, 1.15, 1.3])
    # Too few peers in the industry: the zone is the benchmark (the same five firms here).
    assert grade_firms(frame(VECTOR[:5]), CarbonParams(min_peers=6))["benchmark_scope"].unique().to_list() == ["zone"]
    with pytest.raises(ValueError):
        CarbonParams(thresholds=(1.2, 1.0, 0.8))


def test_a_zero_benchmark_grades_zero_intensity_dark_green():
    out = grade_firms(frame([_row(i, "38", energy=0, va=10) for i in range(5)] + [_row(9, "38", energy=1, va=10)]))
    assert out["grade"].to_list() == ["dark_green"] * 5 + ["red"]


def _figures(enterprise, year, **values):
    from gaoxin.evaluation.models import Cycle, CycleValue, Participant

    cycle = Cycle.objects.filter(data_year=year).first() or Cycle.objects.create(
        data_year=year, name=f"{year}年度评价", created_by=UserFactory(role=Role.ZONE_ADMIN))
    p, _ = Participant.objects.get_or_create(cycle=cycle, enterprise=enterprise, defaults={"group": "ABOVE"})
    for field, (reported, verified) in values.items():
        CycleValue.objects.create(participant=p, field=field, reported=reported, verified=verified)


def test_the_latest_year_and_the_verified_value_are_used(own_enterprise):
    _figures(own_enterprise, 2023, energy_tce=(999, None), value_added_wan=(1, None))
    _figures(own_enterprise, 2024, energy_tce=(50, 100), value_added_wan=(100, None))
    [row] = selectors.carbon_inputs()
    assert row["year"] == 2024 and row["energy_tce"] == 100 and row["value_added_wan"] == 100
    assert row["electricity_wan_kwh"] is None


def test_the_page_lists_grades_a_firm_sees_its_own_and_the_query_count_is_constant(client, enterprise_user,
                                                                                  own_enterprise, leader_user):
    _figures(own_enterprise, 2024, energy_tce=(100, None), value_added_wan=(100, None))
    client.force_login(leader_user)
    counts = []
    for n in (2, 12):
        while len(selectors.carbon_inputs()) < n:
            _figures(EnterpriseFactory(), 2024, energy_tce=(130, None), value_added_wan=(100, None))
        with CaptureQueriesContext(connection) as ctx:
            page = client.get(reverse("green_carbon")).content.decode()
        counts.append(len(ctx))
    assert counts[0] == counts[1]
    assert "湖南自家电工有限公司" in page and "深绿" in page and "红" in page
    # the zone's firms per grade, whatever the filter (issue 21 item 6): 12 firms, the own one 深绿
    assert 'data-testid="carbon-counts"' in page and "全区：深绿 1 家、" in page
    assert sum(int(n) for n in re.findall(r"(\d+) 家", page.split('data-testid="carbon-counts">')[1].split("</p>")[0])) == 12
    page = client.get(reverse("green_carbon"), {"grade": "red"}).content.decode()
    assert "湖南自家电工有限公司" not in page and "全区：深绿 1 家、" in page
    client.force_login(enterprise_user)
    page = client.get(reverse("green_carbon")).content.decode()
    assert "湖南自家电工有限公司" in page and page.count("<tr>") == 2  # the heading and its own row
    assert 'data-testid="carbon-counts"' not in page
    assert "dark_green" not in page
    own = client.get(reverse("green_labels")).content.decode()
    assert "本企业碳效等级" in own and "湖南自家电工有限公司（2024年度）：<strong>深绿</strong>" in own


def test_the_page_says_when_there_are_no_figures(client, enterprise_user):
    client.force_login(enterprise_user)
    assert "尚无本企业的能耗与产值数据" in client.get(reverse("green_carbon")).content.decode()


def test_the_api_lists_grades_as_the_page_scopes_them(client, enterprise_user, own_enterprise, other_enterprise,
                                                      leader_user):
    _figures(own_enterprise, 2024, energy_tce=(100, None), value_added_wan=(100, None))
    _figures(other_enterprise, 2024, energy_tce=(130, None), value_added_wan=(100, None))
    client.force_login(enterprise_user)
    data = client.get("/api/v1/carbon-grades/").json()
    rows = data["results"] if isinstance(data, dict) else data
    assert [(r["enterprise"], r["grade"], r["benchmark_scope"]) for r in rows] == [
        ("湖南自家电工有限公司", "light_green", "zone")]  # 2.66 ÷ median(2.66, 3.458) = 0.87
    client.force_login(leader_user)
    data = client.get("/api/v1/carbon-grades/").json()
    rows = data["results"] if isinstance(data, dict) else data
    assert len(rows) == 2

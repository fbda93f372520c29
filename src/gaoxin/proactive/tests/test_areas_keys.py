"""Station areas with their figures against values computed by hand; the key-firm list."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from gaoxin.core.models import AuditEvent
from gaoxin.enterprises.models import EnterpriseStatus
from gaoxin.enterprises.tests.factories import EnterpriseFactory, ParkAreaFactory
from gaoxin.evaluation.models import Cycle, CycleValue, Participant
from gaoxin.proactive import selectors, services
from gaoxin.proactive.models import KeyFirm, StationArea
from gaoxin.stations.models import StationService

from .helpers import staff, station


@pytest.fixture
def zone(db):
    people = staff()
    east, west, north = (ParkAreaFactory(name=n) for n in ("东园", "西园", "北园"))
    other = station("zhongnan", "中南政务服务驿站")
    return {**people, "east": east, "west": west, "north": north, "other": other}


def test_station_figures_by_area_match_a_hand_count(zone):
    jinrong, zhongnan, admin = zone["station"], zone["other"], zone["admin"]
    services.area_set(actor=admin, park=zone["east"], station=jinrong)
    services.area_set(actor=admin, park=zone["west"], station=jinrong)
    services.area_set(actor=admin, park=zone["north"], station=zhongnan)
    assert AuditEvent.objects.filter(event_type="proactive.area.set").count() == 3
    # 金荣: 东园 3 firms (one new in 2026) + 西园 1 firm + a cancelled one (not counted); 中南: 北园 2 (both new).
    e1 = EnterpriseFactory(park_area=zone["east"], registered_on=dt.date(2026, 2, 1))
    e2 = EnterpriseFactory(park_area=zone["east"], registered_on=dt.date(2020, 2, 1))
    EnterpriseFactory(park_area=zone["east"], registered_on=dt.date(2019, 2, 1))
    e4 = EnterpriseFactory(park_area=zone["west"], registered_on=dt.date(2018, 2, 1))
    EnterpriseFactory(park_area=zone["west"], status=EnterpriseStatus.CANCELLED, registered_on=dt.date(2026, 3, 1))
    n1 = EnterpriseFactory(park_area=zone["north"], registered_on=dt.date(2026, 5, 1))
    EnterpriseFactory(park_area=zone["north"], registered_on=dt.date(2026, 6, 1))
    EnterpriseFactory(park_area=None, registered_on=dt.date(2026, 6, 1))  # no park: no station
    # Output: the latest (non-trial) cycle's 销售收入, verified over reported.
    old = Cycle.objects.create(data_year=2024, name="2024年度", created_by=admin)
    cycle = Cycle.objects.create(data_year=2025, name="2025年度", created_by=admin)
    trial = Cycle.objects.create(data_year=2026, name="试评价", trial=True, created_by=admin)
    for c, firm, reported, verified in ((cycle, e1, "100", None), (cycle, e2, "50", "60"), (cycle, e4, "7.5", None),
                                        (cycle, n1, "30", None), (old, e1, "999", None), (trial, e1, "888", None)):
        p = Participant.objects.create(cycle=c, enterprise=firm, group="g")
        CycleValue.objects.create(participant=p, field="sales_wan", reported=Decimal(reported),
                                  verified=Decimal(verified) if verified else None)
    # Services in 2026: 金荣 6, 中南 1; one in 2025 not counted.
    for i in range(6):
        StationService.objects.create(station=jinrong, category="consult", description="咨询", outcome="on_the_spot",
                                      provided_on=dt.date(2026, 1 + i, 3), provided_by=admin)
    StationService.objects.create(station=zhongnan, category="consult", description="咨询", outcome="on_the_spot",
                                  provided_on=dt.date(2026, 4, 3), provided_by=admin)
    StationService.objects.create(station=zhongnan, category="consult", description="咨询", outcome="on_the_spot",
                                  provided_on=dt.date(2025, 4, 3), provided_by=admin)
    rows, output_year = selectors.station_figures(year=2026)
    by = {r["station"].pk: r for r in rows}
    assert output_year == 2025
    assert (by[jinrong.pk]["firms"], by[jinrong.pk]["new"], by[jinrong.pk]["output"], by[jinrong.pk]["services"],
            by[jinrong.pk]["per_firm"]) == (4, 1, Decimal("167.5"), 6, Decimal("1.50"))
    assert (by[zhongnan.pk]["firms"], by[zhongnan.pk]["new"], by[zhongnan.pk]["output"], by[zhongnan.pk]["services"],
            by[zhongnan.pk]["per_firm"]) == (2, 2, Decimal("30"), 1, Decimal("0.50"))
    assert [p.name for p in by[jinrong.pk]["parks"]] == ["东园", "西园"]
    assert selectors.station_of_firm(e1) == jinrong


def test_an_area_moves_and_only_the_administrator_sets_it(zone, client):
    services.area_set(actor=zone["admin"], park=zone["east"], station=zone["station"])
    with pytest.raises(ValidationError):
        services.area_set(actor=zone["admin"], park=zone["east"], station=zone["station"])
    services.area_set(actor=zone["admin"], park=zone["east"], station=zone["other"])
    assert StationArea.objects.get(park=zone["east"]).station == zone["other"]
    with pytest.raises(PermissionDenied):
        services.area_set(actor=zone["station_officer"], park=zone["east"], station=zone["station"])
    services.area_set(actor=zone["admin"], park=zone["east"], station=None)
    assert not StationArea.objects.exists()
    client.force_login(zone["station_officer"])
    assert client.get(reverse("station_areas")).status_code == 200
    assert client.post(reverse("station_areas"), {"park": zone["east"].pk}).status_code == 403
    client.force_login(zone["admin"])
    assert client.post(reverse("station_areas"), {"park": zone["east"].pk, "station": zone["station"].pk}).status_code == 302


def test_key_firms_by_hand_by_rule_and_removed(zone, client):
    admin = zone["admin"]
    a, b = EnterpriseFactory(park_area=zone["east"]), EnterpriseFactory(park_area=zone["east"])
    key = services.key_firm_add(actor=admin, enterprise=a, reason="纳税大户")
    with pytest.raises(ValidationError):
        services.key_firm_add(actor=admin, enterprise=a, reason="再次")
    with pytest.raises(ValidationError):
        services.key_firm_add(actor=admin, enterprise=b, reason=" ")
    with pytest.raises(PermissionDenied):
        services.key_firm_add(actor=zone["leader"], enterprise=b, reason="x")
    with pytest.raises(ValidationError) as exc:
        services.key_firm_add_by_rule(actor=admin, rule="size_group != '规上'", reason="规上企业")
    assert "可选：“规上”、“规下”" in exc.value.error_dict["rule"][0].message
    assert "ABOVE" not in exc.value.error_dict["rule"][0].message
    assert services.key_firm_add_by_rule(actor=admin, rule="park == '东园'", reason="东园重点培育") == 1
    assert selectors.key_firm_ids([a.pk, b.pk]) == {a.pk, b.pk}
    services.key_firm_remove(actor=admin, key=key, reason="迁出")
    assert selectors.key_firm_ids([a.pk, b.pk]) == {b.pk}
    assert KeyFirm.objects.count() == 2
    assert [e.event_type for e in AuditEvent.objects.filter(event_type__startswith="proactive.keyfirm").order_by("id")] \
        == ["proactive.keyfirm.add", "proactive.keyfirm.add_rule", "proactive.keyfirm.remove"]
    client.force_login(admin)
    response = client.post(reverse("key_firms"), {"form": "hand", "hand-uscc": "91430300XXXXXXXX", "hand-reason": "理由"})
    assert response.status_code == 400 and "理由" in response.content.decode()
    client.force_login(zone["station_officer"])
    assert client.get(reverse("key_firms")).status_code == 200
    assert client.post(reverse("key_firms"), {"form": "hand"}).status_code == 403

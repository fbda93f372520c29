"""Editions and their rules (issue 22 item 1): the organising department (a setting) creates an edition with its
thresholds, groups, tracks, stages, quotas and award levels as data; others are refused; the pages, the API and the
navigation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.urls import reverse

from gaoxin.competitions import permissions as perms
from gaoxin.competitions import services
from gaoxin.competitions.models import Edition
from gaoxin.core.models import AuditEvent


def test_the_edition_keeps_its_rules_as_data_with_the_zone_defaults(edition):
    assert edition.revenue_cap == 20000 and edition.award_limit == 2 and edition.needs_certificate
    assert edition.startup_since == dt.date(2025, 1, 1)  # 1 January of the prior year
    assert [t.name for t in edition.tracks.all()][:2] == ["新一代信息技术", "高端装备制造"]
    assert edition.tracks.get(name="新材料").quota == 3
    assert [(s.name, s.level, s.advance) for s in edition.stages.all()] == [
        ("初赛", "local", 20), ("复赛", "local", 10), ("区内路演", "zone", None)]
    assert [(a.rank, a.name) for a in edition.award_levels.all()] == [(1, "一等奖"), (2, "二等奖"), (3, "三等奖")]
    assert AuditEvent.objects.filter(event_type="competitions.edition.create").count() == 1


@override_settings(GAOXIN_COMPETITIONS_REVENUE_CAP=15000, GAOXIN_COMPETITIONS_AWARD_LIMIT=1)
def test_a_new_edition_takes_the_configured_defaults(science):
    edition = services.edition_create(actor=science, code="e1", name="届次一", year=2027, tracks=[("新材料", None)])
    assert (edition.revenue_cap, edition.award_limit) == (15000, 1)


def test_only_the_organising_department_and_the_administrator_manage(science, tax_officer, admin_user,
                                                                      enterprise_user, leader_user):
    assert perms.can_manage_competitions(science) and perms.can_manage_competitions(admin_user)
    for user in (tax_officer, enterprise_user, leader_user):
        assert not perms.can_manage_competitions(user)
        with pytest.raises(PermissionDenied):
            services.edition_create(actor=user, code="x", name="x", year=2026, tracks=[("新材料", None)])
    with override_settings(GAOXIN_COMPETITIONS_DEPARTMENT_CODES=["tax"]):
        assert perms.can_manage_competitions(tax_officer) and not perms.can_manage_competitions(science)


def test_an_edition_needs_a_track_unique_names_and_codes(science, edition):
    with pytest.raises(ValidationError) as err:
        services.edition_create(actor=science, code="cxcy-2026", name="第十五届中国创新创业大赛（湘潭高新区）", year=2026,
                                tracks=[])
    assert set(err.value.error_dict) == {"code", "name", "tracks"}
    with pytest.raises(ValidationError) as err:
        services.edition_create(actor=science, code="new", name="另一届", year=2026, tracks=[("a", 1), ("a", 2)])
    assert set(err.value.error_dict) == {"code", "tracks"}


def test_rules_change_with_one_audit_event_naming_before_and_after(science, edition):
    services.edition_update_rules(actor=science, edition=edition, revenue_cap=18000, award_limit=2)
    event = AuditEvent.objects.get(event_type="competitions.edition.update")
    assert event.before == {"revenue_cap": 20000} and event.after == {"revenue_cap": 18000}
    services.edition_update_rules(actor=science, edition=edition, revenue_cap=18000)  # nothing changed: no event
    assert AuditEvent.objects.filter(event_type="competitions.edition.update").count() == 1
    with pytest.raises(ValidationError):
        services.edition_update_rules(actor=science, edition=edition, name="改名")


def test_rule_rows_are_added_once_each(science, edition):
    services.track_create(actor=science, edition=edition, name="现代农业", quota=2)
    services.stage_create(actor=science, edition=edition, name="决赛", level="national", advance=None)
    services.award_level_create(actor=science, edition=edition, name="优秀企业")
    assert edition.award_levels.get(name="优秀企业").rank == 4
    with pytest.raises(ValidationError) as err:
        services.track_create(actor=science, edition=edition, name="现代农业")
    assert "name" in err.value.error_dict
    assert AuditEvent.objects.filter(event_type__in=["competitions.track.create", "competitions.stage.create",
                                                     "competitions.award_level.create"]).count() == 3


# --- pages -------------------------------------------------------------------------------------------------------


def test_the_bureau_creates_an_edition_on_its_page(science_client):
    url = reverse("competition_new")
    data = {"name": "第十五届大赛", "code": "cxcy-15", "year": 2026, "needs_certificate": "on",
            "tracks": "新材料，3\n高端装备制造", "stages": "初赛，地方赛，20\n复赛，地方赛", "award_levels": "一等奖，1\n二等奖"}
    bad = science_client.post(url, {**data, "stages": "初赛，省赛"})
    assert bad.status_code == 400
    assert "层级应为本区组织、地方赛或全国赛" in bad.content.decode() and "第十五届大赛" in bad.content.decode()
    response = science_client.post(url, data)
    assert response.status_code == 302
    edition = Edition.objects.get(code="cxcy-15")
    page = science_client.get(reverse("competition_detail", args=[edition.code])).content.decode()
    for text in ("不超过 20000 万元", "新材料（名额 3）", "晋级 20 家", "一等奖（1 名）", "初创企业组", "修改规则"):
        assert text in page


def test_the_rules_form_shows_errors_beside_the_fields(science_client, edition):
    url = reverse("competition_rules", args=[edition.code])
    response = science_client.post(url, {"status": "open", "revenue_cap": "-5", "startup_since": "2025-01-01",
                                         "award_limit": "2"})
    assert response.status_code == 400 and "-5" in response.content.decode()
    response = science_client.post(url, {"status": "open", "revenue_cap": "15000", "startup_since": "2025-01-01",
                                         "award_limit": "2", "needs_certificate": "on"})
    assert response.status_code == 302
    edition.refresh_from_db()
    assert edition.revenue_cap == 15000


def test_firms_and_staff_read_editions_others_may_not_manage(enterprise_client, officer_client, client, edition):
    page = enterprise_client.get(reverse("competition_detail", args=[edition.code])).content.decode()
    assert "高端装备制造" in page and "修改规则" not in page
    assert enterprise_client.get(reverse("competition_rules", args=[edition.code])).status_code == 403
    assert officer_client.get(reverse("competition_new")).status_code == 403
    assert officer_client.post(reverse("competition_track_new", args=[edition.code]), {"name": "x"}).status_code == 403
    assert client.get(reverse("competition_list")).status_code == 302
    assert "创新创业大赛" in enterprise_client.get(reverse("home")).content.decode()


def test_the_edition_list_costs_the_same_however_many_editions(science, science_client,
                                                                django_assert_max_num_queries):
    for n in range(8):
        services.edition_create(actor=science, code=f"e{n}", name=f"届次{n}", year=2020 + n,
                                tracks=[("新材料", None), ("生物医药", None)])
    with django_assert_max_num_queries(12):
        response = science_client.get(reverse("competition_list"))
    assert response.status_code == 200 and "届次7" in response.content.decode()


def test_api_lists_editions_with_their_rules(enterprise_client, client, edition):
    data = enterprise_client.get("/api/v1/competitions/").json()
    rows = data["results"] if isinstance(data, dict) else data
    assert rows[0]["code"] == "cxcy-2026" and len(rows[0]["tracks"]) == 5
    detail = enterprise_client.get(f"/api/v1/competitions/{edition.code}/").json()
    assert detail["award_levels"][0] == {"name": "一等奖", "rank": 1, "count": 1}
    assert client.get("/api/v1/competitions/").status_code in (401, 403)

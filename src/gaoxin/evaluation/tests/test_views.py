"""Cycle pages: who sees and changes what, errors shown in Chinese, a constant number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gaoxin.core.models import AuditEvent
from gaoxin.enterprises.tests.factories import EnterpriseFactory, LandParcelFactory
from gaoxin.evaluation import services
from gaoxin.evaluation.models import Cycle, CycleStatus


@pytest.fixture
def cycle(admin_user):
    return services.cycle_create(actor=admin_user, data_year=2025, name="2025年度评价")


def firms(n):
    for _ in range(n):
        LandParcelFactory(enterprise=EnterpriseFactory())


def test_empty_states(admin_client, cycle):
    Cycle.objects.all().delete()
    assert "还没有评价周期" in admin_client.get(reverse("evaluation_index")).content.decode()
    cycle = services.cycle_create(actor=cycle.created_by, data_year=2025, name="新周期")
    html = admin_client.get(reverse("evaluation_cycle", args=[cycle.pk])).content.decode()
    assert "参评名单为空" in html and "按企业档案生成参评名单" in html


def test_admin_creates_populates_flags_and_confirms(admin_client):
    firms(3)
    response = admin_client.post(reverse("evaluation_create"), {"data_year": "2025", "name": "年度评价",
                                                                "method_name": "shandong_default"}, follow=True)
    cycle = Cycle.objects.get()
    assert "评价周期已创建" in response.content.decode()
    admin_client.post(reverse("evaluation_populate", args=[cycle.pk]))
    row = cycle.participants.first()
    html = admin_client.post(reverse("evaluation_flag", args=[cycle.pk, row.pk]), {"participating": "0"},
                             follow=True).content.decode()
    assert "必须说明原因" in html
    admin_client.post(reverse("evaluation_flag", args=[cycle.pk, row.pk]), {"participating": "0", "reason": "停产"})
    row.refresh_from_db()
    assert (row.participating, row.t_reason) == (False, "停产")
    admin_client.post(reverse("evaluation_transition", args=[cycle.pk]), {"name": "CONFIRM_SCOPE"})
    html = admin_client.get(reverse("evaluation_cycle", args=[cycle.pk])).content.decode()
    assert "参评名单确认" in html and "按企业档案生成参评名单" not in html and "列为不参评</button>" not in html
    assert 'value="START_COLLECTION"' in html and "开始数据采集</button>" in html
    bad = admin_client.post(reverse("evaluation_transition", args=[cycle.pk]), {"name": "RELEASE", "doc_no": "x"},
                            follow=True)
    assert bad.status_code == 400 and "“参评名单确认”状态下不能“正式发布”" in bad.content.decode()
    assert Cycle.objects.get(pk=cycle.pk).status == CycleStatus.SCOPE_CONFIRMED


def test_create_errors_name_the_field(admin_client):
    html = admin_client.post(reverse("evaluation_create"), {"data_year": "", "name": ""}, follow=True).content.decode()
    assert "数据年度应在" in html and "请填写周期名称" in html and not Cycle.objects.exists()


def test_leader_reads_only_and_others_are_refused(leader_client, clerk_client, officer_client, enterprise_client,
                                                  cycle):
    html = leader_client.get(reverse("evaluation_cycle", args=[cycle.pk])).content.decode()
    assert cycle.name in html and "下一步" not in html and "新建评价周期" not in \
        leader_client.get(reverse("evaluation_index")).content.decode()
    assert leader_client.post(reverse("evaluation_populate", args=[cycle.pk])).status_code == 403
    for client in (clerk_client, officer_client, enterprise_client):
        assert client.get(reverse("evaluation_index")).status_code == 403
        assert client.post(reverse("evaluation_transition", args=[cycle.pk]), {"name": "CONFIRM_SCOPE"}).status_code == 403
    assert not AuditEvent.objects.filter(event_type__startswith="evaluation.cycle.").exclude(
        event_type="evaluation.cycle.create").exists()


def test_flagging_a_row_of_another_cycle_is_not_found(admin_client, admin_user, cycle):
    firms(1)
    services.participants_populate(actor=admin_user, cycle=cycle)
    other = services.cycle_create(actor=admin_user, data_year=2024, name="另一周期")
    row = cycle.participants.get()
    url = reverse("evaluation_flag", args=[other.pk, row.pk])
    assert admin_client.post(url, {"participating": "0", "reason": "x"}).status_code == 404


def test_pages_use_a_constant_number_of_queries(admin_client, admin_user, cycle):
    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert admin_client.get(url).status_code == 200
        return len(ctx)

    firms(2)
    services.participants_populate(actor=admin_user, cycle=cycle)
    detail, index = reverse("evaluation_cycle", args=[cycle.pk]), reverse("evaluation_index")
    # the first request of a session also stamps its last-seen time (accounts.security)
    admin_client.get(index)
    small = count(detail), count(index)
    firms(40)
    services.participants_populate(actor=admin_user, cycle=cycle)
    for year in range(2010, 2020):
        services.cycle_create(actor=admin_user, data_year=year, name="历史周期")
    assert (count(detail), count(index)) == small
    assert Cycle.objects.get(pk=cycle.pk).status == CycleStatus.DRAFT


def test_api_reads_and_moves_cycles(admin_client, leader_client, clerk_client, admin_user, cycle):
    firms(2)
    services.participants_populate(actor=admin_user, cycle=cycle)
    listed = leader_client.get("/api/v1/evaluation-cycles/").json()
    assert listed["count"] == 1 and listed["results"][0]["participants"] == 2
    assert listed["results"][0]["transitions"] == []  # a leader reads along
    mine = admin_client.get(f"/api/v1/evaluation-cycles/{cycle.pk}/").json()
    assert mine["transitions"] == [{"name": "CONFIRM_SCOPE", "label": "确认参评名单", "target": "SCOPE_CONFIRMED"}]
    rows = leader_client.get(f"/api/v1/evaluation-cycles/{cycle.pk}/participants/").json()
    assert {r["group"] for r in rows["results"]} == {"ABOVE"} and rows["count"] == 2
    url = f"/api/v1/evaluation-cycles/{cycle.pk}/transition/"
    assert leader_client.post(url, {"name": "CONFIRM_SCOPE"}).status_code == 403
    assert clerk_client.get("/api/v1/evaluation-cycles/").status_code == 403
    bad = admin_client.post(url, {"name": "RELEASE", "doc_no": "x"})
    assert bad.status_code == 400 and "不能“正式发布”" in bad.json()["detail"][0]
    by_target = admin_client.post(url, {"target": "SCOPE_CONFIRMED"})  # the old verb: no target states any more
    assert by_target.status_code == 400 and by_target.json() == {"name": ["未知操作"]}
    moved = admin_client.post(url, {"name": "CONFIRM_SCOPE"})
    assert moved.status_code == 200 and moved.json()["status"] == "SCOPE_CONFIRMED"
    assert "/api/v1/evaluation-cycles/" in admin_client.get("/api/schema/").content.decode()

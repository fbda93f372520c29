"""点对点政策辅导 (issue 25 item 3): a coaching record links a policy and a firm; the firm's match and application are
shown beside it as far as the reader may see them; counts per policy; one audit event per record, every refusal
writes nothing; scoped to the coach, the coach's unit and the policy's department (overseers all)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from gaoxin.benefits.models import BenefitApplication, MatchResult
from gaoxin.core.models import AuditEvent
from gaoxin.enterprises.tests.factories import EnterpriseFactory
from gaoxin.proactive import selectors, services
from gaoxin.proactive.models import Coaching

from .helpers import policy, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def zone():
    people = staff()
    pol = policy(people["dept"])
    return {**people, "policy": pol, "firm": EnterpriseFactory(name="湘潭恒远精密机械有限公司"),
            "other_firm": EnterpriseFactory(name="湘潭华泰新材料有限公司")}


def _coach(zone, who="station_officer", firm="firm", **kw):
    values = {"coached_on": timezone.localdate(), "method": "visit", "people_met": "财务总监 王敏",
              "content": "讲解申报条件与所需材料"} | kw
    return services.coaching_record(actor=zone[who], enterprise=zone[firm], policy=zone["policy"], **values)


def test_a_coaching_is_one_audited_record_and_refusals_write_nothing(zone):
    before = AuditEvent.objects.count()
    c = _coach(zone)
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("pk")
    assert event.event_type == "proactive.coaching.record" and event.after["method"] == "上门辅导"
    assert c.unit == zone["station"] and c.by == zone["station_officer"]
    for who in ("enterprise", "leader"):
        with pytest.raises(PermissionDenied):
            _coach(zone, who=who)
    with pytest.raises(ValidationError) as err:
        _coach(zone, coached_on=timezone.localdate() + dt.timedelta(days=1), method="fax", content=" ")
    assert set(err.value.error_dict) == {"coached_on", "method", "content"}
    zone["policy"].status = "draft"
    zone["policy"].save()
    with pytest.raises(ValidationError, match="生效中的政策"):
        _coach(zone)
    assert Coaching.objects.count() == 1 and AuditEvent.objects.count() == before + 1


def test_the_match_and_the_application_are_shown_as_far_as_the_reader_may_see(zone):
    _coach(zone)
    MatchResult.objects.create(enterprise=zone["firm"], policy=zone["policy"], policy_version=1, verdict="eligible",
                               pass_ratio=1)
    app = BenefitApplication.objects.create(number="HQ2026000001", enterprise=zone["firm"], policy=zone["policy"],
                                            policy_version=1, status="submitted", created_by=zone["admin"])
    (admin_row,) = selectors.coachings(user=zone["admin"])
    assert (admin_row.match_verdict, admin_row.application_number) == ("eligible", app.number)
    # The station officer made it and sees it, but not the match or the application (benefits' scopers).
    (own,) = selectors.coachings(user=zone["station_officer"])
    assert (own.match_verdict, own.application_number) == (None, None)
    # The policy's department sees it and both; another department nothing.
    (dept,) = selectors.coachings(user=zone["officer"])
    assert dept.match_verdict == "eligible"
    assert not selectors.coachings(user=zone["tax_officer"]).exists()
    assert not selectors.coachings(user=zone["enterprise"]).exists()


def test_counts_per_policy_against_hand_values(zone):
    other = policy(zone["dept"], code="p2")
    _coach(zone)
    _coach(zone, coached_on=timezone.localdate() - dt.timedelta(days=3))  # the same firm again
    _coach(zone, firm="other_firm")
    services.coaching_record(actor=zone["officer"], enterprise=zone["firm"], policy=other,
                             coached_on=timezone.localdate(), method="phone", people_met="王敏", content="电话讲解")
    BenefitApplication.objects.create(number="HQ2026000002", enterprise=zone["firm"], policy=zone["policy"],
                                      policy_version=1, status="submitted", created_by=zone["admin"])
    counts = {c["policy__code"]: (c["records"], c["firms"], c["applied_firms"])
              for c in selectors.coaching_counts(user=zone["admin"])}
    assert counts == {"p1": (3, 2, 1), "p2": (1, 1, 0)}
    assert selectors.coaching_counts(user=zone["admin"], year=2000) == []


def test_the_pages_record_keep_what_was_typed_and_list_at_a_constant_query_count(client, zone):
    client.force_login(zone["station_officer"])
    url = reverse("coaching_new", args=[zone["firm"].pk])
    bad = client.post(url, {"policy": zone["policy"].pk, "coached_on": "2099-01-01", "method": "visit",
                            "people_met": "王敏", "content": "讲解研发费用归集口径"})
    body = bad.content.decode()
    assert bad.status_code == 400 and "辅导日期不能晚于今天" in body and "讲解研发费用归集口径" in body
    assert not Coaching.objects.exists()
    ok = client.post(url, {"policy": zone["policy"].pk, "coached_on": timezone.localdate().isoformat(),
                           "method": "visit", "people_met": "王敏", "content": "讲解研发费用归集口径"})
    assert ok.status_code == 302 and ok["Location"].endswith("?tab=policies")
    tab = client.get(ok["Location"]).content.decode()
    assert "讲解研发费用归集口径" in tab and "点对点政策辅导" in tab
    timeline = client.get(reverse("firm_view", args=[zone["firm"].pk])).content.decode()
    assert "政策辅导" in timeline
    client.force_login(zone["enterprise"])
    assert client.get(url).status_code == 403 and client.get(reverse("coaching_list")).status_code == 403
    client.force_login(zone["admin"])

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("coaching_list")).status_code == 200
        return len(ctx.captured_queries)

    few = queries()
    for i in range(12):
        _coach(zone, firm="other_firm" if i % 2 else "firm", content=f"第{i}次")
    assert queries() == few


def test_the_api_reads_coachings_campaigns_visits_and_key_firms_as_the_pages(client, zone):
    from gaoxin.proactive.models import KeyFirm

    mine = _coach(zone)
    KeyFirm.objects.create(enterprise=zone["firm"], reason="纳税百强企业", added_by=zone["admin"])
    client.force_login(zone["officer"])  # the policy's department
    (row,) = client.get("/api/v1/policy-coachings/").json()["results"]
    assert (row["uscc"], row["policy"], row["method"], row["people_met"]) == (zone["firm"].uscc, "p1", "visit",
                                                                               "财务总监 王敏")
    assert [k["reason"] for k in client.get("/api/v1/key-firms/").json()["results"]] == ["纳税百强企业"]
    client.force_login(zone["tax_officer"])  # another department: not theirs
    assert client.get("/api/v1/policy-coachings/").json()["results"] == []
    assert client.get(f"/api/v1/policy-coachings/{mine.pk}/").status_code == 404
    client.force_login(zone["enterprise"])
    for url in ("/api/v1/policy-coachings/", "/api/v1/key-firms/", "/api/v1/campaigns/", "/api/v1/campaign-visits/"):
        assert client.get(url).json()["results"] == [], url

"""The policy table and hand-entered tier history in the administration (/django-admin/): each
change is one audit event with its before/after; a failed form writes nothing; released and
imported tiers are shown only."""

from decimal import Decimal

import pytest
from django.urls import reverse

from gaoxin.core import events
from gaoxin.core.tests.admin_forms import events_after, last_event_id, page_data, set_bool
from gaoxin.enterprises.tests.factories import EnterpriseFactory
from gaoxin.evaluation import admin_services
from gaoxin.evaluation.models import Lever, TierHistory, TierPolicy
from gaoxin.evaluation.policies import d_streaks

POLICY = {"tier": "D", "consecutive_years": ">=2", "lever": Lever.WATER, "value": "0.5", "unit": "元/吨",
          "stacking": "max_of_existing", "description": "", "effective_from": "2025-01-01", "effective_to": "",
          "basis_document": "湘潭高新发〔2025〕1号", "active": "on"}


def _post_change(client, obj, edit):
    url = reverse(f"admin:evaluation_{obj._meta.model_name}_change", args=[obj.pk])
    data = page_data(client.get(url))
    edit(data)
    return client.post(url, data)


def test_adding_a_policy_row_is_one_event(admin_client):
    last = last_event_id()
    response = admin_client.post(reverse("admin:evaluation_tierpolicy_add"), POLICY)
    assert response.status_code == 302, response.context["adminform"].form.errors
    policy = TierPolicy.objects.get(lever=Lever.WATER, tier="D")
    (event,) = events_after(last)
    assert (event.event_type, event.subject_id) == ("evaluation.policy.create", str(policy.pk))
    assert event.after["value"] == "0.5000" and event.after["effective_from"] == "2025-01-01"
    assert event.after["basis_document"] == "湘潭高新发〔2025〕1号"
    assert events.label(event.event_type) == "新增差别化政策"


@pytest.mark.parametrize("bad", [{"consecutive_years": "三年"}, {"effective_to": "2024-01-01"}, {"tier": "E"}])
def test_a_failed_policy_form_writes_nothing(admin_client, bad):
    last, rows = last_event_id(), TierPolicy.objects.count()
    response = admin_client.post(reverse("admin:evaluation_tierpolicy_add"), {**POLICY, **bad})
    assert response.status_code == 200
    assert set(bad) <= set(response.context["adminform"].form.errors)
    assert TierPolicy.objects.count() == rows and events_after(last) == []


def test_changing_and_deleting_a_policy_row(admin_client):
    policy = TierPolicy.objects.create(tier="D", consecutive_years="1", lever=Lever.GAS, value=Decimal("0.1"),
                                       unit="元/立方米")
    last = last_event_id()

    def edit(data):
        data["value"] = "0.2"
        set_bool(data, "active", False)

    assert _post_change(admin_client, policy, edit).status_code == 302
    (event,) = events_after(last)
    assert event.event_type == "evaluation.policy.update"
    assert (event.before, event.after) == ({"value": "0.1000", "active": True}, {"value": "0.2000", "active": False})

    last = last_event_id()
    response = admin_client.post(reverse("admin:evaluation_tierpolicy_delete", args=[policy.pk]), {"post": "yes"})
    assert response.status_code == 302 and not TierPolicy.objects.filter(pk=policy.pk).exists()
    (event,) = events_after(last)
    assert (event.event_type, event.subject_id) == ("evaluation.policy.delete", str(policy.pk))
    assert event.before["lever"] == Lever.GAS and event.before["value"] == "0.2000"


def test_the_delete_action_is_one_event_per_row(admin_client):
    rows = [TierPolicy.objects.create(tier="C", lever=Lever.AWARD) for _ in range(2)]
    last = last_event_id()
    response = admin_client.post(reverse("admin:evaluation_tierpolicy_changelist"), {
        "action": "delete_selected", "_selected_action": [r.pk for r in rows], "post": "yes"})
    assert response.status_code == 302
    assert [e.event_type for e in events_after(last)] == ["evaluation.policy.delete"] * 2


# --- tier history -------------------------------------------------------------------------------

@pytest.fixture
def firm(db):
    return EnterpriseFactory(name="湖南往年电工有限公司")


def test_entering_a_year_by_hand_counts_for_the_streak(admin_client, firm):
    TierHistory.objects.create(enterprise=firm, year=2022, tier="D", source="imported")
    last = last_event_id()
    response = admin_client.post(reverse("admin:evaluation_tierhistory_add"),
                               {"enterprise": firm.pk, "year": "2023", "tier": "D"})
    assert response.status_code == 302, response.context["adminform"].form.errors
    row = TierHistory.objects.get(enterprise=firm, year=2023)
    assert row.source == admin_services.MANUAL
    (event,) = events_after(last)
    assert (event.event_type, event.subject_id) == ("evaluation.history.create", str(row.pk))
    assert event.subject_repr == "湖南往年电工有限公司 2023年"
    assert event.after == {"enterprise": "湖南往年电工有限公司", "year": 2023, "tier": "D"}
    assert d_streaks([firm.pk], 2023) == {firm.pk: 2}


@pytest.mark.parametrize("bad", [{"tier": "E"}, {"year": "2022"}])
def test_a_failed_history_form_writes_nothing(admin_client, firm, bad):
    TierHistory.objects.create(enterprise=firm, year=2022, tier="C", source="imported")
    last, rows = last_event_id(), TierHistory.objects.count()
    response = admin_client.post(reverse("admin:evaluation_tierhistory_add"),
                               {"enterprise": firm.pk, "year": "2023", "tier": "D", **bad})
    assert response.status_code == 200 and response.context["adminform"].form.errors
    assert TierHistory.objects.count() == rows and events_after(last) == []


def test_changing_and_deleting_a_hand_entered_year(admin_client, firm):
    row = TierHistory.objects.create(enterprise=firm, year=2021, tier="C", source=admin_services.MANUAL)
    last = last_event_id()
    assert _post_change(admin_client, row, lambda d: d.update(tier="B")).status_code == 302
    (event,) = events_after(last)
    assert (event.event_type, event.before, event.after) == ("evaluation.history.update", {"tier": "C"}, {"tier": "B"})

    last = last_event_id()
    response = admin_client.post(reverse("admin:evaluation_tierhistory_delete", args=[row.pk]), {"post": "yes"})
    assert response.status_code == 302 and not TierHistory.objects.filter(pk=row.pk).exists()
    (event,) = events_after(last)
    assert event.event_type == "evaluation.history.delete" and event.before["tier"] == "B"


@pytest.mark.parametrize("source", ["released", "imported"])
def test_released_and_imported_years_are_shown_only(admin_client, firm, source):
    row = TierHistory.objects.create(enterprise=firm, year=2020, tier="A", source=source)
    url = reverse("admin:evaluation_tierhistory_change", args=[row.pk])
    assert admin_client.get(url).status_code == 200
    last = last_event_id()
    assert admin_client.post(url, {"enterprise": firm.pk, "year": "2020", "tier": "D"}).status_code == 403
    assert admin_client.post(reverse("admin:evaluation_tierhistory_delete", args=[row.pk]),
                           {"post": "yes"}).status_code == 403
    response = admin_client.post(reverse("admin:evaluation_tierhistory_changelist"), {
        "action": "delete_selected", "_selected_action": [row.pk], "post": "yes"})
    assert response.status_code == 403
    row.refresh_from_db()
    assert row.tier == "A" and events_after(last) == []


def test_the_services_refuse_a_released_year_too(firm, admin_user):
    from django.core.exceptions import ValidationError

    row = TierHistory.objects.create(enterprise=firm, year=2020, tier="A", source="released")
    with pytest.raises(ValidationError):
        admin_services.tier_history_update(row=row, actor=admin_user, changes={"tier": "D"})
    with pytest.raises(ValidationError):
        admin_services.tier_history_delete(row=row, actor=admin_user)
    assert TierHistory.objects.get(pk=row.pk).tier == "A"


"""Candidate pool from the registry, invitations (the firm's users told), the registration table walked (every allowed
step one audit event and one timeline row, every other refused), the eligibility check, the enterprise's own view, the
pages' query budgets and the API's scope."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.benefits.models import ProfileFact
from gaoxin.competitions import selectors, services
from gaoxin.competitions.models import Registration, RegistrationStatus
from gaoxin.competitions.workflow import REGISTRATION_WORKFLOW
from gaoxin.core.models import AuditEvent, Notification
from gaoxin.core.tests.workflow_walk import check_pair, check_roles_refused, pairs
from gaoxin.enterprises.models import EnterpriseStatus, Qualification
from gaoxin.enterprises.tests.factories import EnterpriseFactory


def _facts(firm, revenue=None, listed=None, hnte=False, tsme_no="", valid_to=None):
    if revenue is not None:
        ProfileFact.objects.create(enterprise=firm, field="revenue", number=Decimal(revenue))
    if listed is not None:
        ProfileFact.objects.create(enterprise=firm, field="listed", flag=listed)
    if hnte:
        Qualification.objects.create(enterprise=firm, kind="hnte", valid_from=dt.date(2024, 1, 1), valid_to=valid_to)
    if tsme_no is not None and tsme_no != "":
        Qualification.objects.create(enterprise=firm, kind="tech_sme", cert_no=tsme_no, valid_from=dt.date(2026, 1, 1))
    return firm


@pytest.fixture
def registry(db, own_enterprise):
    """Eligible: `own` (growth, HNTE, the test enterprise user's firm), `young` (start-up, 科技型中小企业 number);
    out: too big, listed, no certificate, HNTE expired, a 科技型中小企业 without a number, closed."""
    own_enterprise.registered_on = dt.date(2019, 3, 1)
    own_enterprise.save()
    return {
        "own": _facts(own_enterprise, revenue=5000, listed=False, hnte=True),
        "young": _facts(EnterpriseFactory(name="湘潭新创微电子有限公司", registered_on=dt.date(2025, 6, 1)),
                        revenue=300, tsme_no="2026430300A0001"),
        "big": _facts(EnterpriseFactory(name="湖南大型重工有限公司", registered_on=dt.date(2005, 1, 1)), revenue=60000,
                      hnte=True),
        "listed": _facts(EnterpriseFactory(name="湘潭上市电气股份有限公司", registered_on=dt.date(2010, 1, 1)),
                         revenue=12000, listed=True, hnte=True),
        "plain": _facts(EnterpriseFactory(name="湘潭普通贸易有限公司", registered_on=dt.date(2015, 1, 1)), revenue=800),
        "expired": _facts(EnterpriseFactory(name="湘潭过期高企有限公司", registered_on=dt.date(2012, 1, 1)), revenue=800,
                          hnte=True, valid_to=dt.date(2025, 12, 31)),
        "nonumber": _facts(EnterpriseFactory(name="湘潭无编号科技有限公司", registered_on=dt.date(2016, 1, 1)),
                           revenue=900, tsme_no=None),
        "closed": _facts(EnterpriseFactory(name="湘潭注销科技有限公司", registered_on=dt.date(2016, 1, 1),
                                           status=EnterpriseStatus.CANCELLED), revenue=900, hnte=True),
    }


def test_the_pool_reads_the_registry_and_profile_facts(edition, registry, other_enterprise):
    names = {row["name"]: row for row in selectors.candidate_rows(edition=edition)[0]}
    assert set(names) == {registry["own"].name, registry["young"].name}
    assert names[registry["young"].name]["group"] == "初创企业组"
    assert names[registry["own"].name]["basis"] == "成长企业组；上年营业收入5000万元；高新技术企业"
    assert "上市情况未填报" in names[registry["young"].name]["notes"]


def test_the_pool_counts_prior_awards_against_the_limit(edition, registry, science):
    services.prior_award_add(actor=science, enterprise=registry["own"], year=2023, edition_name="第十二届", level="优秀企业")
    assert registry["own"].name in {r["name"] for r in selectors.candidate_rows(edition=edition)[0]}
    services.prior_award_add(actor=science, enterprise=registry["own"], year=2024, edition_name="第十三届", level="三等奖")
    assert registry["own"].name not in {r["name"] for r in selectors.candidate_rows(edition=edition)[0]}


def test_the_bureau_invites_and_the_firms_users_are_told(edition, registry, science, enterprise_user,
                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        made = services.registrations_invite(actor=science, edition=edition,
                                             enterprise_ids=[registry["own"].pk, registry["young"].pk])
    assert [r.status for r in made] == ["invited", "invited"]
    assert AuditEvent.objects.filter(event_type="competitions.registration.invite").count() == 2
    note = Notification.objects.get(user=enterprise_user)
    assert edition.name in note.message and "成长企业组" in note.message
    assert registry["own"].name not in {r["name"] for r in selectors.candidate_rows(edition=edition)[0]}
    with pytest.raises(ValidationError) as err:
        services.registrations_invite(actor=science, edition=edition, enterprise_ids=[registry["own"].pk])
    assert "已在本届名单中" in str(err.value)
    with pytest.raises(PermissionDenied):
        services.registrations_invite(actor=enterprise_user, edition=edition, enterprise_ids=[registry["big"].pk])


@pytest.fixture
def invited(edition, registry, science):
    return services.registrations_invite(actor=science, edition=edition, enterprise_ids=[registry["own"].pk])[0]


def _at(registration, state):
    Registration.objects.filter(pk=registration.pk).update(status=state, track=registration.edition.tracks.first(),
                                                           project="项目")
    registration.refresh_from_db()
    return registration


@pytest.mark.parametrize("name,state", pairs(REGISTRATION_WORKFLOW, RegistrationStatus.values))
def test_the_registration_table_walk(name, state, invited, science, enterprise_user):
    registration = _at(invited, state)
    actor = enterprise_user if name in ("REGISTER", "DECLINE", "WITHDRAW") else science
    track = registration.edition.tracks.get(name="新材料")
    check_pair(REGISTRATION_WORKFLOW, registration, name, actor=actor, history=lambda: registration.events.count(),
               track=track, project="高性能陶瓷基复合材料")


def test_outsiders_may_not_step(invited, science, tax_officer, leader_user):
    outsider = UserFactory(role=Role.ENTERPRISE, username="other")
    for name in ("REGISTER", "DECLINE"):
        check_roles_refused(REGISTRATION_WORKFLOW, invited, name,
                            {"science": science, "tax": tax_officer, "leader": leader_user, "other": outsider})


def test_registering_needs_a_track_of_the_edition_and_a_project(invited, enterprise_user, science, edition):
    with pytest.raises(ValidationError) as err:
        services.registration_transition(registration=invited, name="REGISTER", actor=enterprise_user)
    assert "track" in err.value.error_dict
    with pytest.raises(ValidationError) as err:
        services.registration_transition(registration=invited, name="REGISTER", actor=enterprise_user,
                                         track=edition.tracks.first(), project=" ")
    assert "project" in err.value.error_dict
    done = services.registration_transition(registration=invited, name="REGISTER", actor=enterprise_user,
                                            track=edition.tracks.get(name="新材料"), project="陶瓷基复合材料")
    assert done.status == "registered" and done.track.name == "新材料"


def test_the_check_refuses_a_firm_that_no_longer_qualifies(invited, enterprise_user, science, edition, registry):
    registration = services.registration_transition(registration=invited, name="REGISTER", actor=enterprise_user,
                                                    track=edition.tracks.first(), project="项目")
    ProfileFact.objects.filter(enterprise=registry["own"], field="listed").update(flag=True)
    with pytest.raises(ValidationError) as err:
        services.registration_transition(registration=registration, name="CHECK", actor=science)
    assert "上市企业不得参赛" in str(err.value)
    ProfileFact.objects.filter(enterprise=registry["own"], field="listed").update(flag=False)
    assert services.registration_transition(registration=registration, name="CHECK", actor=science).status == "checked"


def test_a_firm_the_check_would_refuse_cannot_register_until_its_record_is_right(invited, enterprise_user, edition,
                                                                                 registry):
    """The QA walk registered an invited firm outside the recommendation list that the check could never pass."""
    ProfileFact.objects.filter(enterprise=registry["own"], field="listed").update(flag=True)
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as err:
        services.registration_transition(registration=invited, name="REGISTER", actor=enterprise_user,
                                         track=edition.tracks.first(), project="项目")
    assert "按企业档案暂不符合参赛条件：上市企业不得参赛" in str(err.value)
    invited.refresh_from_db()
    assert invited.status == "invited" and AuditEvent.objects.count() == before
    ProfileFact.objects.filter(enterprise=registry["own"], field="listed").update(flag=False)
    done = services.registration_transition(registration=invited, name="REGISTER", actor=enterprise_user,
                                            track=edition.tracks.first(), project="项目")
    assert done.status == "registered"


# --- pages -------------------------------------------------------------------------------------------------------


def test_the_bureau_invites_from_the_candidate_page(science_client, edition, registry):
    url = reverse("competition_detail", args=[edition.code])
    page = science_client.get(url + "?tab=candidates").content.decode()
    assert registry["young"].name in page and registry["big"].name not in page and "另有 6 家企业不符合条件" in page
    bad = science_client.post(reverse("competition_invite", args=[edition.code]), {})
    assert bad.status_code == 400 and "请勾选要邀请的企业" in bad.content.decode()
    response = science_client.post(reverse("competition_invite", args=[edition.code]),
                                   {"enterprises": [registry["young"].pk]})
    assert response.status_code == 302
    listing = science_client.get(url).content.decode()
    assert registry["young"].name in listing and "已邀请 1" in listing


def test_the_firm_answers_its_own_invitation_only(enterprise_client, invited, edition, science, registry):
    other = services.registrations_invite(actor=science, edition=edition, enterprise_ids=[registry["young"].pk])[0]
    home = enterprise_client.get(reverse("competition_list")).content.decode()
    assert registry["own"].name in home and registry["young"].name not in home
    assert enterprise_client.get(reverse("competition_registration", args=[other.pk])).status_code == 404
    url = reverse("competition_registration", args=[invited.pk])
    page = enterprise_client.get(url).content.decode()
    assert "报名参赛" in page and "谢绝参赛" in page and "审核参赛资格" not in page
    act = reverse("competition_registration_act", args=[invited.pk])
    bad = enterprise_client.post(act, {"name": "REGISTER", "project": "陶瓷基复合材料"})
    assert bad.status_code == 400 and "请选择本届的行业赛道" in bad.content.decode()
    assert "陶瓷基复合材料" in bad.content.decode()
    track = edition.tracks.get(name="新材料")
    assert enterprise_client.post(act, {"name": "REGISTER", "track": track.pk, "project": "陶瓷基复合材料"}).status_code == 302
    invited.refresh_from_db()
    assert invited.status == "registered"
    detail = enterprise_client.get(url).content.decode()
    assert "已报名" in detail and "退赛" in detail
    assert enterprise_client.get(reverse("competition_detail", args=[edition.code])).status_code == 200


def test_staff_outside_the_bureau_see_no_registrations(officer_client, invited, edition):
    assert officer_client.get(reverse("competition_registration", args=[invited.pk])).status_code == 404
    page = officer_client.get(reverse("competition_detail", args=[edition.code])).content.decode()
    assert invited.enterprise.name not in page


def test_the_registration_list_costs_the_same_however_many_firms(science, science_client, edition,
                                                                 django_assert_max_num_queries):
    firms = [EnterpriseFactory(name=f"湘潭测试{n}科技有限公司", registered_on=dt.date(2020, 1, 1)) for n in range(12)]
    services.registrations_invite(actor=science, edition=edition, enterprise_ids=[f.pk for f in firms])
    with django_assert_max_num_queries(14):
        response = science_client.get(reverse("competition_detail", args=[edition.code]))
    assert response.status_code == 200 and "湘潭测试11科技有限公司" in response.content.decode()
    with django_assert_max_num_queries(16):
        assert science_client.get(reverse("competition_detail", args=[edition.code]) + "?tab=candidates").status_code == 200


def test_api_scopes_registrations(enterprise_client, science_client, officer_client, invited, edition, science,
                                  registry):
    services.registrations_invite(actor=science, edition=edition, enterprise_ids=[registry["young"].pk])
    assert science_client.get("/api/v1/competition-registrations/").json()["count"] == 2
    rows = enterprise_client.get(f"/api/v1/competition-registrations/?edition={edition.code}").json()["results"]
    assert [r["enterprise"] for r in rows] == [registry["own"].name] and rows[0]["status"] == "invited"
    assert officer_client.get("/api/v1/competition-registrations/").json()["count"] == 0

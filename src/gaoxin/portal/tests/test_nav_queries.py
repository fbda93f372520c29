"""A staff page's navigation, home cards and room predicates ask about the user's org unit and duties (reviewer of a
talent round, chain chief or task force, head of their unit, unread notices): one query per request for all of them
(accounts.permissions.user_facts), not one per room. Before, a department officer's home page ran nine queries, and
one more for each of these duties."""

import pytest
from django.urls import reverse

from gaoxin.accounts.models import OrgAssignment, Position, Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.core.models import Notification


def _chain(chief, member, admin):
    from gaoxin.chains.models import Chain, TaskForceMember

    chain = Chain.objects.create(code="xny", name="新能源装备产业链", chief=chief, created_by=admin)
    TaskForceMember.objects.create(chain=chain, user=member, duty="专班牵头")
    return chain


@pytest.mark.django_db
def test_a_department_officers_home_page_reads_its_duties_in_one_query(client, department, admin_user,
                                                                      django_assert_max_num_queries):
    from gaoxin.talent.models import RecognitionRound
    from gaoxin.talent.tests.factories import round_on_notice

    officer = UserFactory(role=Role.DEPT_OFFICER, org_unit=department, username="busy-officer")
    OrgAssignment.objects.create(user=officer, org_unit=department, position=Position.HEAD)
    round = round_on_notice(reviewer=officer)
    RecognitionRound.objects.filter(pk=round.pk).update(status="review")
    _chain(UserFactory(role=Role.LEADER), officer, admin_user)
    Notification.objects.create(user=officer, message="您有一件新办件待审查", url="/cases/")
    client.force_login(officer)
    client.get(reverse("home"))  # the first request of a process imports the rooms (their facts are declared)
    # session, user, the user's org unit and facts (one query), the firm count of the staff home
    with django_assert_max_num_queries(4):
        page = client.get(reverse("home")).content.decode()
    for card in ("人才认定评审", "我的产业链", "本部门驾驶舱"):
        assert card in page
    assert 'data-testid="unread">1<' in page
    # A plain officer's home page costs the same (no query per duty it lacks).
    plain = UserFactory(role=Role.DEPT_OFFICER, org_unit=department, username="plain-officer")
    client.force_login(plain)
    with django_assert_max_num_queries(4):
        page = client.get(reverse("home")).content.decode()
    assert "人才认定评审" not in page and "我的产业链" not in page and "本部门驾驶舱" not in page


@pytest.mark.django_db
def test_a_reviewer_finds_the_rounds_in_the_navigation_and_a_talent_reads_their_row_once(
        client, department, django_assert_max_num_queries):
    from gaoxin.talent.tests.factories import round_on_notice, talent_of

    reviewer = UserFactory(role=Role.DEPT_OFFICER, org_unit=department, username="reviewer")
    round_on_notice(reviewer=reviewer)
    client.force_login(reviewer)
    page = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("talent_rounds")}"' in page and "人才认定评审" in page
    assert client.get(reverse("talent_rounds")).status_code == 200

    user = UserFactory(role=Role.TALENT, username="own-talent")
    talent = talent_of(n=7, name="欧阳")
    talent.user = user
    talent.save()
    client.force_login(user)
    client.get(reverse("home"))
    # session, user, facts, and the talent's registry row once for the talent, benefits and talent-care cards
    with django_assert_max_num_queries(4):
        page = client.get(reverse("home")).content.decode()
    for card in ("我的人才档案", "我的人才待遇", "我的人才服务"):
        assert card in page

"""同一事项不重复享受 under concurrency: the person, the talent office and the employer claim the same item for one
person at the same moment; exactly one claim is created and the others are refused with the clear message. Needs
real row locks and concurrent connections, so it runs on PostgreSQL (CI runs the suite there)."""

import pytest

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.benefits import services
from gaoxin.benefits.models import TalentClaim
from gaoxin.core.tests.concurrency import at_once, postgresql_only
from gaoxin.enterprises.tests.factories import EnterpriseFactory

from .talent_fixtures import make_talent, office_user, seed_items

pytestmark = [pytest.mark.django_db(transaction=True), postgresql_only]


def test_three_channels_at_once_make_one_claim():
    item = seed_items()["housing-purchase"]
    firm = EnterpriseFactory()
    employer = UserFactory(role=Role.ENTERPRISE)
    employer.enterprise_memberships.create(enterprise=firm)
    person = UserFactory(role=Role.TALENT)
    talent = make_talent(employer=firm, user=person)
    actors = [(person,), (office_user(),), (employer,)] * 3

    def claim(actor):
        return services.talent_claim_create(talent=talent, item=item, actor=actor, bank_account="湘潭银行 6222 0012 3456 7890").number

    numbers, errors = at_once(claim, actors)
    assert len(numbers) == 1 and TalentClaim.objects.filter(talent=talent, item=item).count() == 1
    assert len(errors) == len(actors) - 1 and all("同一事项不重复享受" in e for e in errors), errors[:3]

"""The demo's 一件事 say on their guide what their combined form asks (QA walk of /guide/bundles/startup-one/apply/:
"营业执照（电子证照可免交）" was starred required and blocked submission although the guide says it can be skipped;
the guide's 共享材料 were not the form's)."""

import pytest
from django.test import Client

from gaoxin.accounts.models import OrgKind, OrgUnit, Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.cases import application
from gaoxin.catalog.models import Bundle


@pytest.fixture
def demo_catalog(db):
    from gaoxin.catalog.demo_data import build_demo_catalog
    from gaoxin.demo import DEPARTMENTS

    for i, (code, name, short) in enumerate(DEPARTMENTS):
        OrgUnit.objects.create(code=code, name=name, short_name=short, kind=OrgKind.DEPARTMENT, sort_order=i)
    return build_demo_catalog(actor=UserFactory(role=Role.ZONE_ADMIN))


def shared_on_the_form(bundle) -> list[str]:
    """What the combined form badges 共享材料 (one material several items use), whatever situations are chosen."""
    parts = application.bundle_parts(bundle)
    names = []
    for applicant_type in ("enterprise", "citizen"):
        for part in parts:
            for situation in part.situations or [None]:
                chosen = {p.item.pk: (situation if p is part else None) for p in parts}
                for group in application.material_groups(bundle, parts, chosen, applicant_type):
                    if not group.bundle_form and len(group.item_names) > 1 and group.name not in names:
                        names.append(group.name)
    return names


def test_every_demo_bundles_guide_lists_the_forms_shared_materials(demo_catalog):
    for bundle in Bundle.objects.all():
        assert bundle.shared_material_list() == shared_on_the_form(bundle), bundle.name


def test_the_electronic_licence_is_not_a_required_upload(demo_catalog):
    bundle = Bundle.objects.get(code="startup-one")
    parts = application.bundle_parts(bundle)
    chosen = {p.item.pk: p.situations[0] if p.situations else None for p in parts}
    groups = {g.name: g for g in application.material_groups(bundle, parts, chosen, "enterprise")}
    licence = groups["营业执照（电子证照可免交）"]
    assert licence.licence and not licence.required and len(licence.item_names) == 5
    user = UserFactory(role=Role.ENTERPRISE)
    from gaoxin.enterprises.tests.factories import EnterpriseFactory

    user.enterprise_memberships.create(enterprise=EnterpriseFactory())
    client = Client()
    client.force_login(user)
    html = client.get(f"/guide/bundles/{bundle.code}/apply/").content.decode()
    label = html[html.index(f'for="id_{licence.field_name}"'):]
    label = label[:label.index("</label>")]
    assert "营业执照（电子证照可免交）" in label and "text-danger" not in label  # not starred
    assert "电子证照：通过数据共享获取，可免交" in html
    guide = client.get(f"/guide/bundles/{bundle.code}/").content.decode()
    assert "<li>营业执照（电子证照可免交）</li>" in guide

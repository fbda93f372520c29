"""A talent's service request reads as 人才服务诉求 and sits under 我的人才服务 for the talent (QA walk: it said 企业诉求)."""

import pytest
from django.test import Client
from django.urls import reverse

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.catalog.tests.factories import department
from gaoxin.core.validators import id_check_char
from gaoxin.talent.models import Talent
from gaoxin.talentcare import services

pytestmark = pytest.mark.django_db


def test_the_talent_request_page_is_labelled_for_its_reader():
    office = UserFactory(role=Role.DEPT_OFFICER, org_unit=department("hrss", "人力资源和社会保障局"), username="hrss")
    user = UserFactory(role=Role.TALENT, username="talent1")
    body = "43030219900101001"
    talent = Talent.objects.create(id_number=body + id_check_char(body), name="人才1", phone="13800000000",
                                   education="doctor", created_by=office, user=user)
    appeal = services.talent_appeal_file(actor=user, talent=talent, talent_service="schooling", title="子女入学",
                                         description="孩子9月上小学", contact_phone="13900000000")
    url = reverse("appeal_detail", args=[appeal.number])
    for reader, crumb, href in ((user, "我的人才服务", reverse("talentcare_me")),
                                (office, "人才服务诉求", reverse("appeal_index"))):
        client = Client()
        client.force_login(reader)
        page = client.get(url).content.decode()
        assert f'<a href="{href}" data-testid="crumb">{crumb}</a>' in page and "<title>人才服务诉求" in page

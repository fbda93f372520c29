"""The demo zone: realistic, complete and deterministic for a seed."""

import pytest
from django.core.management import call_command
from django.db import transaction

from gaoxin.accounts.models import OrgAssignment, OrgKind, OrgUnit, Role, User
from gaoxin.core.validators import uscc_is_valid
from gaoxin.demo import DemoAlreadySeeded, build_demo_zone
from gaoxin.enterprises.models import Enterprise, LandParcel


@pytest.mark.django_db
def test_demo_zone_contents():
    counts = build_demo_zone(seed=3, enterprises=300, history=0)  # the case history has tests of its own
    assert counts["enterprises"] == Enterprise.objects.count() == 300
    assert all(uscc_is_valid(code) for code in Enterprise.objects.values_list("uscc", flat=True))
    assert Enterprise.objects.values("industry").distinct().count() >= 10
    assert set(Enterprise.objects.values_list("size_group", flat=True)) == {"ABOVE", "BELOW"}
    assert LandParcel.objects.count() > 200
    assert OrgUnit.objects.filter(kind=OrgKind.DEPARTMENT).count() >= 12
    stations = OrgUnit.objects.filter(kind=OrgKind.STATION)
    assert {s.name[:-6] for s in stations} == {"金荣", "中南", "新松", "万洋众创城", "东方金谷", "家家美商圈"}
    for station in stations:  # 1 head + 1 window specialist + X mobile guides
        positions = list(OrgAssignment.objects.filter(org_unit=station).values_list("position", flat=True))
        assert positions.count("head") == 1 and positions.count("window_specialist") == 1
        assert positions.count("mobile_guide") >= 1
    for role in Role.values:
        assert User.objects.filter(role=role).exists(), role
    assert User.objects.get(username="enterprise").enterprises.count() == 2
    with pytest.raises(DemoAlreadySeeded):
        build_demo_zone(seed=3, enterprises=10)


class _Undo(Exception):
    pass


def _zone():
    return list(Enterprise.objects.order_by("id").values_list("uscc", "name", "size_group", "industry_id"))


@pytest.mark.django_db
def test_same_seed_same_zone():
    with pytest.raises(_Undo), transaction.atomic():
        build_demo_zone(seed=11, enterprises=40, history=0)
        first = _zone()
        raise _Undo
    build_demo_zone(seed=11, enterprises=40, history=0)
    assert _zone() == first


@pytest.mark.django_db
def test_seed_command_prints_logins(capsys):
    call_command("seed_demo", "--enterprises", "20", "--history", "0")
    out = capsys.readouterr().out
    assert "admin" in out and "Gaoxin@2026" in out and "企业 20 家" in out
    call_command("seed_demo", "--enterprises", "20", "--history", "0")
    assert "演示数据已存在" in capsys.readouterr().out


def test_make_demo_prints_the_address_it_serves():
    """`make demo HOST=…` prints the address it serves, not a fixed 127.0.0.1:8000."""
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parents[4]
    plan = subprocess.run(["make", "-n", "demo", "HOST=10.1.2.3:8123", "VENV=/nonexistent-venv"], cwd=root,
                          capture_output=True, text=True).stdout
    assert "http://10.1.2.3:8123" in plan and "runserver 10.1.2.3:8123" in plan
    assert "127.0.0.1:8000" not in plan

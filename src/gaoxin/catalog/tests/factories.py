from django.core.files.base import ContentFile

from gaoxin.accounts.models import OrgKind, OrgUnit
from gaoxin.catalog import services
from gaoxin.catalog.models import Material, ServiceZone, Situation, Theme


def zone(code="startup", name="企业开办"):
    return ServiceZone.objects.get_or_create(code=code, defaults={"name": name})[0]


def department(code="market", name="市场监督管理局"):
    return OrgUnit.objects.get_or_create(code=code, defaults={"name": name, "kind": OrgKind.DEPARTMENT})[0]


def theme(code="startup", name="企业开办"):
    return Theme.objects.get_or_create(code=code, defaults={"name": name})[0]


def make_item(actor, *, code="43037105XK0001", name="企业设立登记", publish=True, situations=("有限责任公司", "合伙企业"),
              dept=None, zone_obj=None, themes=None, **fields):
    """An item with forms and materials; `keywords` and the version's fields pass through."""
    defaults = dict(item_type="licensing", case_type="promised", statutory_limit=15, promised_limit=1,
                    channels=["window", "web"], online_url="https://zwfw.example.gov.cn/apply")
    item = services.item_create(actor=actor, implementation_code=code, department=dept or department(),
                                zone=zone_obj or zone(), themes=[theme()] if themes is None else themes, name=name,
                                **(defaults | fields))
    version = item.versions.get()
    sits = {s: Situation.objects.create(version=version, name=s) for s in situations}
    form = Material.objects.create(version=version, name=f"{name}申请表", necessity="required")
    form.blank_form.save("blank.xlsx", ContentFile(b"PK\x03\x04 blank form"), save=False)
    form.sample_form.save("sample.xlsx", ContentFile(b"PK\x03\x04 sample"), save=True)
    if situations:
        charter = Material.objects.create(version=version, name="公司章程", necessity="required")
        charter.situations.set([sits[situations[0]]])
        agreement = Material.objects.create(version=version, name="合伙协议", necessity="required")
        agreement.situations.set([sits[situations[-1]]])
    Material.objects.create(version=version, name="住所使用证明", necessity="tolerance")
    if publish:
        services.version_publish(version=version, actor=actor)
    item.refresh_from_db()
    return item

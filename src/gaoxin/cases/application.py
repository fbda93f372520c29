"""What an application asks for (reads only, no writes): the materials of the chosen 办理情形,
and for a 一件事 the items, their situations and the union of their materials deduplicated
into one set (一表申请、一套材料, services.md §8). Forms and services both build on these,
so the page asks for exactly what the service accepts."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Prefetch

from gaoxin.catalog.models import (
    Bundle,
    Material,
    MaterialForm,
    MaterialSource,
    Necessity,
    ServiceItem,
    ServiceObject,
    Situation,
)

# Remarks in brackets do not change what a material is: "营业执照（电子证照可免交）" is "营业执照".
_REMARK = re.compile(r"\([^()]*\)")
# A material with a blank form whose name ends so is an item's own application form; in a
# 一件事 with a combined form (Bundle.form) the one signed combined form stands for all of them.
APPLICATION_FORM_SUFFIXES = ("申请表", "申请书", "登记表")
BUNDLE_FORM_KEY = "一表申请"


def material_key(name: str) -> str:
    """The identity of a material across items. The catalogue has no material identity of its
    own (a Material belongs to one item version), so the normalised name is used: full-width
    characters folded (NFKC), remarks in brackets, whitespace and case ignored."""
    text = unicodedata.normalize("NFKC", name or "")
    while True:
        stripped = _REMARK.sub("", text)
        if stripped == text:
            break
        text = stripped
    return "".join(text.split()).lower()


def is_application_form(material: Material) -> bool:
    return bool(material.blank_form) and material_key(material.name).endswith(APPLICATION_FORM_SUFFIXES)


def is_electronic_licence(material: Material) -> bool:
    """电子证照 (services.md §3.5, "whether it can be pulled from electronic licences"): a material a government
    department issues in electronic form, e.g. 营业执照（电子证照可免交）. It is obtained through data sharing, so
    it is never a required upload and never holds up acceptance; the applicant may still upload a copy."""
    return material.source == MaterialSource.GOVERNMENT and material.form == MaterialForm.ELECTRONIC


def must_upload(material: Material) -> bool:
    """Online, where uploads are the only way in: a required material that is not shared as an 电子证照."""
    return material.necessity == Necessity.REQUIRED and not is_electronic_licence(material)


# A requirement only a unit can meet: a natural person signs instead.
_SEAL = re.compile(r"加盖(?:单位)?公章")


def requirement_for(notes: str, applicant_type: str | None) -> str:
    """A material's requirement text as it fits the applicant: a natural person (no 单位公章) signs; when the
    applicant may still be either, both are said."""
    if not notes or not _SEAL.search(notes) or applicant_type == "enterprise":
        return notes or ""
    if applicant_type == "citizen":
        return _SEAL.sub("由申请人本人签字", notes)
    return _SEAL.sub(lambda m: f"{m.group(0)}（个人申请的由本人签字）", notes)


def accepts_citizens(version) -> bool:
    return version.service_object in (ServiceObject.NATURAL, ServiceObject.BOTH)


def accepts_enterprises(version) -> bool:
    return version.service_object in (ServiceObject.LEGAL, ServiceObject.BOTH)


def situation_materials(materials: list[Material], situation: Situation | None) -> list[Material]:
    """The checklist of one situation: its own materials and those of every situation (no
    situation named). Without a chosen situation only the latter: the rest depends on the choice."""
    chosen = situation.pk if situation else None
    return [m for m in materials if not m.situations.all() or any(s.pk == chosen for s in m.situations.all())]


def version_situations_and_materials(version) -> tuple[list[Situation], list[Material]]:
    situations = list(version.situations.all())
    materials = list(version.materials.prefetch_related("situations"))
    return situations, materials


def pick_situation(situations: list[Situation], raw) -> Situation | None:
    """The situation named by a request parameter, if it is one of the item's; a single
    situation is chosen without asking."""
    if len(situations) == 1:
        return situations[0]
    try:
        pk = int(raw or 0)
    except (TypeError, ValueError):
        return None
    return next((s for s in situations if s.pk == pk), None)


# --- 一件事 ---------------------------------------------------------------------------------

@dataclass
class Part:
    """One item of a bundle with its current version's situations and materials."""

    item: ServiceItem
    situations: list[Situation]
    materials: list[Material]

    @property
    def version(self):
        return self.item.current_version

    @property
    def situation_field(self) -> str:
        return f"situation_{self.item.pk}"

    @property
    def accepts_citizens(self) -> bool:
        return accepts_citizens(self.version)


def bundle_parts(bundle: Bundle) -> list[Part]:
    items = (ServiceItem.objects.filter(bundleitem__bundle=bundle).select_related("current_version", "department")
             .prefetch_related("current_version__situations",
                               Prefetch("current_version__materials",
                                        queryset=Material.objects.prefetch_related("situations")))
             .order_by("bundleitem__sort_order", "bundleitem__id"))
    return [Part(item=i, situations=list(i.current_version.situations.all()),
                 materials=list(i.current_version.materials.all())) for i in items if i.current_version_id]


def starts_firm(item: ServiceItem) -> bool:
    """A registration item that creates a firm (settings.GAOXIN_FIRM_REGISTRATION_ITEMS: 企业设立登记 …)."""
    return item.name in settings.GAOXIN_FIRM_REGISTRATION_ITEMS


def bundle_accepts_citizens(parts: list[Part]) -> bool:
    """A natural person may apply for a 一件事 when one of its items accepts natural persons
    (企业开办: the founder applies; the other items are done for the firm being set up)."""
    return any(p.accepts_citizens for p in parts)


@dataclass
class Group:
    """One material of the combined checklist and every item material it stands for."""

    key: str
    name: str
    members: list[tuple[Part, Material]] = field(default_factory=list)
    bundle_form: bool = False
    deferred: bool = False  # belongs only to items of the firm a natural person is setting up

    @property
    def field_name(self) -> str:
        # Field names stay stable when the chosen situations change the list.
        return "m_" + hashlib.sha1(self.key.encode()).hexdigest()[:12]

    @property
    def necessity(self) -> str:
        if self.bundle_form:
            return Necessity.REQUIRED
        kinds = {m.necessity for _, m in self.members}
        for kind in (Necessity.REQUIRED, Necessity.TOLERANCE):
            if kind in kinds:
                return kind
        return Necessity.OPTIONAL

    @property
    def licence(self) -> bool:
        """Every item takes it as an 电子证照 (shared, not uploaded)."""
        return not self.bundle_form and all(is_electronic_licence(m) for _, m in self.members)

    @property
    def required(self) -> bool:
        return self.necessity == Necessity.REQUIRED and not self.deferred and not self.licence

    @property
    def item_names(self) -> list[str]:
        names = []
        for part, _ in self.members:
            if part.item.name not in names:
                names.append(part.item.name)
        return names

    @property
    def notes(self) -> str:
        return next((m.notes for _, m in self.members if m.notes), "")


def material_groups(bundle: Bundle, parts: list[Part], chosen: dict[int, Situation | None],
                    applicant_type: str) -> list[Group]:
    """The union of the items' materials for the chosen situations, one group per material
    identity, in the order the items and their checklists list them. With a combined form, the
    items' own application forms become the one combined form. For a natural person, materials
    needed only by items that natural persons cannot apply for (the new firm's seal, invoices,
    social insurance...) are not asked for now: they follow once the firm is registered."""
    groups: dict[str, Group] = {}
    citizen = applicant_type == "citizen"
    if bundle.form:
        groups[BUNDLE_FORM_KEY] = Group(key=BUNDLE_FORM_KEY, name=f"{bundle.name}申请表（一表申请）", bundle_form=True)
    for part in parts:
        for material in situation_materials(part.materials, chosen.get(part.item.pk)):
            key = BUNDLE_FORM_KEY if bundle.form and is_application_form(material) else material_key(material.name)
            group = groups.get(key)
            if group is None:
                group = groups[key] = Group(key=key, name=material.name)
            group.members.append((part, material))
    for group in groups.values():
        group.deferred = citizen and not group.bundle_form and not any(p.accepts_citizens for p, _ in group.members)
    return [g for g in groups.values() if g.members]

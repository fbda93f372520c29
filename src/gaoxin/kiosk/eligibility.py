"""Whether an item can be done at the kiosk, and if not, why (platform.md §1: exactly the published items whose
current version is 即办 and kiosk-enabled; an item that is not eligible says why). Pure: reads the item and version
objects handed in, no queries."""

from __future__ import annotations

PUBLISHED = "published"
IMMEDIATE = "immediate"
KIOSK = "kiosk"
LEGAL, NATURAL, BOTH = "legal", "natural", "both"


def kiosk_enabled(item, version) -> bool:
    """The kiosk's list: published, current version 即办 and offered at the kiosk."""
    return (item.status == PUBLISHED and version is not None and version.case_type == IMMEDIATE
            and KIOSK in (version.channels or []))


def unavailable_reason(item, version, *, has_firms: bool, as_self: bool = True) -> str | None:
    """None when the person may complete the item here; else the reason in words a visitor understands."""
    if item.status != PUBLISHED or version is None:
        return "该事项暂停办理，暂不能申请。"
    if KIOSK not in (version.channels or []):
        return "该事项未开通自助办理，需要到窗口办理。"
    if version.case_type != IMMEDIATE:
        return (f"该事项是承诺件（承诺{version.promised_limit}个{version.get_promised_unit_display()}内办结），"
                "需要工作人员审查，不能在自助终端当场办结。")
    if version.service_object == NATURAL and not as_self:
        return "该事项只受理个人申请，扫码登录的账号没有登记身份证号码。请刷身份证登录后办理。"
    if version.service_object == LEGAL and not has_firms:
        return "该事项只受理企业申请，您的身份证号码没有关联企业（企业账号绑定或法定代表人）。"
    return None


def applicant_choices(version, *, person_name: str, firms, as_self: bool = True) -> list[tuple[str, str]]:
    """Who may apply: each of the person's firms (if the item takes firms) and the person (if it takes people and
    the person's ID number is known: a QR log-in of an account without one can act only for its firms)."""
    choices = []
    if version.service_object in (LEGAL, BOTH):
        choices += [(f"firm:{f.pk}", f.name) for f in firms]
    if version.service_object in (NATURAL, BOTH) and as_self:
        choices.append(("self", f"本人（{person_name}）"))
    return choices

"""Conflicts of interest between a judge and an entry (issue 22 item 5), pure: no Django. A judge is refused for an
entry when the entry's firm is the judge's employer, shares its legal representative with the employer (same person in
the registry), belongs to the same group of companies, or is a firm the judge declared as related. Each refusal
carries its reason in Chinese, shown to the organiser and the judge."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FirmIdentity:
    firm_id: int
    name: str
    legal_representative: str = ""
    group: str = ""  # the group of companies (集团), where known


@dataclass(frozen=True)
class JudgeTies:
    employer: FirmIdentity | None = None
    declared: tuple[FirmIdentity, ...] = ()  # firms the judge declared as related (shareholdings, former posts)


def _same_person(a: str, b: str) -> bool:
    return bool(a.strip()) and a.strip() == b.strip()


def conflict_reasons(judge: JudgeTies, firm: FirmIdentity) -> list[str]:
    reasons = []
    employer = judge.employer
    if employer is not None:
        if employer.firm_id == firm.firm_id:
            reasons.append(f"评委任职于参赛企业{firm.name}")
        else:
            if _same_person(employer.legal_representative, firm.legal_representative):
                reasons.append(f"评委任职单位{employer.name}与参赛企业的法定代表人均为{firm.legal_representative.strip()}")
            if _same_person(employer.group, firm.group):
                reasons.append(f"评委任职单位{employer.name}与参赛企业同属{firm.group.strip()}")
    for related in judge.declared:
        if related.firm_id == firm.firm_id:
            reasons.append(f"评委申报的关联企业：{firm.name}")
    return reasons

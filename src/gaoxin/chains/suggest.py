"""Which firms of the registry fit which chain nodes (pure: no Django, testable on hand-built registries).

A node names GB/T 4754 industries (divisions such as "38", or finer codes such as "3841") and product keywords.
The registry keeps a firm's division, optionally its finer industry code, and its name — it has no product or
business-scope field, and a manufacturer's name carries its product word (湘潭XX电缆有限公司) — so:

- industry fits: the firm's division, or its finer code, starts with one of the node's codes;
- keyword fits: one of the node's keywords appears in the firm's name;
- a firm fits a node when every criterion the node sets fits (industry and keywords both, where both are set);
  a node with neither suggests nobody; firms no longer operating (注销, 迁出) are never suggested.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class NodeSpec:
    id: int
    codes: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class FirmFacts:
    id: int
    division: str
    industry_code: str = ""
    name: str = ""
    operating: bool = True
    division_name: str = ""  # the GB/T 4754 division's name, for the basis a person reads


@dataclass(frozen=True)
class Suggestion:
    node_id: int
    firm_id: int
    basis: str  # why, in Chinese: 行业 电池制造（3841）；关键词 储能


def _industry_hit(node: NodeSpec, firm: FirmFacts) -> str | None:
    for code in node.codes:
        if firm.industry_code and firm.industry_code.startswith(code):
            return firm.industry_code
        if firm.division and firm.division.startswith(code):
            return firm.division
    return None


def _keyword_hit(node: NodeSpec, firm: FirmFacts) -> str | None:
    return next((word for word in node.keywords if word and word in firm.name), None)


def fits(node: NodeSpec, firm: FirmFacts) -> str | None:
    """The basis on which `firm` fits `node`, or None."""
    if not firm.operating or not (node.codes or node.keywords):
        return None
    basis = []
    if node.codes:
        code = _industry_hit(node, firm)
        if code is None:
            return None
        basis.append(f"行业 {firm.division_name}（{code}）" if firm.division_name else f"行业 {code}")
    if node.keywords:
        word = _keyword_hit(node, firm)
        if word is None:
            return None
        basis.append(f"关键词 {word}")
    return "；".join(basis)


def suggest(nodes: Iterable[NodeSpec], firms: Iterable[FirmFacts]) -> list[Suggestion]:
    """Every (node, firm) pair that fits, in node then firm order."""
    firms = list(firms)
    out = []
    for node in nodes:
        for firm in firms:
            basis = fits(node, firm)
            if basis is not None:
                out.append(Suggestion(node.id, firm.id, basis))
    return out


def gaps(node_ids: Iterable[int], local_member_node_ids: Iterable[int]) -> list[int]:
    """Nodes with no confirmed local firm (链主 or 配套): the chain's 补链 targets, in the given order."""
    held = set(local_member_node_ids)
    return [n for n in node_ids if n not in held]

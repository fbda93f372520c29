"""Interest subsidy (贴息) and risk compensation amounts, pure Decimal arithmetic (no Django): tested against
hand-computed vectors. Money in 元, rounded half up to the fen at the end only."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")


@dataclass(frozen=True)
class SubsidyTerms:
    share: Decimal  # the part of the interest the zone pays (0.5 = half)
    rate_ceiling: Decimal  # annual rate (%) above which interest is not subsidised
    months: int  # at most this many months of interest per loan
    cap: Decimal  # at most this much per loan (元)


@dataclass(frozen=True)
class Subsidy:
    amount: Decimal
    interest: Decimal  # the subsidised interest before the share and the cap
    rate: Decimal  # the rate used (the loan's, or the ceiling)
    months: int
    capped: bool


def interest_subsidy(*, principal: Decimal, annual_rate: Decimal, term_months: int, terms: SubsidyTerms) -> Subsidy:
    """principal × min(rate, ceiling) % × min(term, months) / 12 × share, capped, rounded half up to the fen."""
    principal, annual_rate = Decimal(principal), Decimal(annual_rate)
    if principal <= 0 or annual_rate <= 0 or term_months <= 0:
        return Subsidy(Decimal("0.00"), Decimal("0.00"), min(annual_rate, terms.rate_ceiling), 0, False)
    rate = min(annual_rate, terms.rate_ceiling)
    months = min(int(term_months), terms.months)
    interest = principal * rate / Decimal(100) * Decimal(months) / Decimal(12)
    raw = interest * terms.share
    capped = raw > terms.cap
    amount = (terms.cap if capped else raw).quantize(FEN, rounding=ROUND_HALF_UP)
    return Subsidy(amount, interest.quantize(FEN, rounding=ROUND_HALF_UP), rate, months, capped)


def compensation_limit(*, disbursed: Decimal, share: Decimal) -> Decimal:
    """The most the pool pays a bank for a defaulted loan: its share of the disbursed principal."""
    return (Decimal(disbursed) * share).quantize(FEN, rounding=ROUND_HALF_UP)

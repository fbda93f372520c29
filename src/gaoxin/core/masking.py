"""Masking of personal data for lists, logs and exports (CONVENTIONS §4)."""


def mask_id_number(value: str | None) -> str:
    """430302199001011234 -> 430302********1234 (region and last four kept)."""
    if not value:
        return ""
    value = str(value)
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str | None) -> str:
    """13812345678 -> 138****5678."""
    if not value:
        return ""
    value = str(value)
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_bank_account(value: str | None) -> str:
    """湘潭银行 6222 0012 3456 7890 -> 湘潭银行 **** **** **** 7890: the bank's name and the last four digits kept,
    every other digit hidden."""
    if not value:
        return ""
    value = str(value)
    digits = [i for i, ch in enumerate(value) if ch.isdigit()]
    hidden = set(digits[:-4]) if len(digits) > 4 else set(digits)
    return "".join("*" if i in hidden else ch for i, ch in enumerate(value))

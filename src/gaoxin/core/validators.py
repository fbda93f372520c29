"""Check digits for the Unified Social Credit Code (GB 32100-2015) and the resident
identity number (GB 11643-1999), implemented here because python-stdnum rejects
valid codes (specs/services.md §12.3). Pure functions, no Django: the field validators that turn the
reasons into ValidationErrors are in `core.field_validators`."""

from __future__ import annotations

import datetime as dt
import re

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {c: i for i, c in enumerate(USCC_ALPHABET)}
_USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]  # 1 3 9 27 19 26 16 ...

_ID_WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]  # 7 9 10 5 8 4 2 1 6 3 ...
_ID_CHECK = "10X98765432"

# A contact phone as every form accepts it, page and API alike: a mobile number (11 digits, 13–19 first: no network
# issues 10–12) or a landline with its area code (0 and 2-3 digits, an optional hyphen, 7-8 digits). ASCII digits
# only ((?a)): Python's \d also matches full-width and other scripts' digits, which no SMS gateway dials.
PHONE_PATTERN = r"(?a)^(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$"
MOBILE_PATTERN = r"(?a)^1[3-9]\d{9}$"


def year_param(value) -> int | None:
    """A `year` filter from a query string as a year a date can have (1–9999), else None: no year filter (a year
    like 32767 would make the database's date bounds fail; the pages ignore such a year, as they do a word)."""
    value = str(value or "").strip()
    return int(value) if value.isdigit() and 1 <= int(value) <= 9999 else None


def normalize_code(value: str) -> str:
    """Strip all whitespace and upper-case, as clerks paste codes with spaces."""
    return "".join(str(value).split()).upper()


def uscc_check_char(body: str) -> str:
    """Check character for the first 17 characters of a USCC."""
    total = sum(_USCC_VALUE[c] * w for c, w in zip(body, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def uscc_problem(value: str) -> str | None:
    """Why a USCC is invalid (Chinese, for users), or None when it is valid."""
    code = normalize_code(value)
    if len(code) != 18:
        return f"统一社会信用代码应为18位，实际为{len(code)}位"
    bad = [c for c in code if c not in _USCC_VALUE]
    if bad:
        return f"含有不允许的字符“{bad[0]}”（代码不使用I、O、Z、S、V）"
    if not code[2:8].isdigit():
        return "第3至8位应为行政区划代码（数字）"
    # Not the expected check character: a slip anywhere changes it, so naming it would lead to a wrong code.
    if code[17] != uscc_check_char(code[:17]):
        return "校验码错误：代码中有字符输入有误，请逐位核对"
    return None


def uscc_is_valid(value: str) -> bool:
    return uscc_problem(value) is None


def id_check_char(body: str) -> str:
    """Check character (ISO 7064 MOD 11-2) for the first 17 digits of an ID number."""
    total = sum(int(c) * w for c, w in zip(body, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def id_number_problem(value: str) -> str | None:
    """Why an 18-character resident ID number is invalid, or None when it is valid.
    The region code is not checked: the table changes over time (services.md §12.2)."""
    number = normalize_code(value)
    if len(number) != 18:
        return f"身份证号码应为18位，实际为{len(number)}位"
    if not number[:17].isdigit():
        return "前17位应全部为数字"
    try:
        dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return f"出生日期{number[6:14]}不是有效日期"
    if number[17] != id_check_char(number[:17]):
        return "校验码错误：号码中有数字输入有误，请逐位核对"
    return None


def id_number_is_valid(value: str) -> bool:
    return id_number_problem(value) is None


BANK_ACCOUNT_DIGITS = (8, 32)  # personal cards have 16–19 digits, corporate accounts 8–25 and more


def bank_account_problem(value: str) -> str | None:
    """A payee account written as 开户行 + 账号 ("湘潭银行高新支行 6222 0012 3456 7890"): the bank named, the account number
    8–32 digits (spaces and hyphens between them allowed). None when it is such, else the Chinese reason."""
    value = (value or "").strip()
    if not value:
        return "请填写收款账户"
    match = re.search(r"\d[\d\s-]*\d|\d", value)
    digits = re.sub(r"\D", "", match.group(0)) if match else ""
    bank = (value[:match.start()] + value[match.end():]).strip() if match else value
    if not digits:
        return "请填写收款账号（数字）"
    if len(re.findall(r"\d", value)) != len(digits):
        return "账号应为一串连续的数字（可用空格分隔），不要夹杂其他文字"
    low, high = BANK_ACCOUNT_DIGITS
    if not low <= len(digits) <= high:
        return f"账号应为{low}至{high}位数字，现为{len(digits)}位"
    if len(re.sub(r"[\s\W_]", "", bank)) < 2:
        return "请写明开户行，如“湘潭银行高新支行 6222 0012 3456 7890”"
    return None

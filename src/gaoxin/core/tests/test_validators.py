"""USCC and resident ID checks: the examples of specs/services.md §12 plus properties."""

import datetime as dt

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from gaoxin.core.masking import mask_bank_account, mask_id_number, mask_phone
from gaoxin.core.validators import (
    USCC_ALPHABET,
    id_check_char,
    id_number_is_valid,
    id_number_problem,
    uscc_check_char,
    uscc_is_valid,
    uscc_problem,
)

VALID_USCC = [
    "91110000600037341L", "91512081MA62K0260E", "91350100M000100Y43", "91430300MA4L000020",
    "N2430302MF00000017", "Y1430300MJ0000001B", "A1110000MB0000001M",
]
INVALID_USCC = {
    "91110000600037341A": "校验码错误：代码中有字符输入有误，请逐位核对",
    "91350100M000100Y4Z": "不允许的字符“Z”",
    "9111000060003734IL": "不允许的字符“I”",
    "9111000060003734": "应为18位",
    "91AB0000600037341L": "行政区划代码",
}
VALID_ID = [
    "11010519491231002X", "360426199101010071", "440524188001010014", "34052419800101001X",
    "810000199001010019", "830000199001010012", "931586199001010014",
]


@pytest.mark.parametrize("code", VALID_USCC)
def test_valid_uscc_examples(code):
    assert uscc_problem(code) is None


@pytest.mark.parametrize("code,reason", INVALID_USCC.items())
def test_invalid_uscc_examples_name_the_reason(code, reason):
    assert reason in uscc_problem(code)


def test_uscc_is_normalised_before_checking():
    assert uscc_is_valid(" 9111 0000 6000 3734 1l ")


def test_uscc_worked_sums():
    # services.md: remainder 0 gives check '0'; S = 538 gives 'L'.
    assert uscc_check_char("91430300MA4L00002") == "0"
    assert uscc_check_char("91110000600037341") == "L"


@pytest.mark.parametrize("number", VALID_ID)
def test_valid_id_examples(number):
    assert id_number_problem(number) is None


def test_invalid_id_examples():
    assert "校验码错误" in id_number_problem("110105194912310021")
    assert "不是有效日期" in id_number_problem("110105194902300020")
    assert id_number_is_valid("11010519491231002x")  # lower-case x accepted
    assert "应为18位" in id_number_problem("11010519491231")


uscc_body = st.tuples(
    st.sampled_from("123456789ANY"), st.sampled_from("123456789"),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.text(alphabet=USCC_ALPHABET, min_size=9, max_size=9),
).map("".join)


@given(uscc_body)
def test_uscc_round_trip(body):
    assert uscc_is_valid(body + uscc_check_char(body))


@given(uscc_body, st.integers(min_value=0, max_value=16), st.sampled_from(USCC_ALPHABET))
def test_uscc_detects_any_single_substitution(body, position, char):
    code = body + uscc_check_char(body)
    assume(code[position] != char)  # a substitution changes the character
    # A letter in the region code fails on format, not on the check character.
    assume(not (2 <= position < 8 and not char.isdigit()))
    mutated = code[:position] + char + code[position + 1:]
    assert not uscc_is_valid(mutated)


# Years from 1000: earlier years print with fewer than four digits and make no 17-digit body.
@given(st.dates(min_value=dt.date(1000, 1, 1)), st.text(alphabet="0123456789", min_size=6, max_size=6),
       st.integers(0, 999))
def test_id_round_trip(birth, region, seq):
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    assert len(body) == 17
    assert id_number_is_valid(body + id_check_char(body))


def test_masking():
    assert mask_id_number("430302199001011234") == "430302********1234"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_id_number("") == ""
    assert mask_bank_account("工商银行 6222020012345678") == "工商银行 ************5678"
    assert mask_bank_account("1234") == "****" and mask_bank_account("") == ""


@pytest.mark.parametrize(("value", "problem"), [
    ("湘潭银行高新支行 6222 0012 3456 7890", None),
    ("建行 6227-0000-2222", None),
    ("农业银行 6228 9999", None),  # 8 digits: the shortest accepted
    ("", "请填写收款账户"),
    ("abc", "请填写收款账号（数字）"),
    ("工商银行 6222****0002", "账号应为一串连续的数字（可用空格分隔），不要夹杂其他文字"),
    ("农业银行 6228", "账号应为8至32位数字，现为4位"),
    ("6222001234567890", "请写明开户行，如“湘潭银行高新支行 6222 0012 3456 7890”"),
])
def test_a_payee_account_names_the_bank_and_a_full_number(value, problem):
    from gaoxin.core.validators import bank_account_problem

    assert bank_account_problem(value) == problem


def test_a_wrong_check_character_is_not_named():
    """A slip in any digit changes the check character; naming the "right" one would lead a person to a wrong
    number (QA walk of the kiosk: 第18位应为“X” was followed and logged in someone else's number)."""
    slipped = "430302198001021234"  # one digit of 43030219800101123X changed
    assert id_number_problem(slipped) == "校验码错误：号码中有数字输入有误，请逐位核对"
    assert uscc_problem("91110000600037341A") == "校验码错误：代码中有字符输入有误，请逐位核对"

"""Tests for backend.codes: USCC, citizen ID, masking, region and industry code formats."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.codes import (
    USCC_CHARSET,
    CodeError,
    birth_date_from_citizen_id,
    check_citizen_id,
    check_industry_code,
    check_region_code,
    check_uscc,
    check_uscc_org_code,
    citizen_id_check_char,
    gender_from_citizen_id,
    make_citizen_id,
    make_uscc,
    mask_citizen_id,
    mask_phone,
    org_code_check_char,
    uscc_check_char,
)

TODAY = date(2025, 6, 30)


def error_of(func, *args, **kwargs) -> CodeError:
    with pytest.raises(CodeError) as excinfo:
        func(*args, **kwargs)
    return excinfo.value


# --------------------------------------------------------------------------- USCC: real codes

# Codes cross-checked by hand against the algorithm. Each passes two independent checks
# (GB 32100 mod 31 and the embedded GB 11714 mod 11), so a chance pass is about 1 in 341.
KNOWN_VALID_USCC = [
    "91350100M000100Y43",  # worked example in GB 32100-2015
    "91110108551385082Q",  # published business-registration codes of large companies
    "914403001922038216",
    "91440300708461136T",
    "91110000802100433B",
    "91330100716105852F",
]


@pytest.mark.parametrize("code", KNOWN_VALID_USCC)
def test_published_uscc_codes_are_accepted(code):
    assert check_uscc(code) == code


@pytest.mark.parametrize("code", KNOWN_VALID_USCC)
def test_published_uscc_codes_have_the_check_chars_the_algorithms_compute(code):
    assert uscc_check_char(code[:17]) == code[17]
    assert org_code_check_char(code[8:16]) == code[16]


def test_a_uscc_with_a_wrong_check_char_is_rejected_naming_the_right_one():
    err = error_of(check_uscc, "911101087461187839")
    assert err.code == "uscc_org_check"
    err = error_of(check_uscc, "911101087461187839", check_org_code=False)
    assert err.code == "uscc_check"
    assert err.message == "统一社会信用代码校验位错误：应为H，实际为9"


# --------------------------------------------------------------------------- USCC: normalising


def test_uscc_is_returned_stripped_and_upper_cased():
    assert check_uscc("  91350100m000100y43\n") == "91350100M000100Y43"


def test_uscc_typed_with_full_width_characters_is_folded_to_ascii():
    assert check_uscc("\u3000９１３５０１００Ｍ０００１００Ｙ４３") == "91350100M000100Y43"


# --------------------------------------------------------------------------- USCC: errors


@pytest.mark.parametrize("value", [911101085513850820, 9.1e17, None, b"91350100M000100Y43"])
def test_uscc_that_is_not_text_is_rejected(value):
    err = error_of(check_uscc, value)
    assert err.code == "uscc_not_text"
    assert "必须是文本" in err.message


def test_uscc_given_as_a_number_explains_that_the_column_must_be_text():
    err = error_of(check_uscc, 911101085513850820)
    assert "丢失字母和开头的0" in err.message
    assert "文本" in err.message


def test_uscc_error_is_a_value_error():
    assert isinstance(error_of(check_uscc, ""), ValueError)


@pytest.mark.parametrize(("value", "length"), [("", 0), ("91350100M000100Y4", 17), ("9" * 19, 19)])
def test_uscc_of_wrong_length_is_rejected_with_the_actual_length(value, length):
    err = error_of(check_uscc, value)
    assert err.code == "uscc_length"
    assert err.message == f"统一社会信用代码应为18位，实际为{length}位"


@pytest.mark.parametrize("bad", ["I", "O", "Z", "S", "V", "-", "中"])
def test_uscc_with_a_character_outside_the_charset_is_rejected_naming_position(bad):
    value = "91350100M" + bad + "00100Y43"
    err = error_of(check_uscc, value)
    assert err.code == "uscc_charset"
    assert err.message.startswith(f"统一社会信用代码第10位“{bad}”不是有效字符")


def test_uscc_with_an_inner_space_names_the_invisible_character():
    err = error_of(check_uscc, "91350100M 00100Y43")
    assert err.code == "uscc_charset"
    assert "U+0020" in err.message


def test_uscc_with_letters_in_the_region_part_is_rejected():
    first16 = "91AB0100M000100Y"
    first17 = first16 + "4"
    err = error_of(check_uscc, first17 + uscc_check_char(first17))
    assert err.code == "uscc_region"
    assert "第3–8位" in err.message


def test_uscc_with_a_wrong_organisation_code_check_char_is_rejected():
    first17 = "91350100M000100Y5"  # correct org check char is 4
    err = error_of(check_uscc, first17 + uscc_check_char(first17))
    assert err.code == "uscc_org_check"
    assert err.message == (
        "统一社会信用代码第9–17位（组织机构代码）校验位错误：第17位应为4，实际为5"
    )


def test_uscc_organisation_code_check_can_be_relaxed():
    first17 = "91350100M000100Y5"
    code = first17 + uscc_check_char(first17)
    assert check_uscc(code, check_org_code=False) == code


def test_organisation_code_check_function_accepts_a_valid_code():
    assert check_uscc_org_code("91350100M000100Y43") is None


def test_uscc_with_a_wrong_final_check_char_is_rejected():
    err = error_of(check_uscc, "91350100M000100Y44")
    assert err.code == "uscc_check"
    assert err.message == "统一社会信用代码校验位错误：应为3，实际为4"


# --------------------------------------------------------------------------- USCC: check chars


@pytest.mark.parametrize(
    ("body", "expected"),
    [("00000000", "0"), ("00000001", "9"), ("00000005", "1"), ("00000004", "3")],
)
def test_organisation_code_check_char_maps_10_to_x_and_11_to_0(body, expected):
    assert org_code_check_char(body) == expected


def test_organisation_code_check_char_can_be_x():
    body = next(f"{n:08d}" for n in range(1000) if org_code_check_char(f"{n:08d}") == "X")
    assert sum(int(c) * w for c, w in zip(body, [3, 7, 9, 10, 5, 8, 4, 2], strict=True)) % 11 == 1


def test_uscc_check_char_of_all_zeros_is_zero():
    assert uscc_check_char("0" * 17) == "0"


@pytest.mark.parametrize("bad", ["0" * 16, "0" * 18, "0" * 16 + "I"])
def test_uscc_check_char_refuses_malformed_input(bad):
    with pytest.raises(ValueError):
        uscc_check_char(bad)


def test_make_uscc_rebuilds_the_standard_example():
    assert make_uscc(region="350100", org_body8="M000100Y") == "91350100M000100Y43"


def test_make_uscc_uses_the_documented_defaults():
    code = make_uscc(org_body8="12345678")
    assert code.startswith("91220100")
    assert check_uscc(code) == code


@pytest.mark.parametrize(
    "kwargs",
    [
        {"org_body8": "1234567"},
        {"org_body8": "1234567I"},
        {"org_body8": "12345678", "region": "22010A"},
        {"org_body8": "12345678", "authority": "91"},
        {"org_body8": "12345678", "org_type": "Z"},
    ],
)
def test_make_uscc_refuses_malformed_parts(kwargs):
    with pytest.raises(ValueError):
        make_uscc(**kwargs)


# --------------------------------------------------------------------------- USCC: properties

# Independent restatements of the standards (not sharing the module's tables): GB 32100 weights
# are 3^(i-1) mod 31 and that sum plus the check value is 0 mod 31; GB 11714's
# check value (X = 10, "0" standing for 11) makes the weighted sum 0 mod 11.


@given(st.text(alphabet=USCC_CHARSET, min_size=17, max_size=17))
def test_uscc_check_char_makes_the_weighted_sum_divisible_by_31(first17):
    check = uscc_check_char(first17)
    total = sum(USCC_CHARSET.index(ch) * pow(3, i, 31) for i, ch in enumerate(first17))
    assert (total + USCC_CHARSET.index(check)) % 31 == 0


@given(st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=8, max_size=8))
def test_organisation_code_check_char_makes_the_weighted_sum_divisible_by_11(body):
    check = org_code_check_char(body)
    weights = [3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(ch, 36) * w for ch, w in zip(body, weights, strict=True))
    check_value = {"X": 10, "0": 11}[check] if check in "X0" else int(check)
    assert (total + check_value) % 11 == 0


uscc_chars = st.sampled_from(USCC_CHARSET)
valid_usccs = st.builds(
    lambda authority, org_type, region, body: make_uscc(
        authority=authority, org_type=org_type, region=region, org_body8=body
    ),
    uscc_chars,
    uscc_chars,
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.text(alphabet=USCC_CHARSET, min_size=8, max_size=8),
)


@given(valid_usccs)
def test_any_generated_uscc_is_accepted(code):
    assert check_uscc(code) == code


@given(valid_usccs)
def test_any_generated_uscc_is_accepted_in_lower_case_with_spaces(code):
    assert check_uscc(f" {code.lower()} ") == code


@given(valid_usccs, st.integers(0, 17), st.integers(1, 30))
def test_changing_any_single_uscc_character_is_rejected(code, position, shift):
    replacement = USCC_CHARSET[(USCC_CHARSET.index(code[position]) + shift) % 31]
    mutated = code[:position] + replacement + code[position + 1 :]
    assert mutated != code
    with pytest.raises(CodeError):
        check_uscc(mutated)


@given(valid_usccs, st.integers(0, 17), st.integers(1, 30))
def test_changing_any_single_uscc_character_is_rejected_even_without_org_check(
    code, position, shift
):
    replacement = USCC_CHARSET[(USCC_CHARSET.index(code[position]) + shift) % 31]
    mutated = code[:position] + replacement + code[position + 1 :]
    with pytest.raises(CodeError):
        check_uscc(mutated, check_org_code=False)


@given(
    st.text(alphabet=USCC_CHARSET, min_size=2, max_size=2),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.text(alphabet=USCC_CHARSET, min_size=8, max_size=8),
    st.one_of(st.none(), uscc_chars),
    st.one_of(st.none(), uscc_chars),
)
def test_the_short_way_for_well_formed_codes_agrees_with_the_reference_algorithms(
    head, region, body, org_char, check_char
):
    # check_uscc sums a well-formed code's weights by int() in another base; the reference
    # functions sum them character by character. None: the right check character.
    org = org_code_check_char(body) if org_char is None else org_char
    first17 = head + region + body + org
    last = uscc_check_char(first17) if check_char is None else check_char
    code = first17 + last
    if last == uscc_check_char(first17):
        assert check_uscc(code, check_org_code=False) == code
        if org == org_code_check_char(body):
            assert check_uscc(code) == code
        else:
            with pytest.raises(CodeError, match="第9–17位"):
                check_uscc(code)
    else:
        with pytest.raises(CodeError):
            check_uscc(code, check_org_code=False)
        with pytest.raises(CodeError):
            check_uscc(code)


# --------------------------------------------------------------------------- citizen ID: known


def test_gb_11643_example_number_is_accepted():
    assert check_citizen_id("11010519491231002X", today=TODAY) == "11010519491231002X"


def test_gb_11643_example_born_1880_has_the_right_check_digit_but_too_early_a_date():
    assert citizen_id_check_char("44052418800101001") == "4"
    err = error_of(check_citizen_id, "440524188001010014", today=TODAY)
    assert err.code == "id_birth_date"
    assert err.message == "公民身份号码出生日期1880-01-01早于1900年1月1日"


def test_citizen_id_lower_case_x_is_normalised():
    assert check_citizen_id(" 11010519491231002x ", today=TODAY) == "11010519491231002X"


def test_citizen_id_today_defaults_to_the_real_date():
    assert check_citizen_id("11010519491231002X") == "11010519491231002X"


# --------------------------------------------------------------------------- citizen ID: errors


@pytest.mark.parametrize("value", [110105194912310021, None])
def test_citizen_id_that_is_not_text_is_rejected(value):
    err = error_of(check_citizen_id, value, today=TODAY)
    assert err.code == "id_not_text"
    assert "必须是文本" in err.message


@pytest.mark.parametrize("value", ["", "1101051949123100", "11010519491231002X1"])
def test_citizen_id_of_wrong_length_is_rejected(value):
    err = error_of(check_citizen_id, value, today=TODAY)
    assert err.code == "id_length"
    assert err.message == f"公民身份号码应为18位，实际为{len(value)}位"


def test_old_15_digit_citizen_id_is_rejected_with_a_hint():
    err = error_of(check_citizen_id, "110105491231002", today=TODAY)
    assert err.code == "id_length"
    assert err.message == "公民身份号码应为18位，实际为15位（15位旧号码已停用，请填写18位号码）"


def test_citizen_id_with_a_letter_in_the_body_is_rejected():
    err = error_of(check_citizen_id, "1101051949X231002X", today=TODAY)
    assert err.code == "id_charset"
    assert err.message == "公民身份号码第11位“X”不是有效字符，应为数字"


def test_citizen_id_with_a_letter_other_than_x_at_the_end_is_rejected():
    err = error_of(check_citizen_id, "11010519491231002Y", today=TODAY)
    assert err.code == "id_charset"
    assert err.message == "公民身份号码第18位“Y”不是有效字符，应为数字或X"


def test_citizen_id_with_non_ascii_digits_is_rejected():
    err = error_of(check_citizen_id, "١١010519491231002X", today=TODAY)
    assert err.code == "id_charset"


def test_citizen_id_with_a_region_starting_with_zero_is_rejected():
    number = make_citizen_id(region="110105", birth=date(1990, 1, 1))
    first17 = "0" + number[1:17]
    err = error_of(check_citizen_id, first17 + citizen_id_check_char(first17), today=TODAY)
    assert err.code == "id_region"
    assert err.message == "公民身份号码前6位地址码010105无效：行政区划码不能以0开头"


@pytest.mark.parametrize("birth", ["19900230", "19901301", "19900001", "20230229"])
def test_citizen_id_with_an_impossible_birth_date_is_rejected(birth):
    first17 = "110105" + birth + "001"
    err = error_of(check_citizen_id, first17 + citizen_id_check_char(first17), today=TODAY)
    assert err.code == "id_birth_date"
    assert err.message == f"公民身份号码第7–14位出生日期{birth}不是有效日期"


def test_citizen_id_born_on_29_february_of_a_leap_year_is_accepted():
    number = make_citizen_id(birth=date(2024, 2, 29))
    assert check_citizen_id(number, today=TODAY) == number


def test_citizen_id_born_after_today_is_rejected():
    number = make_citizen_id(birth=TODAY + timedelta(days=1))
    err = error_of(check_citizen_id, number, today=TODAY)
    assert err.code == "id_birth_date"
    assert err.message == "公民身份号码出生日期2025-07-01晚于今天，不可能"


def test_citizen_id_born_today_and_on_1_january_1900_are_accepted():
    for birth in (TODAY, date(1900, 1, 1)):
        number = make_citizen_id(birth=birth)
        assert check_citizen_id(number, today=TODAY) == number


def test_citizen_id_with_a_wrong_check_digit_is_rejected_naming_the_right_one():
    err = error_of(check_citizen_id, "110105194912310021", today=TODAY)
    assert err.code == "id_check"
    assert err.message == "公民身份号码校验位错误：第18位应为X，实际为1"


# --------------------------------------------------------------------------- citizen ID: helpers


def test_make_citizen_id_uses_the_documented_defaults():
    number = make_citizen_id(birth=date(1985, 7, 15))
    assert number[:17] == "22010219850715001"
    assert check_citizen_id(number, today=TODAY) == number


@pytest.mark.parametrize(
    "kwargs",
    [
        {"region": "01010", "birth": date(1990, 1, 1)},
        {"region": "010105", "birth": date(1990, 1, 1)},
        {"seq": "01", "birth": date(1990, 1, 1)},
        {"birth": date(1899, 12, 31)},
    ],
)
def test_make_citizen_id_refuses_malformed_parts(kwargs):
    with pytest.raises(ValueError):
        make_citizen_id(**kwargs)


@pytest.mark.parametrize("bad", ["1" * 16, "1" * 18, "1" * 16 + "X"])
def test_citizen_id_check_char_refuses_malformed_input(bad):
    with pytest.raises(ValueError):
        citizen_id_check_char(bad)


def test_birth_date_is_read_from_the_citizen_id():
    assert birth_date_from_citizen_id("11010519491231002X") == date(1949, 12, 31)


def test_gender_is_read_from_the_seventeenth_digit():
    assert gender_from_citizen_id("11010519491231002X") == "F"
    assert gender_from_citizen_id(make_citizen_id(birth=date(1990, 1, 1), seq="013")) == "M"


def test_birth_date_and_gender_refuse_an_invalid_citizen_id():
    assert error_of(birth_date_from_citizen_id, "110105194912310021").code == "id_check"
    assert error_of(gender_from_citizen_id, "110105194912310021").code == "id_check"


# --------------------------------------------------------------------------- citizen ID: properties


@given(st.from_regex(r"[0-9]{17}", fullmatch=True))
def test_citizen_id_check_char_satisfies_iso_7064_mod_11_2(first17):
    # GB 11643-1999 §8.2: with weights 2^(18-i) mod 11 over all 18 characters (X = 10),
    # the weighted sum is 1 mod 11.
    number = first17 + citizen_id_check_char(first17)
    values = [10 if ch == "X" else int(ch) for ch in number]
    assert sum(v * pow(2, 17 - i, 11) for i, v in enumerate(values)) % 11 == 1


valid_citizen_ids = st.builds(
    lambda region, birth, seq: make_citizen_id(region=region, birth=birth, seq=seq),
    st.from_regex(r"[1-9][0-9]{5}", fullmatch=True),
    st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
    st.from_regex(r"[0-9]{3}", fullmatch=True),
)


@given(valid_citizen_ids)
def test_any_generated_citizen_id_is_accepted(number):
    assert check_citizen_id(number, today=TODAY) == number


@given(
    st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
    st.from_regex(r"[0-9]{3}", fullmatch=True),
)
def test_birth_date_and_gender_round_trip_through_a_generated_citizen_id(birth, seq):
    number = make_citizen_id(birth=birth, seq=seq)
    assert birth_date_from_citizen_id(number) == birth
    assert gender_from_citizen_id(number) == ("M" if int(seq[-1]) % 2 else "F")


@given(valid_citizen_ids, st.integers(0, 17), st.integers(1, 10))
def test_changing_any_single_citizen_id_character_is_rejected(number, position, shift):
    # Position 18 cycles over the 11 check characters, the others over the 10 digits; a
    # change to a birth-date digit may fail the date rule instead of the check digit.
    alphabet = "0123456789X" if position == 17 else "0123456789"
    if position < 17:
        shift = shift % 10 or 1
    replacement = alphabet[(alphabet.index(number[position]) + shift) % len(alphabet)]
    mutated = number[:position] + replacement + number[position + 1 :]
    assert mutated != number
    with pytest.raises(CodeError):
        check_citizen_id(mutated, today=TODAY)


# --------------------------------------------------------------------------- masking


def test_citizen_id_is_masked_showing_first_six_and_last_four():
    assert mask_citizen_id("110105194912311234") == "110105********1234"


def test_citizen_id_mask_upper_cases_x():
    assert mask_citizen_id("11010519491231002x") == "110105********002X"


@pytest.mark.parametrize(
    ("value", "masked"),
    [("", ""), ("1", "*"), ("12", "**"), ("12345", "***45"), ("110105491231002", "*" * 13 + "02")],
)
def test_citizen_id_of_odd_length_is_masked_but_for_the_last_two(value, masked):
    assert mask_citizen_id(value) == masked


def test_citizen_id_mask_of_none_is_empty():
    assert mask_citizen_id(None) == ""


def test_mobile_number_is_masked_showing_first_three_and_last_four():
    assert mask_phone("13812345678") == "138****5678"


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("+8613812345678", "+86138****5678"),
        ("86 138 1234 5678", "86138****5678"),
        ("138-1234-5678", "138****5678"),
        (13812345678, "138****5678"),
    ],
)
def test_mobile_number_with_prefix_or_separators_is_masked(value, masked):
    assert mask_phone(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("010-12345678", "**********78"),
        ("12345", "***45"),
        ("12", "**"),
        ("7", "*"),
        ("", ""),
    ],
)
def test_odd_phone_input_is_masked_but_for_the_last_two(value, masked):
    assert mask_phone(value) == masked


def test_phone_mask_of_none_is_empty():
    assert mask_phone(None) == ""


@given(st.text(min_size=1).filter(lambda value: "*" not in value))
def test_phone_mask_never_returns_the_original(value):
    assert mask_phone(value) != value


@given(st.text(min_size=1).filter(lambda value: "*" not in value))
def test_citizen_id_mask_never_returns_the_original(value):
    assert mask_citizen_id(value) != value


@given(st.text(alphabet="0123456789", min_size=1, max_size=30))
def test_digit_strings_are_always_masked_with_at_least_one_star(value):
    assert "*" in mask_phone(value)
    assert "*" in mask_citizen_id(value)


# --------------------------------------------------------------------------- region codes


@pytest.mark.parametrize("value", ["110105", " 220100 ", "２２０１００"])
def test_six_digit_region_code_is_accepted(value):
    assert check_region_code(value) == value.strip().translate(
        {cp: cp - 0xFEE0 for cp in range(0xFF10, 0xFF1A)}
    )


@pytest.mark.parametrize("value", ["", "22010", "2201000", "22010A", "22 010", "٢٢٠١٠٠"])
def test_malformed_region_code_is_rejected(value):
    err = error_of(check_region_code, value)
    assert err.code == "region_format"
    assert err.message.startswith("行政区划代码应为6位数字")


@pytest.mark.parametrize("value", [220100, None])
def test_region_code_that_is_not_text_is_rejected(value):
    err = error_of(check_region_code, value)
    assert err.code == "region_format"
    assert "必须是文本" in err.message


# --------------------------------------------------------------------------- industry codes


@pytest.mark.parametrize(
    ("value", "normalised"),
    [
        ("A", "A"),
        ("t", "T"),
        ("I65", "I65"),
        ("i651", "I651"),
        ("M7320", "M7320"),
        ("65", "65"),
        ("0111", "0111"),
        (" 7320 ", "7320"),
    ],
)
def test_industry_code_in_gb_t_4754_format_is_accepted(value, normalised):
    assert check_industry_code(value) == normalised


@pytest.mark.parametrize(
    "value", ["", "U", "Z65", "M7", "M73201", "1", "73201", "MM73", "7A", "M 7320", "I６5x"]
)
def test_malformed_industry_code_is_rejected(value):
    err = error_of(check_industry_code, value)
    assert err.code == "industry_format"
    assert err.message.startswith("行业代码格式错误")


@pytest.mark.parametrize("value", [7320, None])
def test_industry_code_that_is_not_text_is_rejected(value):
    err = error_of(check_industry_code, value)
    assert err.code == "industry_format"
    assert "必须是文本" in err.message

"""Pure validators for Chinese official identification codes.

Standard library only, no Django imports, so the module can be used from models, forms,
serializers, import jobs and synthetic-data generators alike.

Standards implemented:

* GB 32100-2015 《法人和其他组织统一社会信用代码编码规则》 — 统一社会信用代码 (USCC).
* GB 11714-1997 《全国组织机构代码编制规则》 — the organisation code embedded in a USCC.
* GB 11643-1999 《公民身份号码》 — 18-digit citizen identity number.
* GB/T 2260 《中华人民共和国行政区划代码》 — 6-digit administrative region codes (format only).
* GB/T 4754-2017 《国民经济行业分类》 — industry classification codes (format only).

Every validator returns the normalised value or raises :class:`CodeError`, a ``ValueError``
carrying a stable ASCII ``code`` (for programs and tests) and a Simplified-Chinese ``message``
(for people).
"""

from __future__ import annotations

import re
from datetime import date

__all__ = [
    "USCC_CHARSET",
    "CodeError",
    "birth_date_from_citizen_id",
    "check_citizen_id",
    "check_industry_code",
    "check_region_code",
    "check_uscc",
    "check_uscc_org_code",
    "citizen_id_check_char",
    "gender_from_citizen_id",
    "make_citizen_id",
    "make_uscc",
    "mask_citizen_id",
    "mask_phone",
    "org_code_check_char",
    "uscc_check_char",
]


class CodeError(ValueError):
    """A code failed validation.

    ``code`` is a stable ASCII identifier such as ``"uscc_check"``; ``message`` is a
    Simplified-Chinese explanation suitable for showing to the person who typed the value.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __repr__(self) -> str:
        return f"CodeError({self.code!r}, {self.message!r})"


# --------------------------------------------------------------------------- helpers

# Full-width ASCII forms (U+FF01..U+FF5E) and the ideographic space, as produced by Chinese
# input methods, folded to their ASCII equivalents.
_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20

_NOT_TEXT_HINT = "数字格式会丢失字母和开头的0，请将该列设置为“文本”格式后重新填写"


def _normalise(value: str) -> str:
    """Fold full-width characters, strip surrounding whitespace, upper-case."""
    return value.translate(_FULLWIDTH).strip().upper()


def _show(ch: str) -> str:
    """Render one character for an error message (invisible ones as U+XXXX)."""
    if ch.isprintable() and not ch.isspace():
        return f"“{ch}”"
    return f"U+{ord(ch):04X}"


def _require_text(value: object, code: str, what: str) -> str:
    if not isinstance(value, str):
        if isinstance(value, int | float):
            raise CodeError(code, f"{what}必须是文本，不能是数字：{_NOT_TEXT_HINT}")
        raise CodeError(code, f"{what}必须是文本，实际为{type(value).__name__}")
    return value


# --------------------------------------------------------------------------- USCC

#: GB 32100-2015 character set: digits and upper-case letters without I, O, Z, S, V.
#: The index of a character is its numeric value (0..30).
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {ch: i for i, ch in enumerate(USCC_CHARSET)}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

#: GB 11714-1997 weights for the 8 body characters of an organisation code.
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_CHARSET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

_USCC_NAME = "统一社会信用代码"
# The checksums of a well-formed code as one int() each (imports check millions of codes):
# a weighted sum whose weights are the powers of a number r modulo m is the value of the
# digits in a base b with b ≡ r (mod m). The USCC's weights are 3^(i-1) mod 31 and 34 ≡ 3, so
# positions 1–17 read backwards as base-34 digits (each character written as the digit of its
# value) sum to the same modulo 31. The organisation code's weights 3, 7, 9, 10, 5, 8, 4, 2 are
# 2^8 … 2^1 mod 11 and 35 ≡ 2: twice its 8 characters read as base-35 digits (int() gives a
# letter the value GB 11714 does; the shape allows none above Y, 34) sum to the same modulo 11.
_USCC_AS_BASE34 = bytes.maketrans(USCC_CHARSET.encode(), b"0123456789ABCDEFGHIJKLMNOPQRSTU")
# An already normalised code of the right shape: 2 charset characters, 6 digits, 10 more.
_USCC_SHAPE = re.compile(r"[0-9A-HJ-NP-RT-UWXY]{2}[0-9]{6}[0-9A-HJ-NP-RT-UWXY]{10}")


def uscc_check_char(first17: str) -> str:
    """Return the 18th (check) character for the first 17 characters of a USCC.

    GB 32100-2015 §4.2 / 附录 A: with character values from :data:`USCC_CHARSET` (0..30) and
    weights W_i = 3^(i-1) mod 31 (1, 3, 9, 27, 19, 26, ...), C18 = 31 - (Σ C_i·W_i mod 31);
    a result of 31 is written as 0. The value is mapped back into the charset.
    """
    if len(first17) != 17 or any(ch not in _USCC_VALUE for ch in first17):
        raise ValueError(f"expected 17 characters from the USCC charset, got {first17!r}")
    total = sum(_USCC_VALUE[ch] * w for ch, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def org_code_check_char(body8: str) -> str:
    """Return the 9th (check) character of a GB 11714-1997 organisation code.

    Digits count at face value and letters A..Z as 10..35; weights 3, 7, 9, 10, 5, 8, 4, 2;
    C9 = 11 - (Σ C_i·W_i mod 11), where 10 is written ``X`` and 11 is written ``0``.
    """
    if len(body8) != 8 or any(ch not in _ORG_CHARSET for ch in body8):
        raise ValueError(f"expected 8 characters 0-9/A-Z, got {body8!r}")
    total = sum(_ORG_CHARSET.index(ch) * w for ch, w in zip(body8, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}[check] if check >= 10 else str(check)


def check_uscc_org_code(code: str) -> None:
    """Verify the organisation-code part (positions 9–17) of a normalised 18-character USCC.

    GB 32100-2015 §4.1 says positions 9–17 are the 主体标识码 (organisation code) following
    GB 11714, i.e. 8 body characters plus their own mod-11 check character. Kept separate
    from :func:`check_uscc` so the rule can be relaxed (``check_org_code=False``) should
    registry data turn up genuine codes whose embedded organisation code does not satisfy it.
    """
    body, given = code[8:16], code[16]
    expected = org_code_check_char(body)
    if given != expected:
        raise CodeError(
            "uscc_org_check",
            f"{_USCC_NAME}第9–17位（组织机构代码）校验位错误：第17位应为{expected}，实际为{given}",
        )


def check_uscc(code: str, *, check_org_code: bool = True) -> str:
    """Validate a 统一社会信用代码 (GB 32100-2015) and return it normalised.

    Structure (18 characters from :data:`USCC_CHARSET`, i.e. no I, O, Z, S, V):

    ====== ============================================================
    1      登记管理部门代码 (registration authority, e.g. 9 = 市场监管)
    2      机构类别代码 (organisation type, e.g. 1 = 企业)
    3–8    登记管理机关行政区划码 (GB/T 2260 region code, 6 digits)
    9–17   主体标识码 (GB 11714 organisation code incl. its check char)
    18     校验码 (see :func:`uscc_check_char`)
    ====== ============================================================

    Normalisation: full-width characters folded to ASCII, surrounding whitespace stripped,
    letters upper-cased. Positions 1–2 are not checked against the list of authority/type
    codes because that list has been extended since 2015.

    Raises :class:`CodeError` with code ``uscc_not_text``, ``uscc_length``, ``uscc_charset``,
    ``uscc_region``, ``uscc_org_check`` or ``uscc_check``.
    """
    _require_text(code, "uscc_not_text", _USCC_NAME)
    # Imports check millions of codes: a well-formed one takes the short way, and only a code
    # that fails is walked character by character for the message.
    if _USCC_SHAPE.fullmatch(code):
        org_check = 11 - 2 * int(code[8:16], 35) % 11
        # The shape allows ASCII characters only; [16::-1]: positions 17 to 1.
        total = int(code.encode().translate(_USCC_AS_BASE34)[16::-1], 34)
        org_ok = not check_org_code or code[16] == "?123456789X0"[org_check]
        if org_ok and code[17] == USCC_CHARSET[(31 - total % 31) % 31]:
            return code
    value = _normalise(code)
    if len(value) != 18:
        raise CodeError("uscc_length", f"{_USCC_NAME}应为18位，实际为{len(value)}位")
    for pos, ch in enumerate(value, start=1):
        if ch not in _USCC_VALUE:
            raise CodeError(
                "uscc_charset",
                f"{_USCC_NAME}第{pos}位{_show(ch)}不是有效字符"
                "（只能使用数字和除I、O、Z、S、V以外的大写字母）",
            )
    if not value[2:8].isdigit():
        raise CodeError(
            "uscc_region", f"{_USCC_NAME}第3–8位应为6位数字的行政区划码，实际为{value[2:8]}"
        )
    if check_org_code:
        check_uscc_org_code(value)
    expected = uscc_check_char(value[:17])
    if value[17] != expected:
        raise CodeError("uscc_check", f"{_USCC_NAME}校验位错误：应为{expected}，实际为{value[17]}")
    return value


def make_uscc(
    *, authority: str = "9", org_type: str = "1", region: str = "220100", org_body8: str
) -> str:
    """Build a valid USCC from its parts, computing both check characters.

    For synthetic data generators. ``org_body8`` is the 8-character organisation-code body
    (characters from :data:`USCC_CHARSET`); its GB 11714 check character and the GB 32100
    check character are appended. Raises ``ValueError`` for malformed parts.
    """
    if len(authority) != 1 or len(org_type) != 1 or len(org_body8) != 8:
        raise ValueError("authority and org_type must be 1 character, org_body8 8 characters")
    if len(region) != 6 or not region.isdigit():
        raise ValueError(f"region must be 6 digits, got {region!r}")
    head = authority + org_type + region + org_body8
    if any(ch not in _USCC_VALUE for ch in head):
        raise ValueError(f"characters outside the USCC charset in {head!r}")
    first17 = head + org_code_check_char(org_body8)
    return first17 + uscc_check_char(first17)


# --------------------------------------------------------------------------- citizen ID

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_NAME = "公民身份号码"
_EARLIEST_BIRTH = date(1900, 1, 1)


def citizen_id_check_char(first17: str) -> str:
    """Return the 18th (check) character for the first 17 digits of a citizen ID.

    GB 11643-1999 §8.2 (ISO 7064:1983 MOD 11-2): weights W_i = 2^(18-i) mod 11
    (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, ...); check = "10X98765432"[Σ a_i·W_i mod 11].
    """
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError(f"expected 17 digits, got {first17!r}")
    total = sum(int(ch) * w for ch, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def check_citizen_id(value: str, *, today: date | None = None) -> str:
    """Validate an 18-character 公民身份号码 (GB 11643-1999) and return it normalised.

    Structure: positions 1–6 address code (GB/T 2260 region, must not start with 0),
    7–14 birth date YYYYMMDD, 15–17 sequence code (17th odd = male, even = female),
    18 check character (digit or X, see :func:`citizen_id_check_char`).

    The birth date must be a real calendar date, not before 1900-01-01 and not after
    ``today`` (default: :meth:`date.today`). A lower-case ``x`` is normalised to ``X``.
    15-digit numbers from the superseded GB 11643-1989 are rejected.

    Raises :class:`CodeError` with code ``id_not_text``, ``id_length``, ``id_charset``,
    ``id_region``, ``id_birth_date`` or ``id_check``.
    """
    _require_text(value, "id_not_text", _ID_NAME)
    number = _normalise(value)
    if len(number) != 18:
        hint = "（15位旧号码已停用，请填写18位号码）" if len(number) == 15 else ""
        raise CodeError("id_length", f"{_ID_NAME}应为18位，实际为{len(number)}位{hint}")
    for pos, ch in enumerate(number, start=1):
        if not ("0" <= ch <= "9" or (pos == 18 and ch == "X")):
            allowed = "数字或X" if pos == 18 else "数字"
            raise CodeError(
                "id_charset", f"{_ID_NAME}第{pos}位{_show(ch)}不是有效字符，应为{allowed}"
            )
    if number[0] == "0":
        raise CodeError(
            "id_region", f"{_ID_NAME}前6位地址码{number[:6]}无效：行政区划码不能以0开头"
        )
    birth_text = number[6:14]
    try:
        birth = date(int(birth_text[:4]), int(birth_text[4:6]), int(birth_text[6:]))
    except ValueError:
        raise CodeError(
            "id_birth_date", f"{_ID_NAME}第7–14位出生日期{birth_text}不是有效日期"
        ) from None
    if birth < _EARLIEST_BIRTH:
        raise CodeError("id_birth_date", f"{_ID_NAME}出生日期{birth.isoformat()}早于1900年1月1日")
    if birth > (today or date.today()):
        raise CodeError("id_birth_date", f"{_ID_NAME}出生日期{birth.isoformat()}晚于今天，不可能")
    expected = citizen_id_check_char(number[:17])
    if number[17] != expected:
        raise CodeError(
            "id_check", f"{_ID_NAME}校验位错误：第18位应为{expected}，实际为{number[17]}"
        )
    return number


def make_citizen_id(*, region: str = "220102", birth: date, seq: str = "001") -> str:
    """Build a valid citizen ID from region, birth date and 3-digit sequence code.

    For synthetic data generators; the last digit of ``seq`` decides the gender
    (odd = male). Raises ``ValueError`` for malformed parts.
    """
    if len(region) != 6 or not region.isdigit() or region[0] == "0":
        raise ValueError(f"region must be 6 digits not starting with 0, got {region!r}")
    if len(seq) != 3 or not seq.isdigit():
        raise ValueError(f"seq must be 3 digits, got {seq!r}")
    if birth < _EARLIEST_BIRTH:
        raise ValueError(f"birth must not be before 1900-01-01, got {birth}")
    first17 = region + birth.strftime("%Y%m%d") + seq
    return first17 + citizen_id_check_char(first17)


def birth_date_from_citizen_id(value: str) -> date:
    """Return the birth date encoded in a citizen ID (validated first)."""
    number = check_citizen_id(value)
    return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def gender_from_citizen_id(value: str) -> str:
    """Return ``"M"`` or ``"F"``: the 17th digit is odd for men, even for women."""
    number = check_citizen_id(value)
    return "M" if int(number[16]) % 2 else "F"


# --------------------------------------------------------------------------- masking


def _mask_tail(text: str, keep: int = 2) -> str:
    """Mask everything but the last ``keep`` characters (everything if too short)."""
    if len(text) <= keep:
        return "*" * len(text)
    return "*" * (len(text) - keep) + text[-keep:]


def mask_citizen_id(value: object) -> str:
    """Mask a citizen ID for display: first 6 and last 4 shown, ``110105********1234``.

    Input that is not 18 characters long is masked except for its last 2 characters, so the
    original is never returned. ``None`` gives ``""``.
    """
    if value is None:
        return ""
    text = _normalise(str(value))
    if len(text) == 18:
        return text[:6] + "*" * 8 + text[-4:]
    return _mask_tail(text)


_MOBILE = re.compile(r"1\d{10}")


def mask_phone(value: object) -> str:
    """Mask a phone number for display: an 11-digit mobile becomes ``138****5678``.

    A ``+86``/``86`` prefix is kept in front of a masked mobile. Anything else (landlines,
    short or odd input) is masked except for its last 2 characters, so the original is
    never returned. ``None`` gives ``""``.
    """
    if value is None:
        return ""
    text = str(value).translate(_FULLWIDTH).strip()
    compact = re.sub(r"[\s-]", "", text)
    prefix = ""
    for candidate in ("+86", "0086", "86"):
        if compact.startswith(candidate) and _MOBILE.fullmatch(compact[len(candidate) :]):
            prefix, compact = candidate, compact[len(candidate) :]
            break
    if _MOBILE.fullmatch(compact):
        return prefix + compact[:3] + "****" + compact[-4:]
    return _mask_tail(text)


# --------------------------------------------------------------------------- region / industry

_REGION = re.compile(r"\d{6}")
_INDUSTRY = re.compile(r"[A-T](?:\d{2,4})?|\d{2,4}")


def check_region_code(value: str) -> str:
    """Validate the format of a GB/T 2260 administrative region code: exactly 6 digits.

    Whether the code exists is checked elsewhere (against the region table).
    Raises :class:`CodeError` with code ``region_format``.
    """
    _require_text(value, "region_format", "行政区划代码")
    code = _normalise(value)
    if not (code.isascii() and _REGION.fullmatch(code)):
        raise CodeError("region_format", f"行政区划代码应为6位数字，实际为“{code}”")
    return code


def check_industry_code(value: str) -> str:
    """Validate the format of a GB/T 4754-2017 国民经济行业分类 code.

    Accepted: a section (门类) letter A–T alone (``"I"``); a section letter followed by a
    2-digit division (大类), 3-digit group (中类) or 4-digit class (小类) code (``"I65"``,
    ``"M7320"``); or the 2–4 digit code alone (``"65"``, ``"7320"``). Whether the code
    exists, and whether the digits belong to the given section, is checked elsewhere.
    Raises :class:`CodeError` with code ``industry_format``.
    """
    _require_text(value, "industry_format", "行业代码")
    code = _normalise(value)
    if not (code.isascii() and _INDUSTRY.fullmatch(code)):
        raise CodeError(
            "industry_format",
            f"行业代码格式错误：“{code}”应为门类字母A–T，或门类字母/数字加2–4位数字"
            "（如I65、M7320、7320）",
        )
    return code

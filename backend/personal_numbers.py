"""Citizen ID numbers and phone numbers in free text: masked before the public reads it, or
refused where text is published exactly as written.

Plain Python, no Django. The public side masks free text written by staff through `scrub`
(disclosure.redaction, the one place that decides what is public); the planning and draws
services refuse, with `has_personal_numbers`, what a draw's announcement would publish as hashed
and can never mask afterwards (a replacement's reason, the witnesses' names and values).

People write numbers the way they read them aloud: `1101 0119 9003 0745 14`,
`138-0013-8000`, `１３８．００１３．８０００`. A number is therefore matched with its digits
folded: full-width digits count as digits, and one space, hyphen or dot between two digits is
ignored.
"""

import re
from functools import lru_cache

from backend.codes import mask_citizen_id, mask_phone

# An 18-character ID number (check character or not: a mistyped one is still personal data), an
# 11-digit mobile, and a landline written with its area code and a hyphen. Digits on either side
# mean a longer number (an amount, a code) that is none of these.
_CITIZEN_ID = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{16}[\dXx](?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[-\s]?)?1[3-9]\d{9}(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)0\d{2,3}-\d{7,8}(?!\d)")

# The same three, folded. `_SEP` is at most one separator (a hyphen or dot, with a space either
# side allowed, or spaces alone) between two digits. A run of digits that goes on past the number,
# even after a separator, is a longer number (a certificate number, a date and time) and is left
# alone, so dates (2026-12-05), amounts (1 234 567.89) and certificate numbers stay as written.
_D = "[0-9０-９]"
_ALNUM = "[0-9A-Za-z０-９Ａ-Ｚａ-ｚ]"
_SEP = r"(?:[ \u3000]{0,2}[-.．－‐‑–—·・][ \u3000]{0,2}|[ \u3000]{1,2})"
_SEP_CHARS = r"[-.．－‐‑–—·・ \u3000]"
_BEFORE = rf"(?<!{_ALNUM})(?<!{_D}{_SEP_CHARS})(?<!{_D}{_SEP_CHARS}{_SEP_CHARS})"
_AFTER = rf"(?!{_ALNUM})(?!{_SEP}{_D})"
_SPACED_CITIZEN_ID = re.compile(
    rf"{_BEFORE}[1-9１-９](?:{_SEP}?{_D}){{16}}{_SEP}?[0-9０-９XxＸｘ]{_AFTER}"
)
_SPACED_MOBILE = re.compile(
    rf"{_BEFORE}(?:[+＋]?[8８][6６]{_SEP}?)?[1１]{_SEP}?[3-9３-９](?:{_SEP}?{_D}){{9}}{_AFTER}"
)
_SPACED_LANDLINE = re.compile(rf"{_BEFORE}[0０]{_D}{{2,3}}{_SEP}{_D}(?:{_SEP}?{_D}){{6,7}}{_AFTER}")
_FOLD = str.maketrans({chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)})


def fold_number(text: str) -> str:
    """`１３８-0013 8000` -> `13800138000`: full-width to ASCII, separators dropped."""
    return re.sub(_SEP_CHARS, "", text.translate(_FOLD))


@lru_cache(maxsize=8192)
def scrub(text: str) -> str:
    """Mask citizen ID numbers and phone numbers in free text meant for the public.

    Memoised: a page of results repeats its tasks' and items' names row after row."""
    text = _CITIZEN_ID.sub(lambda m: mask_citizen_id(m.group()), text)
    text = _MOBILE.sub(lambda m: mask_phone(m.group()), text)
    text = _LANDLINE.sub(lambda m: mask_phone(m.group()), text)
    # What is left of a number written with spaces, hyphens, dots or full-width digits: the
    # masks above contain `*`, which no pattern matches, so nothing is masked twice.
    text = _SPACED_CITIZEN_ID.sub(lambda m: mask_citizen_id(fold_number(m.group())), text)
    text = _SPACED_MOBILE.sub(lambda m: mask_phone(fold_number(m.group())), text)
    return _SPACED_LANDLINE.sub(lambda m: mask_phone(fold_number(m.group())), text)


def has_personal_numbers(text: str) -> bool:
    """Whether `scrub` would mask something: for text that is published as it is written and
    can never be masked afterwards (a draw's announcement is hashed)."""
    return scrub(text) != text

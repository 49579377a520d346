"""Citizen ID numbers and phone numbers in free text: masked before the public reads it, or
refused where text is published exactly as written.

Plain Python, no Django. The public side masks free text written by staff through `scrub`
(disclosure.redaction, the one place that decides what is public); the planning and draws
services refuse, with `has_personal_numbers`, what a draw's announcement would publish as hashed
and can never mask afterwards (a replacement's reason, the witnesses' names and values).
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


@lru_cache(maxsize=8192)
def scrub(text: str) -> str:
    """Mask citizen ID numbers and phone numbers in free text meant for the public.

    Memoised: a page of results repeats its tasks' and items' names row after row."""
    text = _CITIZEN_ID.sub(lambda m: mask_citizen_id(m.group()), text)
    text = _MOBILE.sub(lambda m: mask_phone(m.group()), text)
    return _LANDLINE.sub(lambda m: mask_phone(m.group()), text)


def has_personal_numbers(text: str) -> bool:
    """Whether `scrub` would mask something: for text that is published as it is written and
    can never be masked afterwards (a draw's announcement is hashed)."""
    return scrub(text) != text

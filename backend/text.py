"""Text helpers, plain Python, no Django: invisible characters out of names and free text,
wherever they come in, and a short list of codes for a message (`join_first`).

A firm named "\u202e..." shows reversed in every page and export that
prints it (a bidi override turns "长春华信" into something that reads as another firm), and
zero-width characters make two names that look the same differ, or hide inside a hashed value.
`strip_invisible` removes them; imports call it on every text cell (`backend.tabular.text`),
and models that hold names or free text mix in `StripsInvisibleText`, so that the `full_clean()`
every service calls before saving strips them from pages and the API alike.
"""

from __future__ import annotations

# Bidirectional formatting: embeddings, overrides, isolates and marks (Unicode's Bidi_Control),
# the zero-width characters, the invisible operators, the soft hyphen, the byte-order mark.
_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff\u180e\u00ad"
# C0 controls and DEL, C1 controls. Tab, line feed and carriage return are handled apart.
_CONTROLS = "".join(chr(c) for c in (*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)))
_KEPT = "\t\n\r"

_REMOVED = {ord(c): None for c in _BIDI + _ZERO_WIDTH + _CONTROLS if c not in _KEPT}
# Multi-line text keeps its tabs and line breaks, one kind of line break.
_MULTILINE = _REMOVED | {ord("\u2028"): "\n", ord("\u2029"): "\n"}
# A name is one line: a break or tab inside it becomes a space.
_SINGLE_LINE = _REMOVED | {ord(c): " " for c in "\t\n\r\u2028\u2029"}


def strip_invisible(text: str, *, multiline: bool = False) -> str:
    """Remove bidi controls, zero-width characters and control characters from `text`.

    With `multiline`, tabs and line breaks stay (CR LF becomes LF); without, they become spaces.
    Nothing else changes: the caller still trims and checks lengths."""
    if text.isprintable():  # every character removed or replaced here is unprintable
        return text
    if multiline:
        return text.replace("\r\n", "\n").translate(_MULTILINE).replace("\r", "\n")
    return text.translate(_SINGLE_LINE)


def strip_invisible_in(value):
    """`strip_invisible` (multi-line) on every string inside lists and dicts (JSON content)."""
    if isinstance(value, str):
        return strip_invisible(value, multiline=True)
    if isinstance(value, list | tuple):
        return [strip_invisible_in(item) for item in value]
    if isinstance(value, dict):
        return {key: strip_invisible_in(item) for key, item in value.items()}
    return value


class StripsInvisibleText:
    """Model mixin: `full_clean()` strips invisible characters from every CharField (one line)
    and TextField (multi-line) first, then validates as usual."""

    def clean_fields(self, exclude=None):
        for field in self._meta.concrete_fields:
            kind = field.get_internal_type()
            if kind not in ("CharField", "TextField"):
                continue
            value = getattr(self, field.attname)
            if isinstance(value, str):
                cleaned = strip_invisible(value, multiline=kind == "TextField")
                if cleaned != value:
                    setattr(self, field.attname, cleaned)
        super().clean_fields(exclude=exclude)


def chinese_date(day) -> str:
    """A date as a person reads it in a message: "2026年12月5日" (issue 17), not 2026-12-05."""
    return f"{day.year}年{day.month}月{day.day}日"


def join_first(values, shown: int = 5) -> str:
    """The first `shown` of `values` joined with 、, and 等 when there are more: how a message
    names a long list ("T-1、T-2、T-3、T-4、T-5等") without printing all of it."""
    values = [str(v) for v in values]
    listed = "、".join(values[:shown])
    return f"{listed}等" if len(values) > shown else listed

"""The whole-process record's hash chain (全过程记录), with no Django imports.

Each record of an inspection holds `prev_hash` (the previous record's `content_hash`, 64 zeros for
the first) and `content_hash`, the SHA-256 of the canonical JSON of its own content *including*
`prev_hash`. Changing, removing or reordering any record therefore breaks every later link, and
anyone holding an export of the records can re-check them with this module alone.
"""

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


def canonical_json(obj: Any) -> bytes:
    """Sorted keys, no spaces, UTF-8; floats refused (a hash must not depend on rounding)."""
    _reject_floats(obj)
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def _reject_floats(obj: Any) -> None:
    if isinstance(obj, float):
        raise TypeError("floats are not allowed in a record: use a string")
    if isinstance(obj, Mapping):
        for value in obj.values():
            _reject_floats(value)
    elif isinstance(obj, list | tuple):
        for value in obj:
            _reject_floats(value)


def content_hash(payload: Mapping[str, Any]) -> str:
    """The SHA-256 (hex) of a record's canonical payload; the payload includes `prev_hash`."""
    return hashlib.sha256(canonical_json(payload)).hexdigest()


@dataclass(frozen=True)
class Break:
    """The first place a chain does not hold, in words an operator can act on."""

    sequence: int
    problem: str


def verify(records: Iterable[tuple[int, Mapping[str, Any], str, str]]) -> Break | None:
    """Check `(sequence, payload, prev_hash, content_hash)` rows in sequence order.

    Returns the first break, or None when every link holds.
    """
    expected_prev = GENESIS
    expected_sequence = 1
    for sequence, payload, prev_hash, stored_hash in records:
        if sequence != expected_sequence:
            return Break(expected_sequence, f"第{expected_sequence}条记录缺失")
        if prev_hash != expected_prev or payload.get("prev_hash") != prev_hash:
            return Break(sequence, f"第{sequence}条记录的前序摘要与第{sequence - 1}条记录不符")
        if content_hash(payload) != stored_hash:
            return Break(sequence, f"第{sequence}条记录的内容与其摘要不符（记录已被改动）")
        expected_prev = stored_hash
        expected_sequence += 1
    return None

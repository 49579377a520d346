"""A firms pool file written by numpy from fixed-width records, for a scope of any size.

Sorting a million 统一社会信用代码 is what cost most in a draw's announcement: PostgreSQL sorts
them in about half a second (the codes of one region share their first eight bytes, which its
abbreviated keys compare), then its aggregate appends the lines in one process, and the file
had to be checked again line by line. Here the database only reads the scope, each firm as 20
bytes: its 18-character code, its risk class (one character, as stored) and the digit of its
exclusion reason. numpy checks the records, sorts them by the codes' bytes read as integers,
counts them and writes the pool file's lines (`pool_file`): a file right by construction.

It takes the common case only: every code 18 digits or capital letters, every class and reason
one the caller listed. For anything else `pool_file` returns None, and the caller builds the
file the general way, which says what is wrong with it.
"""

from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from inspections.draws import dr1

KEY_BYTES = 18
RECORD_BYTES = KEY_BYTES + 2
# At most ten classes and ten reasons (each reason coded as one digit).
MAX_CODES = 10
# Lines are written this many records at a time, which bounds the working memory.
SLICE_ROWS = 1 << 18

# A record: the key's bytes as big-endian integers (which compare like the bytes), the class's
# character and the reason's digit; and the same record seen as the key's bytes and the rest.
_RECORD = np.dtype(
    [("high", ">u8"), ("middle", ">u8"), ("low", ">u2"), ("risk_class", "u1"), ("reason", "u1")]
)
_KEY_AND_CODES = np.dtype([("key", f"V{KEY_BYTES}"), ("codes", "V2")])
_DIGIT_0 = ord("0")


def digits(values: Sequence[str]) -> dict[str, str]:
    """Each value → the digit that codes it in a record: its place in `values`."""
    if len(values) > MAX_CODES:
        raise ValueError(f"at most {MAX_CODES} values can be coded as one digit")
    return {value: str(digit) for digit, value in enumerate(values)}


def pool_file(
    records: bytes,
    count: int,
    strata: Mapping[str, str],
    reasons: Sequence[str],
    *,
    threads: int = 1,
) -> tuple[bytes, dr1.PoolSummary] | None:
    """The pool file (draw-spec.md) of `count` records, and its summary; None when a record is
    not one this module writes (see the module's docstring).

    A record is the key (18 bytes), the firm's risk class (one ASCII character, a key of
    `strata`, which gives its stratum) and the digit of its exclusion reason in `reasons`
    (see `digits`; "" for none: eligible), in any order. The lines are written by `threads`
    threads.
    """
    if len(records) != count * RECORD_BYTES or "" not in reasons:
        return None
    if len(strata) > MAX_CODES or len(reasons) > MAX_CODES:
        return None
    if not all(len(risk_class) == 1 and risk_class.isascii() for risk_class in strata):
        return None
    if any("\0" in value for value in (*strata.values(), *reasons)):  # the padding below
        return None
    # What follows a key on a line, for each (stratum, reason); dr1 checks the fields.
    combinations = [(stratum, reason) for stratum in strata.values() for reason in reasons]
    dr1.format_pool(
        dr1.PoolRow(f"{n:0{KEY_BYTES}d}", stratum, reason)
        for n, (stratum, reason) in enumerate(combinations)
    )
    line_ends = _line_ends(combinations)
    if not _spelt_as_codes(np.frombuffer(records, dtype=np.uint8)):
        return None  # a byte no key, class or reason digit holds
    table = np.frombuffer(records, dtype=_RECORD)
    # The place of each record's class in `strata` (255 for any other) and of its reason.
    place = np.full(256, 255, dtype=np.uint8)
    place[[ord(risk_class) for risk_class in strata]] = np.arange(len(strata), dtype=np.uint8)
    stratum_of = place[table["risk_class"]]
    # Digits past the list (and any byte below '0', wrapping round) mark an unlisted reason.
    reason_of = table["reason"] - np.uint8(_DIGIT_0)
    if (stratum_of >= len(strata)).any() or (reason_of >= len(reasons)).any():
        return None
    order = _key_order(table)
    if order is None:  # a key twice
        return None
    eligible = np.bincount(stratum_of[reason_of == reasons.index("")], minlength=len(strata))
    summary = dr1.PoolSummary(
        count,
        {stratum: int(n) for stratum, n in zip(strata.values(), eligible, strict=True) if n},
    )
    # Below MAX_CODES², one byte per record.
    code = stratum_of * np.uint8(len(reasons)) + reason_of
    del stratum_of, reason_of
    keys = np.frombuffer(records, dtype=_KEY_AND_CODES)["key"]
    line = np.dtype([("key", f"V{KEY_BYTES}"), ("end", line_ends.dtype)])

    def lines_of(start: int) -> bytes:
        rows = order[start : start + SLICE_ROWS]
        lines = np.empty(len(rows), dtype=line)
        lines["key"] = keys[rows]
        lines["end"] = line_ends[code[rows]]
        # The line ends are padded with zero bytes, which no key or label holds: drop them.
        flat = lines.view(np.uint8)
        return flat[flat != 0].tobytes()

    # numpy lets go of the GIL while it copies: the slices can be written on several cores.
    with ThreadPoolExecutor(max_workers=max(1, threads)) as pool:
        slices = pool.map(lines_of, range(0, count, SLICE_ROWS))
        return b"".join([dr1.POOL_HEADER.encode() + b"\n", *slices]), summary


def _spelt_as_codes(data: np.ndarray) -> bool:
    """Whether every byte is a digit or a capital letter, as in a 统一社会信用代码 (and the
    classes and reason digits): none of them is a separator, a quote or outside ASCII, so every
    line is one the DR-1 reader accepts."""
    above_0 = data - np.uint8(ord("0"))  # bytes below "0" wrap round to large values
    return bool(((above_0 < 10) | (above_0 - np.uint8(ord("A") - ord("0")) < 26)).all())


def _line_ends(combinations: Sequence[tuple[str, str]]) -> np.ndarray:
    """What follows the key on a line, for each (stratum, reason), padded with zero bytes, as
    one opaque value each."""
    ends = [f",{stratum},{reason}\n".encode() for stratum, reason in combinations]
    width = max(map(len, ends))
    return np.array([end.ljust(width, b"\0") for end in ends], dtype=f"V{width}")


def _sort_keys(table: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Two unsigned 64-bit integers per 18-byte key, in the order of the keys' bytes.

    The key's bytes read as big-endian integers, (bytes 0–7, 8–15, 16–17), compare like the key.
    The first eight bytes of 统一社会信用代码 take few values (the region and the kind of
    body), so their rank among those values needs few bits: the rank followed by the other ten
    bytes fits in 64 + 64 bits, and numpy sorts two integer keys much faster than three.
    """
    middle = table["middle"].astype(np.uint64)
    low = table["low"].astype(np.uint64)
    values, rank = np.unique(table["high"], return_inverse=True)
    bits = max(1, (len(values) - 1).bit_length())  # ≤ 48 for any possible count of records
    shift = np.uint64(bits)
    first = (rank.astype(np.uint64).ravel() << np.uint64(64 - bits)) | (middle >> shift)
    second = ((middle & np.uint64((1 << bits) - 1)) << np.uint64(16)) | low
    return first, second


def _key_order(table: np.ndarray) -> np.ndarray | None:
    """The indices of the records in the order of their keys' bytes; None when a key appears
    twice."""
    first, second = _sort_keys(table)
    # Few keys share the first integer: sort by it alone, then re-sort the runs that tie.
    order = np.argsort(first)
    sorted_first = first[order]
    ties = sorted_first[1:] == sorted_first[:-1]
    if ties.any():
        in_run = np.flatnonzero(np.concatenate(([False], ties)) | np.concatenate((ties, [False])))
        runs = order[in_run]
        # The runs keep their places (their first integers differ and are in order); within
        # each, the second integer decides.
        order[in_run] = runs[np.lexsort((second[runs], first[runs]))]
        ordered_second = second[order]
        equal = ties & (ordered_second[1:] == ordered_second[:-1])
        if equal.any():
            return None
    return order

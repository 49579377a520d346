"""DR-1, the publicly verifiable draw (see shared/draw-spec.md, which is normative).

Pure standard library and no Django: the public, auditors and the application must all be able to
recompute a draw with nothing but SHA-256. Nothing here uses floating point or a library random
generator to define a result.

Python compares ``str`` by code point, and UTF-8 preserves code point order, so sorting ``str``
values gives exactly the "sorted by UTF-8 bytes" order the spec asks for. Lowercase hex preserves
byte order too, so comparing raw digests orders tickets like comparing their hex strings.
"""

from __future__ import annotations

import codecs
import gc
import hashlib
import heapq
import json
import operator
import re
import secrets
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from itertools import compress, islice, pairwise
from typing import Any, NoReturn

SPEC = "DR-1"
NONCE_BYTES = 32

POOL_HEADER = "key,stratum,excluded"
CONFLICTS_HEADER = "officer,firm"
FIRMS_RESULT_HEADER = "stratum,rank,key,ticket"
TEAMS_RESULT_HEADER = "firm,department,seat,officer,ticket"

_HEX64 = re.compile(r"[0-9a-f]{64}")
_POSITIVE_INT = re.compile(r"[1-9][0-9]*")
_FORBIDDEN_IN_FIELDS = (",", '"', "\r", "\n")

_COMMON_FIELDS = {
    "spec",
    "draw",
    "task",
    "purpose",
    "pool_sha256",
    "pool_size",
    "nonce_sha256",
    "witnesses",
    "announced_at",
}
_PURPOSE_FIELDS = {
    "firms": {"quota"},
    "teams": {"team", "cap", "conflicts_sha256", "firms_result_sha256"},
}
_OPTIONAL_FIELDS = {"replaces", "reason"}


# --- Errors -----------------------------------------------------------------------------------


class DrawError(ValueError):
    """A draw cannot be performed or verified. ``code`` is stable; the message is zh / en."""

    def __init__(self, code: str, message_zh: str, message_en: str) -> None:
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en
        super().__init__(f"{message_zh} / {message_en}")


class FileFormatError(DrawError):
    """A pool, conflicts or result file (or a value for one) breaks the DR-1 file format."""

    def __init__(self, message_en: str, *, what: str = "file") -> None:
        super().__init__("format", f"{what} 文件格式不符合 DR-1", message_en)


class AnnouncementError(DrawError):
    """The announcement lacks a field, has an unknown one, or a value of the wrong shape."""


class RevealError(DrawError):
    """The reveal is malformed (fields, nonce format, witness value types)."""


class NonceMismatch(DrawError):
    """The revealed nonce does not hash to the ``nonce_sha256`` committed in the announcement."""


class WitnessCountMismatch(DrawError):
    """The reveal does not carry exactly one value per announced witness."""


class QuotaError(DrawError):
    """A quota is missing, malformed, or larger than its stratum's eligible count."""


class TeamShortfall(DrawError):
    """A department cannot fill its seats for a firm; the whole teams draw fails."""

    def __init__(self, *, firm: str, department: str, missing: int) -> None:
        self.firm = firm
        self.department = department
        self.missing = missing
        super().__init__(
            "team-shortfall",
            f"企业 {firm} 的 {department} 部门缺少 {missing} 个执法人员席位",
            f"firm {firm}: department {department} is short of {missing} officer seat(s)",
        )


# --- Hashing and canonical JSON ---------------------------------------------------------------


try:  # CPython's own SHA-256 (3.12+, then 3.11): copying its state is cheaper than OpenSSL's.
    from _sha2 import sha256 as _sha256_for_copying
except ImportError:  # pragma: no cover - depends on the Python build
    try:
        from _sha256 import sha256 as _sha256_for_copying
    except ImportError:
        _sha256_for_copying = hashlib.sha256

_KEEP_ALL = b"\xff" * 33


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _reject_floats(obj: Any, path: str = "$") -> None:
    # Floats have no exact, portable text form; every DR-1 number is an integer.
    if isinstance(obj, float):
        raise TypeError(f"{path}: floats are not allowed in DR-1 JSON (use integers or strings)")
    if isinstance(obj, Mapping):
        for k, v in obj.items():
            if not isinstance(k, str):
                raise TypeError(f"{path}: JSON object keys must be str, got {k!r}")
            _reject_floats(v, f"{path}.{k}")
    elif isinstance(obj, list | tuple):
        for i, v in enumerate(obj):
            _reject_floats(v, f"{path}[{i}]")


def canonical_json(obj: Any) -> bytes:
    """Canonical JSON per DR-1: sorted keys, no spaces, non-ASCII as itself, UTF-8."""
    _reject_floats(obj)
    text = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            # json.loads would silently keep the last value: what a reader sees and what is
            # hashed could then differ.
            raise ValueError(f"duplicate JSON key {key!r}")
        result[key] = value
    return result


def _no_float(text: str) -> Any:
    raise ValueError(f"non-integer number {text!r} is not allowed in DR-1 JSON")


def parse_json(data: bytes) -> Any:
    """Strictly parse a published announcement or reveal (UTF-8, no duplicate keys, no floats)."""
    return json.loads(
        data.decode("utf-8"),
        object_pairs_hook=_no_duplicate_keys,
        parse_float=_no_float,
        parse_constant=_no_float,
    )


# --- Files ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PoolRow:
    key: str
    stratum: str
    excluded: str = ""  # empty: eligible; otherwise a short ASCII reason code

    @property
    def eligible(self) -> bool:
        return self.excluded == ""


@dataclass(frozen=True, slots=True)
class FirmPick:
    stratum: str
    rank: int
    key: str
    ticket: str


@dataclass(frozen=True, slots=True)
class TeamSeat:
    firm: str
    department: str
    seat: int
    officer: str
    ticket: str


def _check_field(value: object, name: str, *, allow_empty: bool = False) -> str:
    if not isinstance(value, str):
        raise FileFormatError(f"{name} must be a str, got {type(value).__name__}")
    if not value and not allow_empty:
        raise FileFormatError(f"{name} must not be empty")
    for bad in _FORBIDDEN_IN_FIELDS:
        if bad in value:
            raise FileFormatError(f"{name} {value!r} contains a forbidden character {bad!r}")
    return value


def _check_reason_code(value: object) -> str:
    _check_field(value, "excluded", allow_empty=True)
    assert isinstance(value, str)
    if not value.isascii():
        raise FileFormatError(f"exclusion code {value!r} must be ASCII")
    return value


def _check_positive_int(value: object, name: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise FileFormatError(f"{name} must be a positive int, got {value!r}")
    return value


def _check_ticket(value: object) -> str:
    if not isinstance(value, str) or not _HEX64.fullmatch(value):
        raise FileFormatError(f"ticket must be 64 lowercase hex digits, got {value!r}")
    return value


def _join(header: str, rows: Iterable[Sequence[str]]) -> bytes:
    lines = [header]
    lines.extend(",".join(row) for row in rows)
    return ("\n".join(lines) + "\n").encode("utf-8")


def _file_bytes(data: object, what: str) -> bytes | bytearray:
    """A DR-1 file's bytes: bytes and bytearray as they are; any other bytes-like value (a
    memoryview, as some database drivers return a binary column) copied once; anything else,
    a missing file (None) first, refused by its name."""
    if isinstance(data, bytes | bytearray):
        return data
    if data is None:
        raise TypeError(f"{what} file is missing (None instead of its bytes)")
    try:
        with memoryview(data) as view:
            return view.tobytes()
    except TypeError:
        raise TypeError(f"{what} file must be bytes-like, got {type(data).__name__}") from None


def _split(data: bytes, *, header: str, what: str) -> list[list[str]]:
    """Split a DR-1 file into rows of fields, checking only the layout shared by all files."""
    data = _file_bytes(data, what)
    try:
        text = bytes(data).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FileFormatError(f"not valid UTF-8: {exc}", what=what) from None
    if "\r" in text:
        raise FileFormatError("CR found: DR-1 files use LF line endings only", what=what)
    if not text.endswith("\n"):
        raise FileFormatError("the file must end with a newline", what=what)
    lines = text[:-1].split("\n")
    if lines[0] != header:
        raise FileFormatError(f"header must be {header!r}, got {lines[0]!r}", what=what)
    columns = header.count(",") + 1
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        fields = line.split(",")
        if len(fields) != columns:
            raise FileFormatError(
                f"line {number}: expected {columns} fields, got {len(fields)}", what=what
            )
        if '"' in line:
            raise FileFormatError(f"line {number}: quotes are not allowed", what=what)
        rows.append(fields)
    return rows


def _parse_positive_int(text: str, name: str, number: int, what: str) -> int:
    # Only the canonical spelling (no sign, no leading zero) keeps files byte-for-byte comparable.
    if not _POSITIVE_INT.fullmatch(text):
        raise FileFormatError(
            f"line {number}: {name} {text!r} is not a positive integer", what=what
        )
    return int(text)


# A pool may hold ten million rows. The readers below take it a block of whole lines at a time
# with bytes methods that loop in C (count, translate, split, compress), never a Python object
# per row beyond the fields themselves. They accept exactly what the row-by-row readers accept:
# whatever they cannot vouch for, they hand to those readers, which name the problem.

_BLOCK_BYTES = 8 << 20
# A pool smaller than this is read in one piece whatever the number of parts asked for.
_PIECE_BYTES = 4 << 20

# How the pieces of a pool are read: `map_parts(function, jobs)` returns [function(job) for job
# in jobs], in order. The built-in map reads them one after the other; the application may read
# them at once in other processes (inspections.draws.draw_parallel), computing the first job itself
# (it alone carries a progress callback). Every function and job can be pickled. A map_parts
# whose other jobs start late may say by how much, as bytes of pool file read meanwhile, in a
# `head_start` attribute: the first piece is made that much larger than the others.
MapParts = Callable[[Callable[[tuple], Any], list[tuple]], Iterable[Any]]
# Every byte but the separators: deleting them leaves ",,\n" per well-formed pool line.
_NOT_SEPARATORS = bytes(b for b in range(256) if b not in b",\n")


class _Unvouched(Exception):
    """The fast reader cannot vouch for a file; the row-by-row reader will say why."""


@dataclass(frozen=True, slots=True)
class _PoolBlock:
    """Some consecutive rows of a checked pool file, as columns of UTF-8 bytes."""

    keys: list[bytes]
    strata: list[bytes]
    excluded: list[bytes]
    end: int  # offset in the file just after the block's last line

    def eligible(self) -> tuple[list[bytes], list[bytes]]:
        """The keys and strata of the block's eligible rows (no exclusion code)."""
        is_eligible = list(map(operator.not_, self.excluded))
        return list(compress(self.keys, is_eligible)), list(compress(self.strata, is_eligible))


def _pool_body(data: bytes | bytearray) -> int:
    """Check what concerns the whole pool file; return the offset of its first row."""
    if not isinstance(data, bytes | bytearray):
        raise _Unvouched
    if not data.isascii():
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            with memoryview(data) as view:
                for start in range(0, len(view), _BLOCK_BYTES):
                    decoder.decode(view[start : start + _BLOCK_BYTES])
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise _Unvouched from None
    header = POOL_HEADER.encode() + b"\n"
    if b"\r" in data or b'"' in data or not data.startswith(header):
        raise _Unvouched
    return len(header)


def _pool_blocks(data: bytes | bytearray) -> Iterator[_PoolBlock]:
    """The rows of a pool file a block at a time, after checking each block as parse_pool does.

    Raises _Unvouched, possibly after some blocks, when anything is not as parse_pool requires.
    """
    start = _pool_body(data)
    ascii_only = data.isascii()
    previous = None
    while start < len(data):
        end = data.rfind(b"\n", start, start + _BLOCK_BYTES) + 1
        if end <= start:
            end = data.find(b"\n", start) + 1
            if end == 0:  # the file does not end with a newline
                raise _Unvouched
        block = bytes(data[start:end])
        lines = block.count(b"\n")
        # Exactly two commas per line; no empty key or stratum.
        if block.translate(None, _NOT_SEPARATORS) != b",,\n" * lines:
            raise _Unvouched
        fields = block.replace(b"\n", b",").split(b",")
        keys, strata, excluded = fields[0:-1:3], fields[1::3], fields[2::3]
        if not (all(keys) and all(strata)):
            raise _Unvouched
        if not ascii_only and not b"".join(excluded).isascii():
            raise _Unvouched
        # Sorted and unique: bytes compare like the UTF-8 they hold.
        if previous is not None and not previous < keys[0]:
            raise _Unvouched
        if not all(map(operator.lt, keys, islice(keys, 1, None))):
            raise _Unvouched
        previous = keys[-1]
        yield _PoolBlock(keys, strata, excluded, end)
        start = end


@dataclass(frozen=True)
class PoolSummary:
    """What an announcement needs from a pool file: its rows and eligible rows per stratum."""

    size: int
    eligible: dict[str, int]


def pool_summary(data: bytes, *, parts: int = 1, map_parts: MapParts = map) -> PoolSummary:
    """Check a pool file as parse_pool does and count it, without a Python object per row;
    in ``parts`` pieces through ``map_parts`` (see MapParts).

    ``eligible`` equals ``eligible_counts(parse_pool(data))``.
    """
    data = _file_bytes(data, "pool")
    try:
        pieces = _pool_pieces(data, parts, _head_start(map_parts))
        results = list(map_parts(_summary_in, [(piece,) for piece in pieces]))
        _check_piece_order(results)
    except _Unvouched:
        rows = _parse_pool_row_by_row(data)
        return PoolSummary(len(rows), eligible_counts(rows))
    eligible: Counter[bytes] = Counter()
    for _size, counts, _first, _last in results:
        eligible.update(counts)
    size = sum(result[0] for result in results)
    return PoolSummary(size, {stratum.decode(): n for stratum, n in eligible.items() if n})


def _summary_in(job: tuple) -> tuple[int, dict[bytes, int], bytes | None, bytes | None]:
    """pool_summary of one piece (a whole pool file), with its first and last keys."""
    with _collector_paused():
        return _summary_of_piece(job)


def _summary_of_piece(job: tuple) -> tuple[int, dict[bytes, int], bytes | None, bytes | None]:
    (data,) = job
    size = 0
    eligible: Counter[bytes] = Counter()
    first = last = None
    for block in _pool_blocks(data):
        size += len(block.keys)
        eligible.update(block.eligible()[1])
        first = block.keys[0] if first is None else first
        last = block.keys[-1]
    return size, dict(eligible), first, last


def format_pool(rows: Iterable[PoolRow]) -> bytes:
    """Pool file bytes: rows sorted by key; keys must be unique."""
    ordered = sorted(rows, key=operator.attrgetter("key"))
    fields = (
        [row.key for row in ordered],
        [row.stratum for row in ordered],
        [row.excluded for row in ordered],
    )
    if all(set(map(type, column)) <= {str} for column in fields):
        lines = map("{},{},{}\n".format, *fields)
        try:
            data = f"{POOL_HEADER}\n{''.join(lines)}".encode()
            for _block in _pool_blocks(data):
                pass
            return data
        except (_Unvouched, UnicodeEncodeError):
            pass  # the row-by-row checks below name the problem
    return _format_pool_row_by_row(ordered)


def _format_pool_row_by_row(ordered: Sequence[PoolRow]) -> bytes:
    for i, row in enumerate(ordered):
        _check_field(row.key, "key")
        _check_field(row.stratum, "stratum")
        _check_reason_code(row.excluded)
        if i and ordered[i - 1].key == row.key:
            raise FileFormatError(f"duplicate pool key {row.key!r}", what="pool")
    return _join(POOL_HEADER, ((r.key, r.stratum, r.excluded) for r in ordered))


def parse_pool(data: bytes) -> list[PoolRow]:
    """Parse a pool file, insisting on the canonical form (sorted, unique keys)."""
    data = _file_bytes(data, "pool")
    try:
        blocks = list(_pool_blocks(data))
    except _Unvouched:
        return _parse_pool_row_by_row(data)
    decode = bytes.decode
    return [
        row
        for block in blocks
        for row in map(
            PoolRow,
            map(decode, block.keys),
            map(decode, block.strata),
            map(decode, block.excluded),
        )
    ]


def _parse_pool_row_by_row(data: bytes) -> list[PoolRow]:
    rows = []
    previous = None
    for number, (key, stratum, excluded) in enumerate(
        _split(data, header=POOL_HEADER, what="pool"), start=2
    ):
        if not key or not stratum:
            raise FileFormatError(f"line {number}: key and stratum must not be empty", what="pool")
        if not excluded.isascii():
            raise FileFormatError(f"line {number}: exclusion code must be ASCII", what="pool")
        if previous is not None and key <= previous:
            raise FileFormatError(
                f"line {number}: key {key!r} is not after {previous!r} (sorted, unique)",
                what="pool",
            )
        previous = key
        rows.append(PoolRow(key, stratum, excluded))
    return rows


def format_conflicts(pairs: Iterable[tuple[str, str]]) -> bytes:
    """Conflicts file bytes from (officer, firm) pairs: unique, sorted by officer, then firm."""
    unique = set()
    for officer, firm in pairs:
        unique.add((_check_field(officer, "officer"), _check_field(firm, "firm")))
    return _join(CONFLICTS_HEADER, sorted(unique))


def parse_conflicts(data: bytes) -> set[tuple[str, str]]:
    """Parse a conflicts file into a set of (officer, firm) pairs; rows must be sorted, unique."""
    pairs = set()
    previous = None
    for number, (officer, firm) in enumerate(
        _split(data, header=CONFLICTS_HEADER, what="conflicts"), start=2
    ):
        if not officer or not firm:
            raise FileFormatError(f"line {number}: empty field", what="conflicts")
        if previous is not None and (officer, firm) <= previous:
            raise FileFormatError(f"line {number}: rows not sorted and unique", what="conflicts")
        previous = (officer, firm)
        pairs.add(previous)
    return pairs


def format_firms_result(picks: Iterable[FirmPick]) -> bytes:
    """Firms result bytes, rows in the order given (the draw's order)."""
    rows = []
    for p in picks:
        rank = _check_positive_int(p.rank, "rank")
        fields = (_check_field(p.stratum, "stratum"), str(rank), _check_field(p.key, "key"))
        rows.append((*fields, _check_ticket(p.ticket)))
    return _join(FIRMS_RESULT_HEADER, rows)


def parse_firms_result(data: bytes) -> list[FirmPick]:
    what = "firms result"
    picks = []
    for number, (stratum, rank, key, ticket_) in enumerate(
        _split(data, header=FIRMS_RESULT_HEADER, what=what), start=2
    ):
        if not stratum or not key or not _HEX64.fullmatch(ticket_):
            raise FileFormatError(f"line {number}: malformed row", what=what)
        picks.append(
            FirmPick(stratum, _parse_positive_int(rank, "rank", number, what), key, ticket_)
        )
    return picks


def format_teams_result(seats: Iterable[TeamSeat]) -> bytes:
    """Teams result bytes, rows in the order taken."""
    rows = []
    for s in seats:
        seat = _check_positive_int(s.seat, "seat")
        fields = (_check_field(s.firm, "firm"), _check_field(s.department, "department"))
        rows.append(
            (*fields, str(seat), _check_field(s.officer, "officer"), _check_ticket(s.ticket))
        )
    return _join(TEAMS_RESULT_HEADER, rows)


def parse_teams_result(data: bytes) -> list[TeamSeat]:
    what = "teams result"
    seats = []
    for number, (firm, department, seat, officer, ticket_) in enumerate(
        _split(data, header=TEAMS_RESULT_HEADER, what=what), start=2
    ):
        if not firm or not department or not officer or not _HEX64.fullmatch(ticket_):
            raise FileFormatError(f"line {number}: malformed row", what=what)
        seat_number = _parse_positive_int(seat, "seat", number, what)
        seats.append(TeamSeat(firm, department, seat_number, officer, ticket_))
    return seats


# --- Quotas -----------------------------------------------------------------------------------

# The quota rule itself, ceil(n × ratio) capped at n, is the planning step's
# (inspections.planning.rules.quota_from_ratio): planning shows the counts a task's ratios give
# before any draw, and may not import this module; the draw service applies it to the eligible
# counts of the pool.


def eligible_counts(pool_rows: Iterable[PoolRow]) -> dict[str, int]:
    """Eligible rows per stratum, the ``n`` of the quota rule (strata with none are omitted)."""
    return dict(Counter(row.stratum for row in pool_rows if row.excluded == ""))


# --- Commitment, reveal and seed --------------------------------------------------------------


def new_nonce() -> bytes:
    """The system's secret contribution; only its SHA-256 is published at announcement."""
    return secrets.token_bytes(NONCE_BYTES)


def make_reveal(nonce: bytes, witness_values: Sequence[str]) -> dict[str, Any]:
    if not isinstance(nonce, bytes) or len(nonce) != NONCE_BYTES:
        raise ValueError(f"nonce must be {NONCE_BYTES} bytes")
    values = list(witness_values)
    if not all(isinstance(v, str) for v in values):
        raise TypeError("witness values must be str")
    return {"nonce": nonce.hex(), "witness_values": values}


def _is_hex64(value: object) -> bool:
    return isinstance(value, str) and _HEX64.fullmatch(value) is not None


def _is_count(value: object, minimum: int = 0) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= minimum


def _label_map_problem(value: object) -> str | None:
    if not isinstance(value, dict):
        return "must be an object"
    for label, count in value.items():
        if (
            not isinstance(label, str)
            or not label
            or any(bad in label for bad in _FORBIDDEN_IN_FIELDS)
        ):
            return f"has an invalid label {label!r}"
        if not _is_count(count):
            return f"{label!r} must be a non-negative integer, got {count!r}"
    return None


def check_announcement(announcement: Mapping[str, Any]) -> None:
    """Raise AnnouncementError unless the announcement has exactly the shape DR-1 defines."""

    def fail(code: str, zh: str, en: str) -> NoReturn:
        raise AnnouncementError(code, f"公告无效：{zh}", f"invalid announcement: {en}")

    if not isinstance(announcement, Mapping):
        fail("announcement-type", "公告必须是 JSON 对象", "must be a JSON object")
    if announcement.get("spec") != SPEC:
        fail("spec", "规范不是 DR-1", f"spec must be {SPEC!r}, got {announcement.get('spec')!r}")
    purpose = announcement.get("purpose")
    if not isinstance(purpose, str) or purpose not in _PURPOSE_FIELDS:
        fail("purpose", "用途必须是 firms 或 teams", f"unknown purpose {purpose!r}")
    required = _COMMON_FIELDS | _PURPOSE_FIELDS[purpose]
    missing = sorted(required - announcement.keys())
    unknown = sorted(announcement.keys() - required - _OPTIONAL_FIELDS)
    if missing:
        fail("announcement-fields", f"缺少字段 {missing}", f"missing fields {missing}")
    if unknown:
        fail("announcement-fields", f"含未定义字段 {unknown}", f"unknown fields {unknown}")

    problems = []
    for name in ("draw", "task"):
        if not isinstance(announcement[name], str) or not announcement[name]:
            problems.append(f"{name} must be a non-empty string")
    digests = ["pool_sha256", "nonce_sha256"]
    if purpose == "teams":
        digests += ["conflicts_sha256", "firms_result_sha256"]
    problems += [f"{d} must be 64 lowercase hex" for d in digests if not _is_hex64(announcement[d])]
    if not _is_count(announcement["pool_size"]):
        problems.append("pool_size must be a non-negative integer")
    witnesses = announcement["witnesses"]
    if not isinstance(witnesses, list) or not all(isinstance(w, str) for w in witnesses):
        problems.append("witnesses must be a list of strings")
    try:
        announced_at = datetime.fromisoformat(announcement["announced_at"])
        if announced_at.tzinfo is None:
            problems.append("announced_at must carry a UTC offset")
    except (TypeError, ValueError):
        problems.append("announced_at must be an ISO 8601 time with offset")
    if purpose == "firms":
        problem = _label_map_problem(announcement["quota"])
        if problem:
            problems.append(f"quota {problem}")
    else:
        problem = _label_map_problem(announcement["team"])
        if problem:
            problems.append(f"team {problem}")
        if not _is_count(announcement["cap"], minimum=1):
            problems.append("cap must be a positive integer")
    if ("replaces" in announcement) != ("reason" in announcement):
        problems.append("replaces and reason go together")
    for name in _OPTIONAL_FIELDS & announcement.keys():
        if not isinstance(announcement[name], str) or not announcement[name]:
            problems.append(f"{name} must be a non-empty string")
    if problems:
        fail("announcement-values", "字段取值不符合 DR-1", "; ".join(problems))


def compute_seed(announcement: Mapping[str, Any], reveal: Mapping[str, Any]) -> str:
    """Check the reveal against the announcement's commitment, then derive the draw's seed."""
    check_announcement(announcement)
    if not isinstance(reveal, Mapping) or set(reveal) != {"nonce", "witness_values"}:
        raise RevealError(
            "reveal-fields",
            "揭示内容必须恰好包含 nonce 和 witness_values",
            "the reveal must have exactly the fields nonce and witness_values",
        )
    nonce = reveal["nonce"]
    if not _is_hex64(nonce):
        raise RevealError(
            "nonce-format",
            "随机数必须是 64 位小写十六进制",
            "the nonce must be 64 lowercase hex digits",
        )
    if sha256_hex(bytes.fromhex(nonce)) != announcement["nonce_sha256"]:
        raise NonceMismatch(
            "nonce-mismatch",
            "揭示的随机数与公告中的承诺（nonce_sha256）不符",
            "the revealed nonce does not match the announced nonce_sha256",
        )
    values = reveal["witness_values"]
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise RevealError(
            "witness-values", "见证值必须是字符串列表", "witness_values must be a list of strings"
        )
    expected = len(announcement["witnesses"])
    if len(values) != expected:
        raise WitnessCountMismatch(
            "witness-count",
            f"公告有 {expected} 位见证人，揭示却有 {len(values)} 个见证值",
            f"{expected} witness(es) announced but {len(values)} value(s) revealed",
        )
    inner = hashlib.sha256(canonical_json(announcement)).digest()
    inner += hashlib.sha256(canonical_json(reveal)).digest()
    return sha256_hex(SPEC.encode("ascii") + b"\x00" + inner)


def ticket(seed: str, purpose: str, key: str) -> str:
    """hex(SHA-256(UTF-8(seed + ":" + purpose + ":" + key))); for teams, purpose is "teams:FIRM"."""
    return sha256_hex(f"{seed}:{purpose}:{key}".encode())


# --- Draws ------------------------------------------------------------------------------------


def _check_unique_keys(pool_rows: Sequence[PoolRow]) -> None:
    keys = [row.key for row in pool_rows]
    if len(set(keys)) != len(keys):
        duplicates = sorted(key for key, n in Counter(keys).items() if n > 1)
        raise FileFormatError(f"duplicate pool keys {duplicates[:5]}", what="pool")


def _eligible_by_stratum(pool_rows: Iterable[PoolRow]) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for row in pool_rows:
        if row.excluded == "":
            groups.setdefault(row.stratum, []).append(row.key)
    return groups


def _smallest(digests: list[bytes], keys: list[str], count: int) -> list[tuple[bytes, str]]:
    """The ``count`` smallest (digest, key) pairs, ascending; equal to sorted(...)[:count].

    Digests are uniform, so a cut-off slightly above the expected count-th digest keeps only a few
    more candidates than needed, and sorting those is much cheaper than sorting (or heap-selecting
    from) all of them. Exactness does not rest on the estimate: every pair not kept is >= the
    cut-off > every pair kept, so if at least ``count`` are kept they include the ``count``
    smallest; otherwise the cut-off is raised and we try again.
    """
    n = len(digests)
    if count <= 0:
        return []
    expected = _first_guess(count)
    while (limit := _cut_off(expected, n)) is not None:
        kept = [pair for pair in zip(digests, keys, strict=True) if pair[0] < limit]
        if len(kept) >= count:
            kept.sort()
            return kept[:count]
        expected *= 2
    return sorted(zip(digests, keys, strict=True))[:count]


def _first_guess(count: int) -> int:
    # Expected count plus ~5% and a fixed margin: a second try is practically never needed.
    return count + count // 20 + 64


def _cut_off(expected: int, n: int) -> bytes | None:
    """A digest prefix below which about ``expected`` of ``n`` uniform digests fall; None when
    that would be all of them. A digest is kept when ``digest < cut-off`` (integers only)."""
    if expected >= n:
        return None
    cut = (expected << 64) // n
    if cut >= 1 << 64:
        return None
    return cut.to_bytes(8, "big")


def _check_quota(quota: Mapping[str, int], eligible: Mapping[str, int]) -> None:
    for stratum, count in quota.items():
        if not _is_count(count):
            raise QuotaError(
                "quota-invalid",
                f"{stratum} 层的抽取数必须是非负整数",
                f"quota for stratum {stratum!r} must be a non-negative int, got {count!r}",
            )
        n = eligible.get(stratum, 0)
        if count > n:
            raise QuotaError(
                "quota-exceeds-eligible",
                f"{stratum} 层要抽取 {count} 家，但只有 {n} 家符合条件",
                f"stratum {stratum!r}: quota {count} exceeds its {n} eligible row(s)",
            )
    unquoted = sorted(set(eligible) - set(quota))
    if unquoted:
        raise QuotaError(
            "quota-missing",
            f"以下分层没有抽取数：{'、'.join(unquoted)}",
            f"no quota given for stratum/strata {unquoted}",
        )


def draw_firms(
    *, seed: str, pool_rows: Sequence[PoolRow], quota: Mapping[str, int]
) -> list[FirmPick]:
    """Per stratum (sorted), the eligible rows with the smallest (ticket, key), quota of them.

    Every stratum that has eligible rows needs a quota entry (0 is fine): a missing entry is
    refused rather than read as 0, so an omission cannot silently skip a stratum.
    """
    if not _is_hex64(seed):
        raise ValueError("seed must be 64 lowercase hex digits")
    _check_unique_keys(pool_rows)
    by_stratum = _eligible_by_stratum(pool_rows)
    _check_quota(quota, {stratum: len(keys) for stratum, keys in by_stratum.items()})

    prefix = f"{seed}:firms:".encode()
    sha256 = hashlib.sha256
    picks = []
    for stratum in sorted(quota):
        keys = by_stratum.get(stratum, [])
        if quota[stratum] == 0:
            continue
        digests = [sha256(prefix + key.encode()).digest() for key in keys]
        for rank, (digest, key) in enumerate(_smallest(digests, keys, quota[stratum]), start=1):
            picks.append(FirmPick(stratum, rank, key, digest.hex()))
    return picks


def _draw_firms_from_file(
    *,
    seed: str,
    pool_bytes: bytes,
    quota: Mapping[str, int],
    progress: Callable[[int, int], None] | None = None,
    parts: int = 1,
    map_parts: MapParts = map,
    eligible: Mapping[str, int] | None = None,
) -> list[FirmPick]:
    """``draw_firms(seed=seed, pool_rows=parse_pool(pool_bytes), quota=quota)``, read from the
    file a block at a time: only the candidates below each stratum's cut-off (see ``_smallest``)
    are kept, so memory stays flat and no Python object is made per row beyond its fields.

    ``quota`` must be a checked announcement's (str labels, int counts). ``progress(done,
    total)`` is called with the bytes of the file read so far (of its first piece, when it is
    read in ``parts`` pieces through ``map_parts``: see MapParts). ``eligible``: see
    ``_picks_from_file``.
    """
    return [
        FirmPick(stratum, rank, key.decode(), digest.hex())
        for stratum, kept in _picks_from_file(
            seed=seed,
            pool_bytes=pool_bytes,
            quota=quota,
            progress=progress,
            parts=parts,
            map_parts=map_parts,
            eligible=eligible,
        )
        for rank, (digest, key) in enumerate(kept, start=1)
    ]


def _picks_from_file(
    *,
    seed: str,
    pool_bytes: bytes,
    quota: Mapping[str, int],
    progress: Callable[[int, int], None] | None,
    parts: int,
    map_parts: MapParts,
    eligible: Mapping[str, int] | None,
) -> list[tuple[str, list[tuple[bytes, bytes]]]]:
    """Per stratum with a quota, in order: the stratum and its picks' (digest, key), in order.

    ``eligible``, if the caller knows them, are the eligible rows per stratum: they size the
    first cut-offs instead of a count over the file. They are an estimate only: the result is
    the same whatever they are, but a wrong one may cost another reading of the file.
    """
    if not _is_hex64(seed):
        raise ValueError("seed must be 64 lowercase hex digits")
    labels = {stratum.encode(): stratum for stratum in quota}
    eligible = eligible or {}
    # Each stratum's eligible rows end with ",STRATUM,\n" in a well-formed file; the exact
    # counts come from the checked blocks, these only size the first cut-offs.
    guessed = {
        label: eligible[stratum] if stratum in eligible else pool_bytes.count(b"," + label + b",\n")
        for label, stratum in labels.items()
    }
    wanted = {label: _first_guess(quota[labels[label]]) for label in labels if quota[labels[label]]}
    limits = {label: _cut_off(wanted[label], guessed[label]) for label in wanted}
    kept, counted = _keep_below(
        seed, pool_bytes, limits, progress, parts=parts, map_parts=map_parts
    )
    _check_quota(quota, {stratum.decode(): n for stratum, n in counted.items()})
    picks = []
    for label in sorted(labels):  # bytes sort like the UTF-8 labels they encode
        count = quota[labels[label]]
        if not count:
            continue
        while len(kept[label]) < count:  # the cut-off was too low: raise it and read again
            wanted[label] *= 2
            limit = {label: _cut_off(wanted[label], counted[label])}
            kept[label] = _keep_below(
                seed, pool_bytes, limit, None, parts=parts, map_parts=map_parts
            )[0][label]
        kept[label].sort()
        picks.append((labels[label], kept[label][:count]))
    return picks


def _keep_below(
    seed: str,
    pool_bytes: bytes,
    limits: Mapping[bytes, bytes | None],
    progress: Callable[[int, int], None] | None,
    *,
    parts: int = 1,
    map_parts: MapParts = map,
) -> tuple[dict[bytes, list[tuple[bytes, bytes]]], Counter[bytes]]:
    """Per stratum in ``limits``, the (digest, key) of its eligible rows whose ticket digest is
    below the stratum's limit (all of them for None); and every stratum's eligible count.

    The file is read in ``parts`` pieces of whole lines through ``map_parts`` (see MapParts).
    """
    try:
        pieces = _pool_pieces(pool_bytes, parts, _head_start(map_parts))
        jobs = [(seed, piece, limits, None) for piece in pieces]
        jobs[0] = (seed, pieces[0], limits, progress)
        results = list(map_parts(_keep_below_in, jobs))
        _check_piece_order(results)
    except _Unvouched:
        _parse_pool_row_by_row(pool_bytes)  # raises the precise FileFormatError
        raise AssertionError("the fast pool reader refused a pool parse_pool accepts") from None
    kept: dict[bytes, list[tuple[bytes, bytes]]] = {label: [] for label in limits}
    eligible: Counter[bytes] = Counter()
    for found, counts, _first, _last in results:
        for digest, key, stratum in found:
            kept[stratum].append((digest, key))
        eligible.update(counts)
    return kept, eligible


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off for the block, then as it was. Reading a large pool makes
    no reference cycles, but the objects it keeps (lists of a block's fields, the tickets kept)
    set the collector off again and again, each time walking everything alive: a fifth of the
    time of a draw over a million firms. (The collector is per process: for that while, other
    threads' cycles wait too; their memory is freed by reference counting as always.)"""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _keep_below_in(job: tuple) -> tuple[list, dict[bytes, int], bytes | None, bytes | None]:
    """_keep_below for one piece (a whole pool file): the (digest, key, stratum) kept, eligible
    counts, and the piece's first and last keys. Raises _Unvouched."""
    with _collector_paused():
        return _keep_below_in_piece(job)


def _keep_below_in_piece(job: tuple) -> tuple[list, dict[bytes, int], bytes | None, bytes | None]:
    seed, pool_bytes, limits, progress = job
    # Every ticket of the draw starts with the same 71 bytes ("SEED:firms:"), more than one
    # SHA-256 block: hash them once and start each ticket from a copy of that state. The same
    # digests, about half the work.
    midstate = _sha256_for_copying(f"{seed}:firms:".encode())
    copy = midstate.copy
    # A stratum without a limit keeps all: every 32-byte digest is below 33 bytes of 0xff.
    # Strata not asked for keep none: nothing is below b"".
    limit_of = {label: _KEEP_ALL if limit is None else limit for label, limit in limits.items()}
    found: list[tuple[bytes, bytes, bytes]] = []
    keep = found.append
    eligible: Counter[bytes] = Counter()
    first = last = None
    for block in _pool_blocks(pool_bytes):
        keys, strata = block.eligible()
        eligible.update(strata)
        for stratum in eligible.keys() - limit_of.keys():
            limit_of[stratum] = b""
        limits_of_rows = map(limit_of.__getitem__, strata)
        for key, stratum, limit in zip(keys, strata, limits_of_rows, strict=True):
            ticket = copy()
            ticket.update(key)
            digest = ticket.digest()
            if digest < limit:
                keep((digest, key, stratum))
        first = block.keys[0] if first is None else first
        last = block.keys[-1]
        if progress is not None:
            progress(block.end, len(pool_bytes))
    return found, dict(eligible), first, last


def piece_count(size: int, parts: int) -> int:
    """In how many pieces (at most) a pool file of `size` bytes is read when asked for `parts`:
    one for a small file, not worth it."""
    return 1 if parts <= 1 or size < _PIECE_BYTES else parts


def _head_start(map_parts: MapParts) -> int:
    return max(0, int(getattr(map_parts, "head_start", 0)))


def _pool_pieces(
    data: bytes | bytearray, parts: int, head_start: int = 0
) -> list[bytes | bytearray]:
    """The pool file cut into up to ``parts`` pool files of whole lines, each with the header,
    that can be read independently (and their keys' order checked at the seams); the first
    ``head_start`` bytes longer than the others. Small files, not worth it, stay whole. Raises
    _Unvouched for what concerns the whole file."""
    start = _pool_body(data)
    if piece_count(len(data), parts) == 1:
        return [data]
    head_start = min(head_start, (len(data) - start) // 2)
    shared = len(data) - start - head_start
    cuts = [start]
    for part in range(1, parts):
        cut = data.find(b"\n", start + head_start + shared * part // parts) + 1
        if cuts[-1] < cut < len(data):
            cuts.append(cut)
    cuts.append(len(data))
    header = data[:start]
    return [data[: cuts[1]]] + [header + data[a:b] for a, b in pairwise(cuts[1:])]


def _check_piece_order(results: Sequence[tuple]) -> None:
    """Each piece is sorted; the pool is if each piece's last key is before the next's first."""
    ends = [(first, last) for *_, first, last in results if first is not None]
    for (_, last), (first, _) in pairwise(ends):
        if not last < first:
            raise _Unvouched


def draw_teams(
    *,
    seed: str,
    firms: Sequence[str],
    pool_rows: Sequence[PoolRow],
    team: Mapping[str, int],
    cap: int,
    conflicts: Collection[tuple[str, str]],
) -> list[TeamSeat]:
    """Staff each firm (in firms-result order) with ``team[department]`` officers per department.

    ``conflicts`` holds (officer, firm) pairs. Raises TeamShortfall, and returns nothing, as soon as
    a department cannot fill its seats: a partial team is never a result.
    """
    if not _is_hex64(seed):
        raise ValueError("seed must be 64 lowercase hex digits")
    if not _is_count(cap, minimum=1):
        raise ValueError(f"cap must be a positive int, got {cap!r}")
    if len(set(firms)) != len(firms):
        raise ValueError("firms must be unique")
    for department, seats in team.items():
        if not _is_count(seats):
            raise ValueError(f"seats for department {department!r} must be a non-negative int")
    _check_unique_keys(pool_rows)
    officers = _eligible_by_stratum(pool_rows)
    encoded = {dept: [(o.encode(), o) for o in keys] for dept, keys in officers.items()}
    conflicted = set(conflicts)
    load: dict[str, int] = {}
    result = []
    for firm in firms:
        # The firm's tickets share "SEED:teams:FIRM:": hash it once, then copy the state.
        copy = _sha256_for_copying(f"{seed}:teams:{firm}:".encode()).copy
        for department in sorted(team):
            seats = team[department]
            if seats == 0:
                continue
            # A heap walks candidates in (ticket, officer) order without sorting the whole list.
            candidates = []
            for raw, officer in encoded.get(department, []):
                ticket = copy()
                ticket.update(raw)
                candidates.append((ticket.digest(), officer))
            heapq.heapify(candidates)
            taken = 0
            while taken < seats and candidates:
                digest, officer = heapq.heappop(candidates)
                if (officer, firm) in conflicted or load.get(officer, 0) >= cap:
                    continue
                load[officer] = load.get(officer, 0) + 1
                taken += 1
                result.append(TeamSeat(firm, department, taken, officer, digest.hex()))
            if taken < seats:
                raise TeamShortfall(firm=firm, department=department, missing=seats - taken)
    return result


def _perform(
    announcement: Mapping[str, Any],
    seed: str,
    pool_bytes: bytes,
    conflicts_bytes: bytes | None,
    firms_result_bytes: bytes | None,
    progress: Callable[[int, int], None] | None = None,
    parts: int = 1,
    map_parts: MapParts = map,
    eligible: Mapping[str, int] | None = None,
) -> bytes:
    pool_bytes = _file_bytes(pool_bytes, "pool")
    if announcement["purpose"] == "firms":
        with _collector_paused():  # the pieces' results gathered here too (see its docstring)
            picks = _picks_from_file(
                seed=seed,
                pool_bytes=pool_bytes,
                quota=announcement["quota"],
                progress=progress,
                parts=parts,
                map_parts=map_parts,
                eligible=eligible,
            )
        # format_firms_result's checks hold already: fields from a checked pool, hex tickets.
        lines = [
            f"{stratum},{rank},{key.decode()},{digest.hex()}\n"
            for stratum, kept in picks
            for rank, (digest, key) in enumerate(kept, start=1)
        ]
        return f"{FIRMS_RESULT_HEADER}\n{''.join(lines)}".encode()
    pool_rows = parse_pool(pool_bytes)
    if conflicts_bytes is None or firms_result_bytes is None:
        raise ValueError("a teams draw needs the conflicts file and the firms result file")
    seats = draw_teams(
        seed=seed,
        firms=[pick.key for pick in parse_firms_result(firms_result_bytes)],
        pool_rows=pool_rows,
        team=announcement["team"],
        cap=announcement["cap"],
        conflicts=parse_conflicts(conflicts_bytes),
    )
    return format_teams_result(seats)


def compute_result(
    announcement: Mapping[str, Any],
    reveal: Mapping[str, Any],
    pool_bytes: bytes,
    *,
    conflicts_bytes: bytes | None = None,
    firms_result_bytes: bytes | None = None,
    progress: Callable[[int, int], None] | None = None,
    parts: int = 1,
    map_parts: MapParts = map,
    eligible: Mapping[str, int] | None = None,
) -> bytes:
    """Perform the announced draw from its published inputs; returns the result file's bytes.

    Does not check the files' digests against the announcement (``verify`` does): the caller that
    performs a draw has just written those files itself. ``progress(done, total)``, if given, is
    told how many bytes of a firms pool have been read. A large firms pool may be read in
    ``parts`` pieces through ``map_parts`` (see MapParts): the result is the same. ``eligible``,
    the eligible rows per stratum of a firms pool if the caller counted them when it wrote the
    pool, spares counting them again (an estimate: the result does not depend on it).
    """
    seed = compute_seed(announcement, reveal)
    return _perform(
        announcement,
        seed,
        pool_bytes,
        conflicts_bytes,
        firms_result_bytes,
        progress=progress,
        parts=parts,
        map_parts=map_parts,
        eligible=eligible,
    )


# --- Verification -----------------------------------------------------------------------------


@dataclass
class VerifyReport:
    """What ``verify`` checked (``checks``) and what it found wrong (``problems``)."""

    seed: str | None = None
    checks: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _first_difference(expected: bytes, published: bytes) -> str:
    want = expected.decode("utf-8").split("\n")
    try:
        got = published.decode("utf-8").split("\n")
    except UnicodeDecodeError:
        return "the published result is not valid UTF-8"
    for number, (a, b) in enumerate(zip(want, got, strict=False), start=1):
        if a != b:
            return f"line {number}: expected {a!r}, published {b!r}"
    return f"expected {len(want) - 1} line(s), published {len(got) - 1}"


def verify(
    announcement: Mapping[str, Any],
    reveal: Mapping[str, Any],
    pool_bytes: bytes,
    result_bytes: bytes,
    conflicts_bytes: bytes | None = None,
    firms_result_bytes: bytes | None = None,
) -> VerifyReport:
    """Recompute a published draw from its files and compare with the published result.

    Every file is bound by a digest in the announcement; the result must match byte for byte.
    """
    pool_bytes = _file_bytes(pool_bytes, "pool")
    result_bytes = _file_bytes(result_bytes, "result")
    if conflicts_bytes is not None:
        conflicts_bytes = _file_bytes(conflicts_bytes, "conflicts")
    if firms_result_bytes is not None:
        firms_result_bytes = _file_bytes(firms_result_bytes, "firms result")
    report = VerifyReport()
    try:
        report.seed = compute_seed(announcement, reveal)
    except DrawError as exc:
        report.problems.append(str(exc))
        return report
    report.checks += ["announcement well-formed", "nonce matches nonce_sha256", "witness count"]

    def check_digest(name: str, data: bytes) -> None:
        if sha256_hex(data) == announcement[name]:
            report.checks.append(name)
        else:
            report.problems.append(f"{name} mismatch: the file is not the announced one")

    check_digest("pool_sha256", pool_bytes)
    try:
        pool_size = pool_summary(pool_bytes).size
    except DrawError as exc:
        report.problems.append(str(exc))
        return report
    if pool_size == announcement["pool_size"]:
        report.checks.append("pool_size")
    else:
        report.problems.append(
            f"pool_size mismatch: announced {announcement['pool_size']}, file has {pool_size}"
        )
    if announcement["purpose"] == "teams":
        for name, data in (
            ("conflicts_sha256", conflicts_bytes),
            ("firms_result_sha256", firms_result_bytes),
        ):
            if data is None:
                report.problems.append(f"a teams draw needs the file bound by {name}")
                return report
            check_digest(name, data)
    try:
        expected = _perform(
            announcement, report.seed, pool_bytes, conflicts_bytes, firms_result_bytes
        )
    except ValueError as exc:  # DrawError included: quota, shortfall, malformed files
        report.problems.append(f"the draw cannot be recomputed: {exc}")
        return report
    if expected == result_bytes:
        report.checks.append("result recomputed byte for byte")
    else:
        report.problems.append(f"result differs: {_first_difference(expected, result_bytes)}")
    return report

"""Walking the audit chain fast: raw rows, the canonical form built as text.

`AuditEvent.canonical_content()` defines what an event's hash covers; this module produces the
same bytes from a database row without building a model instance (a test holds the two equal
on generated events), and on PostgreSQL splits a long walk into id ranges walked side by side
by one process each, so that a checkpoint or `verify_audit` over ten million events takes
well under a minute instead of ten.
"""

import hashlib
import json
import multiprocessing
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from json.encoder import encode_basestring as _text  # the C encoder json.dumps uses here

from django.db import connection

from backend.audit.models import GENESIS_HASH

_COLUMNS = (
    "id, {created}, actor_id, actor_username, role, department_code, ip, action, object_type, "
    "object_id, outcome, request_id, detail, prev_hash, hash"
)
# PostgreSQL writes the instant as text itself: half the cost of building datetimes to read.
_PG_CREATED = "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US')"
BATCH = 20_000
# A walk this long on PostgreSQL is split into one id range per core, each walked by its own
# process and database connection; the links between the ranges are checked by the caller.
PARALLEL_FROM = 200_000
LINK_BROKEN = "前一条哈希不符：之前的事件被删除、插入或改动"
CONTENT_BROKEN = "内容与哈希不符：该事件被改动"


class Broken(Exception):
    def __init__(self, event_id: int, reason: str, checked: int):
        super().__init__(reason)
        self.event_id = event_id
        self.reason = reason
        self.checked = checked


def _instant(value) -> str:
    """The UTC instant as isoformat(timespec="microseconds") writes it. PostgreSQL gives an
    aware datetime; Django stores SQLite's as naive UTC text, which its converter reads back
    as a naive datetime."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.isoformat(timespec="microseconds") + "+00:00"
    value = value.replace(" ", "T")
    if len(value) == 19:
        value += ".000000"
    return value[:26] + "+00:00"


def _detail(value) -> str:
    if value in ("{}", {}):
        return "{}"
    if isinstance(value, str):
        value = json.loads(value)
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_row(row, *, sqlite: bool = False) -> bytes:
    """The bytes `AuditEvent.canonical_content()` gives for the event in `row`."""
    (_id, created, actor_id, username, role, department, ip, action, object_type, object_id,
     outcome, request_id, detail, _prev, _hash) = row  # fmt: skip
    return "".join(
        (
            '{"action":', _text(action),
            ',"actor_id":', "null" if actor_id is None else str(actor_id),
            ',"actor_username":', _text(username),
            ',"created_at":"', _instant(created),
            '","department_code":', _text(department),
            ',"detail":', _detail(detail),
            ',"ip":', "null" if ip is None else _text(ip),
            ',"object_id":', _text(object_id),
            ',"object_type":', _text(object_type),
            ',"outcome":', _text(outcome),
            ',"request_id":', _text(request_id),
            ',"role":', _text(role),
            "}",
        )
    ).encode()  # fmt: skip


def rows(*, after_id: int = 0, upto_id: int | None = None) -> Iterator[tuple]:
    """Events with after_id < id <= upto_id, in id order, read in batches by keyset."""
    created = _PG_CREATED if connection.vendor == "postgresql" else "created_at"
    sql = f"SELECT {_COLUMNS.format(created=created)} FROM audit_auditevent WHERE id > %s"
    if upto_id is not None:
        sql += " AND id <= %s"
    sql += " ORDER BY id LIMIT %s"
    last = after_id
    while True:
        params = [last] + ([upto_id] if upto_id is not None else []) + [BATCH]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            batch = cursor.fetchall()
        if not batch:
            return
        yield from batch
        last = batch[-1][0]
        if len(batch) < BATCH:
            return


@dataclass(frozen=True)
class _Part:
    """One id range walked: its own links and hashes checked, its ends for the caller."""

    count: int
    first_id: int | None
    first_prev: str | None
    last_id: int | None
    last_hash: str | None
    broken: tuple[int, str, int] | None  # (event id, reason, events checked before it)


def _check(events: Iterable[tuple], *, expected: str | None) -> _Part:
    """Check the links and hashes of `events`; the first one's link too unless `expected` is
    None (a range whose predecessor the caller checks)."""
    sha256 = hashlib.sha256
    count, first_id, first_prev, last_id = 0, None, None, None
    for row in events:
        event_id, prev, stored = row[0], row[13], row[14]
        if first_id is None:
            first_id, first_prev = event_id, prev
        if expected is not None and prev != expected:
            return _Part(
                count, first_id, first_prev, last_id, expected, (event_id, LINK_BROKEN, count)
            )
        if sha256(prev.encode() + canonical_row(row)).hexdigest() != stored:
            return _Part(
                count, first_id, first_prev, last_id, expected, (event_id, CONTENT_BROKEN, count)
            )
        expected, last_id = stored, event_id
        count += 1
    return _Part(count, first_id, first_prev, last_id, expected, None)


def _walk_range(bounds: tuple[int, int]) -> _Part:
    """In a child process: one range, on the child's own database connection."""
    from django.db import connections

    try:
        return _check(rows(after_id=bounds[0], upto_id=bounds[1]), expected=None)
    finally:
        connections.close_all()


def walk(
    *, prev_hash: str = GENESIS_HASH, after_id: int = 0, upto_id: int | None = None
) -> tuple[int, int, str]:
    """Check every link after `after_id` (whose hash is `prev_hash`) up to `upto_id`.

    Returns (events checked, last id, head hash); raises Broken at the first link that does
    not hold. A modified event no longer matches its own hash; a deleted one leaves its
    successor pointing at a hash that is not its predecessor's.
    """
    if upto_id is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT coalesce(max(id), 0) FROM audit_auditevent")
            upto_id = cursor.fetchone()[0]
    span = upto_id - after_id
    processes = os.cpu_count() or 1
    # SQLite has one writer and a small trail; a transaction's own uncommitted events (a
    # test's among them) are invisible to other connections; a short walk is not worth the
    # processes. Then one range, here.
    if (
        connection.vendor != "postgresql"
        or span < PARALLEL_FROM
        or processes < 2
        or connection.in_atomic_block
    ):
        parts = [_check(rows(after_id=after_id, upto_id=upto_id), expected=None)]
    else:
        from django.db import connections

        cuts = [after_id + span * i // processes for i in range(processes)] + [upto_id]
        connections.close_all()  # each child opens its own connection
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            parts = pool.map(_walk_range, [(cuts[i], cuts[i + 1]) for i in range(processes)])
    expected, checked, last_id = prev_hash, 0, after_id
    for part in parts:
        if part.first_id is not None and part.first_prev != expected:
            raise Broken(part.first_id, LINK_BROKEN, checked)
        if part.broken is not None:
            event_id, reason, before = part.broken
            raise Broken(event_id, reason, checked + before)
        if part.first_id is not None:
            expected, last_id = part.last_hash, part.last_id
        checked += part.count
    return checked, last_id, expected


def walk_in_python(
    *, prev_hash: str = GENESIS_HASH, after_id: int = 0, upto_id: int | None = None
) -> tuple[int, int, str]:
    """The same walk in one range, in this process (for the tests' comparisons)."""
    part = _check(rows(after_id=after_id, upto_id=upto_id), expected=prev_hash)
    if part.broken is not None:
        raise Broken(*part.broken)
    return part.count, part.last_id or after_id, part.last_hash or prev_hash


def walk_links(
    *, prev_hash: str = GENESIS_HASH, after_id: int = 0, upto_id: int | None = None
) -> tuple[int, int, str]:
    """Check that every event after `after_id` points at its predecessor's stored hash, in one
    pass of the database (no content hashed); returns (events, last id, head hash).

    This is what a checkpoint needs before it signs a head: that the head descends from the
    last checkpoint's through an unbroken chain. An event whose content was changed in place
    keeps its stored hash, so the signed head still commits to what it said before; `walk`
    (verify_audit) recomputes every content hash and finds such an edit.
    """
    with connection.cursor() as cursor:
        if upto_id is None:
            cursor.execute("SELECT coalesce(max(id), 0) FROM audit_auditevent")
            upto_id = cursor.fetchone()[0]
        cursor.execute(
            "SELECT id, prev_hash FROM audit_auditevent WHERE id > %s AND id <= %s "
            "ORDER BY id LIMIT 1",
            [after_id, upto_id],
        )
        first = cursor.fetchone()
        if first is None:
            return 0, after_id, prev_hash
        if first[1] != prev_hash:
            raise Broken(first[0], LINK_BROKEN, 0)
        cursor.execute(
            "SELECT id FROM (SELECT id, prev_hash, lag(hash) OVER (ORDER BY id) AS before "
            "FROM audit_auditevent WHERE id > %s AND id <= %s) AS events "
            "WHERE before <> prev_hash ORDER BY id LIMIT 1",
            [after_id, upto_id],
        )
        broken = cursor.fetchone()
        if broken is not None:
            cursor.execute(
                "SELECT count(*) FROM audit_auditevent WHERE id > %s AND id < %s",
                [after_id, broken[0]],
            )
            raise Broken(broken[0], LINK_BROKEN, cursor.fetchone()[0])
        cursor.execute(
            "SELECT count(*), max(id) FROM audit_auditevent WHERE id > %s AND id <= %s",
            [after_id, upto_id],
        )
        count, last_id = cursor.fetchone()
        cursor.execute("SELECT hash FROM audit_auditevent WHERE id = %s", [last_id])
        return count, last_id, cursor.fetchone()[0]

"""A draw's files in the database, at any size.

A firms draw over ten million firms has a pool file of about 250 MB. It stays in the draw's row
(bytea on PostgreSQL, stored uncompressed out of line; a BLOB on SQLite), under the guard
trigger like the rest of the draw. What the ORM would do with it costs several copies: it
spells a bytea parameter as hex inside the SQL text (twice the size, and the text again in the
query log under DEBUG), reads it back the same way, and loads it with every draw. So here:

- the firms pool is read by the database as fixed-width records, in one statement whose parts
  run side by side, fetched as binary, and sorted and written by numpy (`pool_records`); a
  scope that does not fit those records is built by one ordered query instead;
- the draw is inserted with binary parameters (`binary_parameters`);
- a file is read in one binary fetch (`read_file`) or served in slices (`iter_file`).
"""

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from itertools import pairwise

from django.conf import settings
from django.db import connection
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL

from inspections.directory.models import Firm, RiskClass
from inspections.draws import dr1, draw_parallel, pool_records
from inspections.draws.models import Draw
from inspections.planning.caps import FREQUENCY_CAP
from inspections.planning.models import SamplingTask
from inspections.planning.selectors import (
    EXCLUSION_REASONS,
    RECENT_INSPECTION,
    exclusion_reason,
    task_scope,
)

SLICE_BYTES = 4 << 20
# The file columns of a draw, and the only names these helpers accept (they go into SQL).
FILES = ("pool", "conflicts", "result", "firms_result")


def _postgresql() -> bool:
    return connection.vendor == "postgresql"


def firms_pool_file(
    task: SamplingTask, labels: Mapping[str, str] | None = None
) -> tuple[bytes, dr1.PoolSummary]:
    """The task's firms pool file (draw-spec.md) and its summary: every firm in scope, key =
    统一社会信用代码, stratum = the label `labels` gives its risk class (the class itself without
    one), and the reason code of each one that may not be drawn; sorted by the key's bytes.
    Written from checked records (`pool_records`), or else checked by `dr1.pool_summary`
    (which raises a dr1.DrawError for a file it refuses)."""
    labels = _checked_labels(labels or {})
    built = _pool_from_records(task, labels)
    if built is not None:
        return built
    # A scope pool_records does not take: the general query, and dr1's reader to check it.
    data = _firms_pool_query(task, labels, sort_in_aggregate=False)
    try:
        return data, _summary(data)
    except dr1.DrawError:
        if not _postgresql():
            raise
    # PostgreSQL feeds an aggregate in the order of its sorted subquery in practice, not by
    # guarantee. Should it ever not, sort within the aggregate: the same file, one process.
    data = _firms_pool_query(task, labels, sort_in_aggregate=True)
    return data, _summary(data)


def _checked_labels(labels: Mapping[str, str]) -> dict[str, str]:
    """Risk class → label, both letters and digits only: they are written into the query."""
    for risk_class, label in labels.items():
        if not (
            risk_class.isascii() and risk_class.isalnum() and label.isascii() and label.isalnum()
        ):
            raise ValueError(f"not a stratum label: {risk_class!r} → {label!r}")
    return dict(labels)


def _summary(data: bytes) -> dr1.PoolSummary:
    return dr1.pool_summary(
        data,
        parts=draw_parallel.parts(settings.DRAWS_PROCESSES),
        map_parts=draw_parallel.in_processes,
    )


def _pool_from_records(
    task: SamplingTask, labels: dict[str, str]
) -> tuple[bytes, dr1.PoolSummary] | None:
    """The pool file written by `pool_records` from the scope's fixed-width records, read by
    the database in one statement; None for a scope it does not take (see pool_records)."""
    classes = list(labels) or list(RiskClass.values)
    reasons = ["", *EXCLUSION_REASONS.values(), RECENT_INSPECTION, FREQUENCY_CAP]
    reason = exclusion_reason(task, written=pool_records.digits(reasons))
    scope = task_scope(task).annotate(reason=reason).order_by()
    if _postgresql():
        parts = [_records_query(part) for part in _by_pages(scope)]
        # One aggregate per part of the table, in one statement (one snapshot): PostgreSQL
        # runs them side by side (a Parallel Append), where one aggregate runs in one process.
        query = " UNION ALL ".join(sql for sql, _ in parts)
        params = tuple(param for _, part_params in parts for param in part_params)
        # The planner would not start workers to return a row or two: it is told they cost
        # nothing. Compiling this one-off query to machine code costs more than it saves.
        with _planner_settings(jit="off", parallel_setup_cost="0", parallel_tuple_cost="0"):
            rows = _fetch_rows(query, params)
        count = sum(row[0] for row in rows)
        fixed_width = all(row[1] for row in rows if row[0])
        data = b"".join(row[2] for row in rows)
        del rows  # the parts: only their joined copy is needed
    else:
        query, params = _records_query(scope)
        with connection.cursor() as cursor:
            cursor.execute(query, params)
            count, fixed_width, text = cursor.fetchone()
        data = text.encode()
    if count and not fixed_width:
        return None
    strata = {risk_class: labels.get(risk_class, risk_class) for risk_class in classes}
    return pool_records.pool_file(
        data, count, strata, reasons, threads=draw_parallel.parts(settings.DRAWS_PROCESSES)
    )


def _records_query(scope) -> tuple[str, tuple]:
    """SQL giving the scope's record count, whether every record has 20 bytes, and the records
    (pool_records), with its parameters."""
    sql, params = scope.values_list("uscc", "risk_class", "reason").query.sql_with_params()
    record = "p.uscc || p.risk_class || p.reason"
    if _postgresql():
        records = f"convert_to(COALESCE(string_agg({record}, ''), ''), 'UTF8')"
        key_bytes, class_bytes = "octet_length(p.uscc)", "octet_length(p.risk_class)"
    else:
        records = f"COALESCE(group_concat({record}, ''), '')"
        key_bytes = "length(CAST(p.uscc AS BLOB))"
        class_bytes = "length(CAST(p.risk_class AS BLOB))"
    # Whether every key has 18 bytes and every class one: then every record has 20 bytes, and
    # none can be misread.
    widths = (
        f"min(CASE WHEN {key_bytes} = {pool_records.KEY_BYTES} AND {class_bytes} = 1"
        " THEN 1 ELSE 0 END)"
    )
    return f"SELECT count(*), {widths}, {records} FROM ({sql}) p", tuple(params)


def _by_pages(scope):
    """The scope in parts (PostgreSQL): its firms in consecutive ranges of the directory
    table's pages, one range per core, the last one open-ended."""
    parts = draw_parallel.parts(settings.DRAWS_PROCESSES)
    table = connection.ops.quote_name(Firm._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_relation_size(%s) / current_setting('block_size')::int",
            [Firm._meta.db_table],
        )
        (pages,) = cursor.fetchone()
    bounds = sorted({pages * part // parts for part in range(1, parts)} - {0})
    if not bounds:
        return [scope]
    ctid = f"{table}.ctid"
    ranges = [(None, bounds[0]), *pairwise(bounds), (bounds[-1], None)]
    return [
        scope.filter(
            RawSQL(
                " AND ".join(
                    condition
                    for condition, page in (
                        (f"{ctid} >= %s::tid", low),
                        (f"{ctid} < %s::tid", high),
                    )
                    if page is not None
                ),
                [f"({page},0)" for page in (low, high) if page is not None],
                output_field=BooleanField(),
            )
        )
        for low, high in ranges
    ]


def _firms_pool_query(
    task: SamplingTask, labels: dict[str, str], *, sort_in_aggregate: bool
) -> bytes:
    rows = task_scope(task).annotate(reason=exclusion_reason(task)).order_by()
    sql, params = rows.values_list("uscc", "risk_class", "reason").query.sql_with_params()
    header = dr1.POOL_HEADER + "\n"
    if _postgresql():
        # One value built by the server: no Python object per firm. COLLATE "C" sorts by bytes,
        # whatever the database's locale; a sorted subquery lets its workers share the sort.
        stratum = "p.risk_class"
        if labels:
            cases = " ".join(f"WHEN '{c}' THEN '{label}'" for c, label in labels.items())
            stratum = f"CASE p.risk_class {cases} ELSE p.risk_class END"
        line = f"p.uscc || ',' || {stratum} || ',' || p.reason || E'\\n'"
        if sort_in_aggregate:
            aggregate = f"string_agg({line}, '' ORDER BY p.uscc COLLATE \"C\")"
            source = f"({sql}) p"
        else:
            aggregate = "string_agg(p.line, '')"
            source = f'(SELECT {line} AS line FROM ({sql}) p ORDER BY p.uscc COLLATE "C") p'
        query = f"SELECT convert_to(%s || COALESCE({aggregate}, ''), 'UTF8') FROM {source}"
        # Compiling this one-off query to machine code costs more than it saves.
        with _planner_settings(jit="off"):
            return _fetch_binary(query, (header, *params))
    with connection.cursor() as cursor:
        # SQLite compares text by its UTF-8 bytes (the BINARY collation).
        cursor.execute(f"SELECT * FROM ({sql}) ORDER BY 1", params)
        lines = [
            f"{key},{labels.get(risk_class, risk_class)},{excluded}\n"
            for key, risk_class, excluded in cursor.fetchall()
        ]
    return (header + "".join(lines)).encode()


@contextmanager
def _planner_settings(**values: str):
    """PostgreSQL's settings `values` for the queries of the block, within this transaction
    (set_config's is_local); then their values before it again."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join("current_setting(%s)" for _ in values), list(values))
        before = dict(zip(values, cursor.fetchone(), strict=True))
    _set_local(values)
    # Should the block fail, the transaction (or savepoint) it aborts takes the settings away.
    yield
    _set_local(before)


def _set_local(values: Mapping[str, str]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT " + ", ".join("set_config(%s, %s, true)" for _ in values),
            [item for pair in values.items() for item in pair],
        )


def _fetch_binary(query: str, params) -> bytes | None:
    """The single value of `query`, a bytea, fetched in binary (see _fetch_rows)."""
    ((value,),) = _fetch_rows(query, params)
    # bytes from psycopg, returned as is (bytes() of bytes is the same object, no copy); any
    # other bytes-like value a loader may give is copied once, so callers always get bytes.
    return None if value is None else bytes(value)


def _fetch_rows(query: str, params) -> list[tuple]:
    """The rows of `query`, fetched in binary on this connection (and so in its transaction).
    Parameters are bound by Django's own cursor, as for any other query."""
    import psycopg

    with connection.cursor() as cursor:
        sql = cursor.cursor.mogrify(query, params)
    with psycopg.Cursor(connection.connection) as raw:
        raw.execute(sql, binary=True)
        return raw.fetchall()


def read_file(draw: Draw, name: str) -> bytes | None:
    """One of the draw's files (None when it has none), without loading the rest of it."""
    if name not in FILES:
        raise ValueError(f"not a draw file: {name!r}")
    if _postgresql():
        table = Draw._meta.db_table
        return _fetch_binary(f"SELECT {name} FROM {table} WHERE id = %s", (draw.pk,))
    value = Draw.objects.filter(pk=draw.pk).values_list(name, flat=True).get()
    return None if value is None else bytes(value)


def file_size(draw: Draw, name: str) -> int | None:
    if name not in FILES:
        raise ValueError(f"not a draw file: {name!r}")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT length({name}) FROM {Draw._meta.db_table} WHERE id = %s", [draw.pk])
        return cursor.fetchone()[0]


def iter_file(draw: Draw, name: str, *, slice_bytes: int = SLICE_BYTES) -> Iterator[bytes]:
    """The file in slices, for a streaming response: memory stays flat however large it is.
    (PostgreSQL reads only the slice's part of an uncompressed value.)"""
    size = file_size(draw, name)
    if size is None:
        return
    query = f"SELECT substr({name}, %s, %s) FROM {Draw._meta.db_table} WHERE id = %s"
    for start in range(0, size, slice_bytes):
        with connection.cursor() as cursor:
            cursor.execute(query, [start + 1, slice_bytes, draw.pk])
            yield bytes(cursor.fetchone()[0])


@contextmanager
def binary_parameters():
    """Within the block, queries on PostgreSQL bind their parameters on the server, so that a
    bytea parameter travels as bytes rather than as hex inside the SQL (Django's
    `server_side_binding` option, for this connection and this block only)."""
    if not _postgresql():
        yield
        return
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.ensure_connection()
    raw = connection.connection
    previous = raw.cursor_factory
    raw.cursor_factory = ServerBindingCursor
    try:
        yield
    finally:
        raw.cursor_factory = previous

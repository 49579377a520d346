"""Loading many firms at once: PostgreSQL COPY, or sqlite3 executemany.

Django's bulk_create manages about 10,000 rows a second; COPY about 60,000 (see
../shared/baselines.md). Rows must already be valid: the callers (the synthetic generator, the
import) check them first. A firm whose code is already in the directory is skipped, not changed.
"""

from collections.abc import Callable, Iterable, Iterator
from itertools import islice

from django.db import connection, transaction
from django.utils import timezone

from inspections.directory.models import Firm, FirmTag
from inspections.directory.selectors import directory_changed
from inspections.directory.synthetic import FirmRow

COLUMNS = (
    "uscc", "name", "target_type", "region_code", "industry_code", "address",
    "legal_representative", "registered_on", "status", "risk_class", "abnormal_operation",
    "serious_violation", "complaints", "created_at", "updated_at",
)  # fmt: skip
BATCH = 10_000


def _batches(rows: Iterable, size: int) -> Iterator[list]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def insert_firms(
    rows: Iterable[FirmRow], *, progress: Callable[[int], None] | None = None
) -> tuple[int, int]:
    """Insert the firms (and their tags); returns (created, skipped as already present)."""
    table = Firm._meta.db_table
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    created = skipped = 0
    tags: dict[str, dict] = {}
    with transaction.atomic():
        empty = not Firm.objects.exists()
        rebuild = []
        if empty and connection.vendor == "postgresql":
            rebuild = drop_gin_indexes(table)
        with connection.cursor() as cursor:
            for batch in _batches(rows, BATCH):
                values = [(*row[:13], now, now) for row in batch]
                for row in batch:
                    if row.tags:
                        tags[row.uscc] = row.tags
                if connection.vendor == "postgresql":
                    added = _copy_postgresql(cursor, table, values, straight=empty)
                else:
                    added = _insert_sqlite(cursor, table, values)
                created += added
                skipped += len(batch) - added
                if progress:
                    progress(len(batch))
        _insert_tags(tags)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for definition in rebuild:
                    cursor.execute(definition)
                # Fresh statistics, or the planner guesses the filters' selectivity badly.
                cursor.execute(f"ANALYZE {table}")
                cursor.execute(f"ANALYZE {FirmTag._meta.db_table}")
        transaction.on_commit(directory_changed)
    return created, skipped


def drop_gin_indexes(table: str) -> list[str]:
    """Drop the table's GIN indexes (the name trigram index); return how to build them again.

    Into an empty table, building a GIN index once after the load is much cheaper than keeping
    it up to date row by row.
    """
    return _drop_indexes(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
        "AND indexdef LIKE '%%USING gin%%'",
        table,
    )


def drop_postgresql_indexes(table: str) -> list[str]:
    """PostgreSQL, before a first load: drop the table's indexes but the unique ones (the
    primary key and the codes', which keep the load honest) and the partial ones (the flags':
    they hold few rows, cheap to keep up to date, while building one reads the whole table);
    return their definitions, to be run again after the load, in the same transaction.

    Into an empty table, building a B-tree once (a sort) costs less than keeping it up to date
    row by row, and the name's GIN index far less."""
    return _drop_indexes(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
        "AND indexdef NOT LIKE 'CREATE UNIQUE %%' AND indexdef NOT LIKE '%% WHERE %%' "
        "ORDER BY indexname",
        table,
    )


def drop_sqlite_indexes(table: str) -> list[str]:
    """SQLite: drop the table's indexes but the unique ones (which keep the load honest);
    return their definitions, to be run again after the load, in the same transaction."""
    return _drop_indexes(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
        "AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE %%'",
        table,
    )


def _drop_indexes(query: str, table: str) -> list[str]:
    """Drop the indexes of `table` that `query` lists as (name, definition); return their
    definitions, to be run again after the load."""
    with connection.cursor() as cursor:
        cursor.execute(query, [table])
        found = cursor.fetchall()
        for name, _definition in found:
            cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in found]


def _copy_postgresql(cursor, table: str, values: list[tuple], *, straight: bool) -> int:
    columns = ", ".join(COLUMNS)
    if straight:
        # Into an empty table nothing can clash: COPY straight in, the fastest path.
        with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for value in values:
                copy.write_row(value)
        return len(values)
    cursor.execute(
        "CREATE TEMP TABLE IF NOT EXISTS firm_load ON COMMIT DROP AS "
        f"SELECT {columns} FROM {table} WITH NO DATA"
    )
    cursor.execute("TRUNCATE firm_load")
    with cursor.copy(f"COPY firm_load ({columns}) FROM STDIN") as copy:
        for value in values:
            copy.write_row(value)
    cursor.execute(
        f"INSERT INTO {table} ({columns}) SELECT {columns} FROM firm_load ON CONFLICT DO NOTHING"
    )
    return cursor.rowcount


def _insert_sqlite(cursor, table: str, values: list[tuple]) -> int:
    date_at = COLUMNS.index("registered_on")
    values = [
        (*value[:date_at], value[date_at] and value[date_at].isoformat(), *value[date_at + 1 :])
        for value in values
    ]
    marks = ", ".join(["%s"] * len(COLUMNS))
    before = connection.connection.total_changes
    cursor.executemany(
        f"INSERT OR IGNORE INTO {table} ({', '.join(COLUMNS)}) VALUES ({marks})", values
    )
    return connection.connection.total_changes - before


def _insert_tags(tags: dict[str, dict]) -> None:
    codes = list(tags)
    for start in range(0, len(codes), 5000):
        chunk = codes[start : start + 5000]
        ids = dict(Firm.objects.filter(uscc__in=chunk).values_list("uscc", "id"))
        FirmTag.objects.bulk_create(
            [
                FirmTag(firm_id=ids[code], name=name, detail=detail)
                for code in chunk
                if code in ids
                for name, detail in tags[code].items()
            ],
            ignore_conflicts=True,
            batch_size=5000,
        )

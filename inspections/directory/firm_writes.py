"""Writing checked firm records into the directory, one chunk at a time.

For each chunk: read the firms it names (one indexed lookup, in plain SQL: the ORM's IN of
10,000 codes costs more than the query), compare in Python, then insert the new ones
(PostgreSQL COPY, sqlite3 executemany), update only the firms whose values changed (by primary
key), and add or update the listed tags. A firm whose values and tags are already as the file
says is not touched at all, so a re-import writes nothing. Into a directory that was empty
when the import began there is nothing to read: the file's codes are unique (the runner
refuses a repeated one), so every firm is new.

`None` in a record means "the file says nothing here": the firm keeps its value, a new firm
gets the default.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from django.db import connection
from django.utils import timezone

from backend.imports.base import Counts
from inspections.directory.bulk import drop_gin_indexes, drop_sqlite_indexes
from inspections.directory.models import Firm, FirmStatus, FirmTag, RiskClass
from inspections.directory.models.firms import (
    _TYPE_BY_USCC_HEAD,
    TargetType,
    target_type_from_uscc,
)

# The columns a record carries, in order (the first, the code, identifies the firm).
COLUMNS = (
    "uscc", "name", "target_type", "region_code", "industry_code", "address",
    "legal_representative", "registered_on", "status", "risk_class", "abnormal_operation",
    "serious_violation", "complaints",
)  # fmt: skip
DEFAULTS: dict[str, Any] = {
    "industry_code": "",
    "address": "",
    "legal_representative": "",
    "registered_on": None,
    "status": FirmStatus.ACTIVE.value,
    "risk_class": RiskClass.B.value,
    "abnormal_operation": False,
    "serious_violation": False,
    "complaints": False,
}
# DEFAULTS by position: what a new firm gets where the file says nothing (the type is filled
# from the code afterwards; the code, name and region are never None).
_DEFAULTS_AT = tuple(DEFAULTS.get(column) for column in COLUMNS)
_TYPE_AT = COLUMNS.index("target_type")
# SQLite's page cache during an import, in KiB (the default is 2 MiB): 100,000 new firms touch
# eight indexes, and once the cache is full SQLite spills dirty pages to the WAL over and over,
# which made the insert several times slower. Given back when the writing ends.
SQLITE_IMPORT_CACHE_KIB = 64 * 1024
CHUNK = 10_000
# SQLite: the temporary table new firms pass through (see FirmWriter._insert); it lives in the
# import's connection only, and is dropped when the writing ends (or with the connection).
SQLITE_STAGING = "firm_import_new"
# The PostgreSQL types of COLUMNS + created_at, updated_at, for the binary COPY.
COPY_TYPES = [
    "varchar", "varchar", "varchar", "varchar", "varchar", "varchar", "varchar", "date",
    "varchar", "varchar", "bool", "bool", "bool", "timestamptz", "timestamptz",
]  # fmt: skip


class FirmWriter:
    def __init__(self) -> None:
        self.pg = connection.vendor == "postgresql"
        self.now = timezone.now()
        self.counts = Counts()
        self.changes_table_ready = False
        self.started = False
        self.empty = False  # the directory had no firm when the writing began
        self.rebuild: list[str] = []
        self.sqlite_cache: int | None = None
        self.sqlite_staging_ready = False

    def write(self, records: Sequence) -> None:
        """Write one chunk of FirmRecord(values, tags); add what happened to `self.counts`."""
        if not self.started:
            self._start()
        matched: dict[str, int] = {}
        changed: list[tuple] = []
        if not self.empty:
            by_code = {record.values[0]: record for record in records}
            rows = self._current(list(by_code))
            _compare(by_code, rows, matched, changed)
        self._write(records, matched, changed)

    def write_all(self, records: Sequence) -> None:
        """Write every record of the file at once (the staged path)."""
        if not self.started:
            self._start()
        matched: dict[str, int] = {}
        changed: list[tuple] = []
        if not self.empty:
            by_code = {record.values[0]: record for record in records}
            if self._directory_size() <= 2 * len(by_code):
                # The file names most of the directory (a re-import): one pass over the table
                # costs half as much as looking each code up.
                for rows in self._all_firms():
                    _compare(by_code, rows, matched, changed)
            else:
                codes = list(by_code)
                for start in range(0, len(codes), CHUNK):
                    rows = self._current(codes[start : start + CHUNK])
                    _compare(by_code, rows, matched, changed)
            del by_code
        self._write(records, matched, changed)

    def _write(self, records: Sequence, matched: dict[str, int], changed: list[tuple]) -> None:
        """Insert the records not `matched` (code -> id of the firm), update the `changed` rows,
        write the tags, and count."""
        # On SQLite the defaults are filled in by the INSERT … SELECT (see _insert): the rows go
        # as the file gave them, without a new tuple each.
        complete = _complete if self.pg else _as_given
        if len(matched) == len(records):
            new = []
        elif matched:
            new = [complete(r.values) for r in records if r.values[0] not in matched]
        else:
            new = [complete(r.values) for r in records]
        for start in range(0, len(new), CHUNK):
            self._insert(new[start : start + CHUNK])
        self._update(changed)
        changed_ids = {row[0] for row in changed}
        retagged: set[int] = set()
        for start in range(0, len(records), CHUNK):
            retagged |= self._write_tags(records[start : start + CHUNK], matched)
        self.counts.inserted += len(new)
        self.counts.updated += len(changed_ids) + len(retagged - changed_ids)
        self.counts.unchanged += len(matched) - len(changed_ids | retagged)

    def _start(self) -> None:
        self.started = True
        self.empty = not Firm.objects.exists()
        if self.pg:
            if self.empty:
                # A province's first load: build the name index once at the end instead of
                # row by row (the import's transaction hides the empty table meanwhile).
                self.rebuild = drop_gin_indexes(Firm._meta.db_table)
            return
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            self.sqlite_cache = cursor.fetchone()[0]
            cursor.execute(f"PRAGMA cache_size = -{SQLITE_IMPORT_CACHE_KIB}")
        if self.empty:
            # The same on SQLite, for every index but the codes' unique one: sorting 100,000
            # entries once is cheaper than placing them one by one.
            self.rebuild = drop_sqlite_indexes(Firm._meta.db_table)

    def close(self) -> None:
        """Give SQLite's connection its usual page cache back and drop the temporary table
        (after a commit or a rollback)."""
        if connection.connection is None:
            return
        if self.sqlite_staging_ready:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS temp.{SQLITE_STAGING}")
            self.sqlite_staging_ready = False
        if self.sqlite_cache is not None:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {int(self.sqlite_cache)}")
            self.sqlite_cache = None

    def finish(self) -> Counts:
        with connection.cursor() as cursor:
            for definition in self.rebuild:
                cursor.execute(definition)
        if self.pg and self.counts.inserted > 10_000:
            # Fresh statistics after a large load, or the list page's plans go wrong.
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {Firm._meta.db_table}")
                cursor.execute(f"ANALYZE {FirmTag._meta.db_table}")
        return self.counts

    def _directory_size(self) -> int:
        """About how many firms the directory holds (at least as many): the span of its ids, two
        reads of the primary key's index. Not the largest id alone: PostgreSQL's sequences do
        not start again after a rolled-back load (nor in tests), so ids need not begin at 1."""
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT MIN(id), MAX(id) FROM {Firm._meta.db_table}")
            low, high = cursor.fetchone()
            return 0 if high is None else high - low + 1

    def _all_firms(self) -> Iterator[list[tuple]]:
        """Every firm as (id, *COLUMNS), a batch at a time."""
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id, {', '.join(COLUMNS)} FROM {Firm._meta.db_table}")
            while rows := cursor.fetchmany(CHUNK):
                yield rows

    def _current(self, codes: list[str]) -> list[tuple]:
        """The firms the chunk names, as (id, *COLUMNS)."""
        table = Firm._meta.db_table
        with connection.cursor() as cursor:
            if self.pg:
                # One array parameter instead of 10,000 placeholders for the client to parse.
                cursor.execute(
                    f"SELECT id, {', '.join(COLUMNS)} FROM {table} WHERE uscc = ANY(%s)", [codes]
                )
                return cursor.fetchall()
            found = []
            # Within SQLite's limit of host parameters (32,766), whatever the chunk's size.
            # (Django's sqlite3 converters give dates and booleans back, by declared type.)
            for start in range(0, len(codes), 30_000):
                part = codes[start : start + 30_000]
                cursor.execute(
                    f"SELECT id, {', '.join(COLUMNS)} FROM {table} "
                    f"WHERE uscc IN ({', '.join(['%s'] * len(part))})",
                    part,
                )
                found.extend(cursor.fetchall())
            return found

    # --- the three writes ----------------------------------------------------------------

    def _insert(self, rows: list[tuple]) -> None:
        if not rows:
            return
        table = Firm._meta.db_table
        columns = ", ".join((*COLUMNS, "created_at", "updated_at"))
        with connection.cursor() as cursor:
            if self.pg:
                # Binary COPY: no text formatting of each value on this side.
                with cursor.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)") as copy:
                    copy.set_types(COPY_TYPES)
                    for row in rows:
                        copy.write_row((*row, self.now, self.now))
            else:
                # Through a temporary table without constraints, then one INSERT … SELECT: the
                # directory's CHECK constraints (type, status, risk class: IN lists) still hold
                # every row, but SQLite builds their lists once per statement, and an
                # executemany straight into the directory is one statement per row (half the
                # insert's time went there). The rows go in as they are (Django's sqlite3
                # adapter writes the dates); the time, the same for all, is written once into
                # the statement.
                if not self.sqlite_staging_ready:
                    cursor.execute(
                        f"CREATE TEMP TABLE IF NOT EXISTS {SQLITE_STAGING} AS "
                        f"SELECT {', '.join(COLUMNS)} FROM {table} WHERE 0"
                    )
                    self.sqlite_staging_ready = True
                marks = ", ".join(["%s"] * len(COLUMNS))
                cursor.executemany(f"INSERT INTO {SQLITE_STAGING} VALUES ({marks})", rows)
                now = _sqlite_time(self.now)
                cursor.execute(
                    f"INSERT INTO {table} ({columns}) "
                    f"SELECT {_SQLITE_COMPLETED}, {now}, {now} FROM {SQLITE_STAGING} "
                    "ORDER BY rowid"
                )
                cursor.execute(f"DELETE FROM {SQLITE_STAGING}")

    def _update(self, rows: list[tuple]) -> None:
        """Rows of (id, name, target_type, ...): every column but the code, set by id."""
        if not rows:
            return
        table = Firm._meta.db_table
        updated = COLUMNS[1:]
        with connection.cursor() as cursor:
            if self.pg:
                if not self.changes_table_ready:
                    cursor.execute(
                        "CREATE TEMP TABLE IF NOT EXISTS firm_import_changes ON COMMIT DROP AS "
                        f"SELECT id, {', '.join(updated)} FROM {table} WITH NO DATA"
                    )
                    self.changes_table_ready = True
                cursor.execute("TRUNCATE firm_import_changes")
                with cursor.copy("COPY firm_import_changes FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                assignments = ", ".join(f"{c} = c.{c}" for c in updated)
                cursor.execute(
                    f"UPDATE {table} SET {assignments}, updated_at = %s "
                    f"FROM firm_import_changes c WHERE {table}.id = c.id",
                    [self.now],
                )
            else:
                # Numbered parameters: the rows go in as they are, the id first.
                assignments = ", ".join(f"{c} = ?{n}" for n, c in enumerate(updated, start=2))
                cursor.executemany(
                    f"UPDATE {table} SET {assignments}, updated_at = {_sqlite_time(self.now)} "
                    "WHERE id = ?1",
                    rows,
                )

    def _write_tags(self, records: Sequence, matched: dict[str, int]) -> set[int]:
        """Add or update the listed tags; returns the ids of existing firms whose tags changed.
        `matched` holds the existing firms' ids by code."""
        wanted = {record.values[0]: record.tags for record in records if record.tags}
        if not wanted:
            return set()
        ids = {code: matched[code] for code in wanted if code in matched}
        missing = [code for code in wanted if code not in ids]
        if missing:  # firms this chunk has just inserted
            ids.update((row[1], row[0]) for row in self._current(missing))
        existing = {
            (firm_id, name): (pk, detail)
            for pk, firm_id, name, detail in FirmTag.objects.filter(
                firm_id__in=ids.values()
            ).values_list("id", "firm_id", "name", "detail")
        }
        to_create, to_update, retagged = [], [], set()
        for code, tags in wanted.items():
            firm_id = ids[code]
            for name, detail in tags.items():
                found = existing.get((firm_id, name))
                if found is None:
                    to_create.append(FirmTag(firm_id=firm_id, name=name, detail=detail))
                elif found[1] != detail:
                    to_update.append(FirmTag(id=found[0], detail=detail))
                else:
                    continue
                if code in matched:
                    retagged.add(firm_id)
        FirmTag.objects.bulk_create(to_create, batch_size=5000)
        FirmTag.objects.bulk_update(to_update, ["detail"], batch_size=5000)
        return retagged


def _compare(
    by_code: dict[str, Any], rows: list[tuple], matched: dict[str, int], changed: list[tuple]
) -> None:
    """For each firm of `rows` that the file names (`by_code`): its id into `matched`, and
    (id, *values) into `changed` if the file changes any of its values."""
    for row in rows:
        record = by_code.get(row[1])
        if record is None:
            continue
        matched[row[1]] = row[0]
        values = record.values
        old = row[1:]
        if values == old:
            continue
        if None in values:  # the file says nothing there: the firm keeps its value
            merged = tuple([o if v is None else v for v, o in zip(values, old, strict=True)])
            if merged == old:
                continue
        else:
            merged = values
        changed.append((row[0], *merged[1:]))


def _complete(values: tuple) -> tuple:
    """A new firm's values, with the defaults where the file says nothing."""
    if None not in values:
        return values
    completed = [d if v is None else v for v, d in zip(values, _DEFAULTS_AT, strict=True)]
    if completed[_TYPE_AT] is None:  # the type follows the code's second character
        completed[_TYPE_AT] = target_type_from_uscc(completed[0])
    return tuple(completed)


def _as_given(values: tuple) -> tuple:
    return values


def _sql_literal(value: Any) -> str:
    """A default as an SQLite literal (the defaults are fixed, plain words)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, str) and (value == "" or value.replace("_", "").isalnum()):
        if value.isascii():
            return f"'{value}'"
    raise ValueError(f"unexpected default {value!r}")


def _sqlite_completed() -> str:
    """The staging table's columns as a new firm gets them: _complete, in SQL."""
    heads = " ".join(
        f"WHEN {_sql_literal(head)} THEN {_sql_literal(str(kind))}"
        for head, kind in _TYPE_BY_USCC_HEAD.items()
    )
    by_code = (
        f"CASE substr(uscc, 1, 2) {heads} ELSE {_sql_literal(str(TargetType.ORGANISATION))} END"
    )
    parts = []
    for column in COLUMNS:
        if column == "target_type":
            parts.append(f"COALESCE(target_type, {by_code})")
        elif column in DEFAULTS and DEFAULTS[column] is not None:
            parts.append(f"COALESCE({column}, {_sql_literal(DEFAULTS[column])})")
        else:
            parts.append(column)
    return ", ".join(parts)


_SQLITE_COMPLETED = _sqlite_completed()


def _sqlite_time(moment) -> str:
    """A time as an SQLite literal, in the form Django stores it ('2026-12-05 03:16:00.123456')."""
    text = connection.ops.adapt_datetimefield_value(moment)
    if not set(text) <= set("0123456789-:. "):  # nothing that would need quoting
        raise ValueError(f"unexpected SQLite time {text!r}")
    return f"'{text}'"

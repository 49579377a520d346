"""Writing checked firm records into the directory, one chunk at a time.

On SQLite, for each chunk: read the firms it names (one indexed lookup, in plain SQL: the ORM's
IN of 10,000 codes costs more than the query; or the directory, read ahead while the file
was being opened: FirmWriter.prefetch), compare in Python, then insert the new ones,
update only the firms whose values changed (by primary key), and add or update the listed
tags. On PostgreSQL the chunk is copied into a temporary table and compared in the database
(FirmWriter._write_compared): one UPDATE of the firms whose values differ, one INSERT of the
codes not in the directory, without a Python object per firm read. A firm whose values and tags
are already as the file says is not touched at all, so a re-import writes nothing. Into a
directory that was empty when the import began there is nothing to read: the file's codes are
unique (the runner refuses a repeated one), so every firm is new.

`None` in a record means "the file says nothing here": the firm keeps its value, a new firm
gets the default.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from django.db import connection
from django.utils import timezone

from backend.imports.base import Counts
from inspections.directory.bulk import drop_postgresql_indexes, drop_sqlite_indexes
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
# The directory's columns whose statistics the planner needs after a large first load (see
# FirmWriter.finish): what the list page, the exports, the API and the draws filter, search,
# sort and join on.
ANALYZED = (
    "id", "uscc", "name", "target_type", "region_code", "industry_code", "status",
    "risk_class", "abnormal_operation", "serious_violation", "complaints",
)  # fmt: skip
# DEFAULTS by position: what a new firm gets where the file says nothing (the type is filled
# from the code afterwards; the code, name and region are never None).
_DEFAULTS_AT = tuple(DEFAULTS.get(column) for column in COLUMNS)
_TYPE_AT = COLUMNS.index("target_type")
# SQLite's page cache during an import, in KiB (the default is 2 MiB): 100,000 new firms touch
# eight indexes, and once the cache is full SQLite spills dirty pages to the WAL over and over,
# which made the insert several times slower. Given back when the writing ends.
SQLITE_IMPORT_CACHE_KIB = 64 * 1024
CHUNK = 10_000
# SQLite: the largest directory read ahead while the file is opened (FirmWriter.prefetch), in
# firms: about 1 KiB each (0.1 GiB more at the peak of a 100,000-firm re-import, measured),
# beside the file's own records; a larger directory is read at the end, as before.
PREFETCH_MAX_FIRMS = 150_000
# SQLite: the temporary table new firms pass through (see FirmWriter._insert); it lives in the
# import's connection only, and is dropped when the writing ends (or with the connection).
SQLITE_STAGING = "firm_import_new"
# PostgreSQL: the temporary table a chunk is compared through (see FirmWriter._write_compared);
# dropped with the import's transaction.
PG_ROWS = "firm_import_rows"
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
        self.rows_table_ready = False
        self.started = False
        self.empty = False  # the directory had no firm when the writing began
        self.rebuild: list[str] = []
        self.sqlite_cache: int | None = None
        self.sqlite_staging_ready = False
        # SQLite: (connection, PRAGMA data_version, {code: (id, (*COLUMNS), blanked)}, the last
        # id read if it stopped part-way) read ahead; `blanked`: see _blanked.
        self.prefetched: tuple[Any, int, dict[str, Known], int | None] | None = None

    def write(self, records: Sequence) -> None:
        """Write one chunk of FirmRecord(values, tags); add what happened to `self.counts`."""
        if not self.started:
            self._start()
        if self.pg and not self.empty:
            self._write_compared(records)
            return
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
        if self.pg and not self.empty:
            for start in range(0, len(records), CHUNK):
                self._write_compared(records[start : start + CHUNK])
            return
        matched: dict[str, int] = {}
        changed: list[tuple] = []
        known = None if self.empty else self._prefetched()
        if known is not None:
            firms, last = known
            if last is not None:
                self._finish_prefetched(firms, last, [record.values[0] for record in records])
            _compare_known(records, firms, matched, changed)
            del firms, known
        elif not self.empty:
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

    def _write_compared(self, records: Sequence) -> None:
        """PostgreSQL, into a directory that had firms: the chunk goes into a temporary table by
        binary COPY, and the database finds what changed. One look-up of each code counts the
        codes not in the directory and the firms whose values the file changes (and gives the
        ids of the firms already there whose rows list tags); then, only if there are any, one
        statement updates those firms (a value the file leaves empty is kept, as in _compare)
        and another inserts the new codes, with a new firm's defaults (_PG_COMPLETED, as
        _complete does), in the file's order. A chunk the directory already holds as it is
        (a re-import) costs the look-up alone."""
        table = Firm._meta.db_table
        columns = ", ".join(COLUMNS)
        with connection.cursor() as cursor:
            if self.rows_table_ready:
                cursor.execute(f"TRUNCATE {PG_ROWS}")
            else:
                cursor.execute(
                    f"CREATE TEMP TABLE IF NOT EXISTS {PG_ROWS} ON COMMIT DROP AS "
                    f"SELECT {columns} FROM {table} WITH NO DATA"
                )
                # The file's order, numbered by the COPY as it reads: the rows go as they are,
                # without a new tuple each (a twentieth of a second per 100,000 rows, in the
                # thread that must leave the interpreter to the reading).
                cursor.execute(f"ALTER TABLE {PG_ROWS} ADD COLUMN IF NOT EXISTS position bigserial")
                self.rows_table_ready = True
            with cursor.copy(f"COPY {PG_ROWS} ({columns}) FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(COPY_TYPES[: len(COLUMNS)])
                for record in records:
                    copy.write_row(record.values)
            # The firms already there whose rows list tags, before anything is added.
            tagged = [record.values[0] for record in records if record.tags]
            cursor.execute(
                "SELECT count(*) FILTER (WHERE f.id IS NULL), "
                f"count(*) FILTER (WHERE f.id IS NOT NULL AND ({_PG_DIFFERS})), "
                f"(SELECT array_agg(uscc ORDER BY uscc) FROM {table} WHERE uscc = ANY(%s)), "
                f"(SELECT array_agg(id ORDER BY uscc) FROM {table} WHERE uscc = ANY(%s)) "
                f"FROM {PG_ROWS} s LEFT JOIN {table} f ON f.uscc = s.uscc",
                [tagged, tagged],
            )
            missing, differing, tagged_codes, tagged_ids = cursor.fetchone()
            matched = dict(zip(tagged_codes or (), tagged_ids or (), strict=True))
            changed_ids: set[int] = set()
            if differing:
                cursor.execute(
                    f"UPDATE {table} AS f SET {_PG_MERGED}, updated_at = %s FROM {PG_ROWS} s "
                    f"WHERE f.uscc = s.uscc AND ({_PG_DIFFERS}) RETURNING f.id",
                    [self.now],
                )
                changed_ids = {row[0] for row in cursor.fetchall()}
            inserted = 0
            if missing:
                cursor.execute(
                    f"INSERT INTO {table} ({columns}, created_at, updated_at) "
                    f"SELECT {_PG_COMPLETED}, %s, %s FROM {PG_ROWS} s "
                    # A lookup by the code's index for each row: NOT EXISTS would be planned as
                    # an anti-join that reads the whole directory for every chunk.
                    f"WHERE (SELECT f.id FROM {table} f WHERE f.uscc = s.uscc) IS NULL "
                    "ORDER BY s.position",
                    [self.now, self.now],
                )
                inserted = cursor.rowcount
        retagged: set[int] = set()
        if tagged:
            retagged = self._write_tags(records, matched)
        existing = len(records) - inserted
        self.counts.inserted += inserted
        self.counts.updated += len(changed_ids) + len(retagged - changed_ids)
        self.counts.unchanged += existing - len(changed_ids | retagged)

    def prefetch(self, *, stop: threading.Event) -> None:
        """SQLite: read the directory while the runner opens the file in another thread (the
        workbook check and calamine's load of the sheet let this thread run), so that a
        re-import compares with it without reading it at the end. Stopped as soon as `stop` is
        set (it must never keep the rows waiting): what was read is kept, with the last id
        read, and the writing reads the rest (_finish_prefetched), so nothing is read twice.

        This runs outside the import's transaction, so the writing uses it only if no other
        connection has committed anything since (_prefetched); otherwise it reads again."""
        if self.pg or self._directory_size() > PREFETCH_MAX_FIRMS:
            return
        firms: dict[str, tuple[int, tuple]] = {}
        last = None
        with connection.cursor() as cursor:
            # Before the SELECT: a commit in between shows as a newer version, never as an older.
            cursor.execute("PRAGMA data_version")
            version = cursor.fetchone()[0]
            # In the ids' order, the table's own (no sort): what is left is the ids above.
            cursor.execute(
                f"SELECT id, {', '.join(COLUMNS)} FROM {Firm._meta.db_table} ORDER BY id"
            )
            while rows := cursor.fetchmany(CHUNK):
                for row in rows:
                    old = row[1:]
                    firms[row[1]] = (row[0], old, _blanked(old))
                if stop.is_set():
                    last = rows[-1][0]
                    break
        if firms:  # an empty directory has nothing to compare with (see _start)
            self.prefetched = (connection.connection, version, firms, last)

    def _prefetched(self) -> tuple[dict[str, Known], int | None] | None:
        """The directory read ahead by prefetch (and the last id read, if it stopped part-way),
        if it is still the directory: inside the import's transaction (BEGIN IMMEDIATE on
        SQLite, so no other connection can commit now), SQLite's data_version is the one read
        before it, on the same connection (its own commits meanwhile, the job's progress, do
        not count)."""
        if self.prefetched is None:
            return None
        source, version, firms, last = self.prefetched
        self.prefetched = None
        if source is not connection.connection:
            return None
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA data_version")
            if cursor.fetchone()[0] != version:
                return None
        return firms, last

    def _finish_prefetched(self, firms: dict[str, Known], last: int, codes: list[str]) -> None:
        """Add to `firms` what a read-ahead stopped at id `last` did not read, of the firms
        with `codes`: the rest of the table in one pass when the file names most of the
        directory, otherwise the codes not found yet, looked up."""
        if self._directory_size() <= 2 * len(codes):
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT id, {', '.join(COLUMNS)} FROM {Firm._meta.db_table} "
                    "WHERE id > %s ORDER BY id",
                    [last],
                )
                while rows := cursor.fetchmany(CHUNK):
                    for row in rows:
                        old = row[1:]
                        firms[row[1]] = (row[0], old, _blanked(old))
            return
        missing = [code for code in codes if code not in firms]
        for start in range(0, len(missing), CHUNK):
            for row in self._current(missing[start : start + CHUNK]):
                old = row[1:]
                firms[row[1]] = (row[0], old, _blanked(old))

    def _start(self) -> None:
        self.started = True
        self.empty = not Firm.objects.exists()
        if self.pg:
            if self.empty:
                # A province's first load: build the name's GIN index and the filters'
                # B-trees once at the end instead of row by row (the import's transaction
                # hides the empty table meanwhile). With the B-trees kept, the server's COPY
                # was the slowest part of the reading (2.2 s for 100,000 firms, 0.9 s without
                # them; building them afterwards takes 0.6 s).
                self.rebuild = drop_postgresql_indexes(Firm._meta.db_table)
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
        self.prefetched = None
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
            # Fresh statistics after a large load, or the list page's plans go wrong: for the
            # columns that pages, exports and draws filter, search and join on. Not the
            # address, the representative or the dates, which nothing filters on: their text
            # cost half the ANALYZE of a first load, at the end of the import (autovacuum, where
            # it runs, analyses the whole table later as usual).
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {Firm._meta.db_table} ({', '.join(ANALYZED)})")
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
        """SQLite: rows of (id, name, target_type, ...), every column but the code, set by id.
        (PostgreSQL compares and updates in the database: _write_compared.)"""
        if not rows:
            return
        table = Firm._meta.db_table
        updated = COLUMNS[1:]
        # Numbered parameters: the rows go in as they are, the id first.
        assignments = ", ".join(f"{c} = ?{n}" for n, c in enumerate(updated, start=2))
        with connection.cursor() as cursor:
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
        if values != old and (merged := _merged(values, old)) is not None:
            changed.append((row[0], *merged[1:]))


def _compare_known(
    records: Sequence, firms: dict[str, Known], matched: dict[str, int], changed: list[tuple]
) -> None:
    """_compare, for the whole directory in hand (`firms`: code -> (id, values, blanked)).

    A row equal to the firm's values, or to them `_blanked`, changes nothing: one comparison
    of two tuples in C, where _merged builds a new tuple (most files leave a column or two
    empty: the flags of a firm without any, an export's empty industry)."""
    for record in records:
        values = record.values
        found = firms.get(values[0])
        if found is None:
            continue
        firm_id, old, blanked = found
        matched[values[0]] = firm_id
        if values != blanked and values != old and (merged := _merged(values, old)) is not None:
            changed.append((firm_id, *merged[1:]))


# A firm read ahead: (id, its values in COLUMNS order, the same _blanked).
Known = tuple[int, tuple, tuple]
# The columns whose default is empty: "" (industry, address, representative) or False (flags).
_BLANKABLE = (4, 5, 6, 10, 11, 12)
assert [COLUMNS[i] for i in _BLANKABLE] == [
    c for c in COLUMNS if DEFAULTS.get(c, True) in ("", False)
], "_blanked follows COLUMNS"


def _blanked(old: tuple) -> tuple:
    """A firm's values with None where it holds the empty default: as a row that leaves those
    cells empty reads. Equal to a row, it means the row changes nothing: where the row has a
    value, it is the firm's; where the row says nothing, the firm keeps its empty default."""
    return (
        old[0], old[1], old[2], old[3], old[4] or None, old[5] or None, old[6] or None, old[7],
        old[8], old[9], old[10] or None, old[11] or None, old[12] or None,
    )  # fmt: skip


def _merged(values: tuple, old: tuple) -> tuple | None:
    """A firm's values (`old`, which differ from the file's) once the file's are applied, or
    None if they stay the same: where the file says nothing, the firm keeps its value."""
    if None not in values:
        return values
    merged = tuple([o if v is None else v for v, o in zip(values, old, strict=True)])
    return None if merged == old else merged


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


def _completed(literal: Callable[[Any], str]) -> str:
    """The staged columns as a new firm gets them: _complete, in SQL (`literal` writes the
    defaults in the database's own form)."""
    heads = " ".join(
        f"WHEN {literal(head)} THEN {literal(str(kind))}"
        for head, kind in _TYPE_BY_USCC_HEAD.items()
    )
    by_code = f"CASE substr(uscc, 1, 2) {heads} ELSE {literal(str(TargetType.ORGANISATION))} END"
    parts = []
    for column in COLUMNS:
        if column == "target_type":
            parts.append(f"COALESCE(target_type, {by_code})")
        elif column in DEFAULTS and DEFAULTS[column] is not None:
            parts.append(f"COALESCE({column}, {literal(DEFAULTS[column])})")
        else:
            parts.append(column)
    return ", ".join(parts)


_SQLITE_COMPLETED = _completed(_sql_literal)


def _pg_literal(value: Any) -> str:
    """A default as a PostgreSQL literal: booleans are not numbers there."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _sql_literal(value)


_PG_COMPLETED = _completed(_pg_literal)
# A firm (f) and the file's row (s) for it: what _compare does, in SQL. An empty cell (NULL)
# keeps the firm's value; any other value that differs changes the firm.
_PG_MERGED = ", ".join(f"{c} = COALESCE(s.{c}, f.{c})" for c in COLUMNS[1:])
_PG_DIFFERS = " OR ".join(
    f"(s.{c} IS NOT NULL AND s.{c} IS DISTINCT FROM f.{c})" for c in COLUMNS[1:]
)


def _sqlite_time(moment) -> str:
    """A time as an SQLite literal, in the form Django stores it ('2026-12-05 03:16:00.123456')."""
    text = connection.ops.adapt_datetimefield_value(moment)
    if not set(text) <= set("0123456789-:. "):  # nothing that would need quoting
        raise ValueError(f"unexpected SQLite time {text!r}")
    return f"'{text}'"

"""Writing checked firm records into the directory, one chunk at a time.

For each chunk: read the firms it names (one indexed lookup), compare in Python, then insert
the new ones (PostgreSQL COPY, sqlite3 executemany), update only the firms whose values changed
(by primary key), and add or update the listed tags. A firm whose values and tags are already
as the file says is not touched at all, so a re-import writes nothing.

`None` in a record means "the file says nothing here": the firm keeps its value, a new firm
gets the default.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.utils import timezone

from backend.imports.base import Counts
from inspections.directory.bulk import drop_gin_indexes
from inspections.directory.models import Firm, FirmStatus, FirmTag, RiskClass
from inspections.directory.models.firms import target_type_from_uscc

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
_DATE_AT = COLUMNS.index("registered_on")
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
        self.rebuild: list[str] = []

    def write(self, records: Sequence) -> None:
        """Write one chunk of FirmRecord(values, tags); add what happened to `self.counts`."""
        if not self.started:
            self.started = True
            if self.pg and not Firm.objects.exists():
                # A province's first load: build the name index once at the end instead of
                # row by row (the import's transaction hides the empty table meanwhile).
                self.rebuild = drop_gin_indexes(Firm._meta.db_table)
        current = {row[1]: row for row in self._current([r.values[0] for r in records])}
        new: list[tuple] = []
        changed: list[tuple] = []
        for record in records:
            row = current.get(record.values[0])
            if row is None:
                new.append(self._complete(record.values))
                continue
            merged = tuple(
                old if value is None else value
                for value, old in zip(record.values, row[1:], strict=True)
            )
            if merged != row[1:]:
                changed.append((row[0], *merged[1:]))
        self._insert(new)
        self._update(changed)
        changed_ids = {row[0] for row in changed}
        retagged = self._write_tags(records, current)
        self.counts.inserted += len(new)
        self.counts.updated += len(changed_ids) + len(retagged - changed_ids)
        self.counts.unchanged += len(current) - len(changed_ids | retagged)

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

    def _current(self, codes: list[str]) -> list[tuple]:
        """The firms the chunk names, as (id, *COLUMNS)."""
        if self.pg:
            # One array parameter instead of 10,000 placeholders for the client to parse.
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT id, {', '.join(COLUMNS)} FROM {Firm._meta.db_table} "
                    "WHERE uscc = ANY(%s)",
                    [codes],
                )
                return cursor.fetchall()
        return list(Firm.objects.filter(uscc__in=codes).values_list("id", *COLUMNS))

    # --- the three writes ----------------------------------------------------------------

    @staticmethod
    def _complete(values: tuple) -> tuple:
        completed = [
            DEFAULTS[column] if value is None and column in DEFAULTS else value
            for column, value in zip(COLUMNS, values, strict=True)
        ]
        if completed[2] is None:  # the type follows the code's second character
            completed[2] = target_type_from_uscc(completed[0])
        return tuple(completed)

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
                now = connection.ops.adapt_datetimefield_value(self.now)
                marks = ", ".join(["%s"] * (len(COLUMNS) + 2))
                cursor.executemany(
                    f"INSERT INTO {table} ({columns}) VALUES ({marks})",
                    [(*_sqlite_row(row), now, now) for row in rows],
                )

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
                now = connection.ops.adapt_datetimefield_value(self.now)
                assignments = ", ".join(f"{c} = %s" for c in updated)
                cursor.executemany(
                    f"UPDATE {table} SET {assignments}, updated_at = %s WHERE id = %s",
                    [(*_sqlite_row(row[1:], offset=1), now, row[0]) for row in rows],
                )

    def _write_tags(self, records: Sequence, current: dict[str, tuple]) -> set[int]:
        """Add or update the listed tags; returns the ids of existing firms whose tags changed."""
        wanted = {record.values[0]: record.tags for record in records if record.tags}
        if not wanted:
            return set()
        ids = {code: row[0] for code, row in current.items() if code in wanted}
        missing = [code for code in wanted if code not in ids]
        if missing:  # firms this chunk has just inserted
            ids.update(Firm.objects.filter(uscc__in=missing).values_list("uscc", "id"))
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
                if code in current:
                    retagged.add(firm_id)
        FirmTag.objects.bulk_create(to_create, batch_size=5000)
        FirmTag.objects.bulk_update(to_update, ["detail"], batch_size=5000)
        return retagged


def _sqlite_row(row: Sequence, *, offset: int = 0) -> tuple:
    """sqlite3 stores dates as ISO text, as Django does."""
    at = _DATE_AT - offset
    value = row[at]
    return (*row[:at], value.isoformat() if value is not None else None, *row[at + 1 :])

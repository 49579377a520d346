"""What an importer provides; the runner does the rest (reading, checks, report, progress)."""

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from backend.tabular import Column


class RowInvalid(Exception):
    """A row cannot be imported: {column key or "": Chinese message}."""

    def __init__(self, problems: dict[str, str]):
        super().__init__(problems)
        self.problems = problems


@dataclass(frozen=True)
class ImportContext:
    actor: Any  # the user who imports
    department: Any  # their department, or the one the command named


@dataclass
class Counts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0


class Importer:
    """Subclass per kind of record, and register with backend.imports.registry.register.

    - `parse_row` validates one row (no writes) and returns the clean record, or raises
      RowInvalid naming the columns at fault.
    - `row_key` identifies a record, so that a file naming it twice is caught (a million keys
      stay in memory while the file is read: keep them small).
    - `stage` receives the clean records in chunks while the file is still being read; the
      default keeps them in memory, an importer for millions of rows may stream them elsewhere.
    - `apply` writes everything, inside the runner's single transaction, and returns the counts.
      A re-import of the same file must come back as all unchanged.

    An importer for millions of rows may also set `writes_in_chunks` and provide `write_chunk`
    and `finish_chunks`: on PostgreSQL a second thread then writes each chunk as it is read,
    in one transaction that commits only when the whole file is accepted.

    It may also set `prepares` and provide `prepare`: the runner then reads the file (the
    workbook check and the sheet's load, which let other threads run) in a second thread
    while this one prepares.
    """

    # Templates receive the class itself; without this they would try to instantiate it.
    do_not_call_in_templates: ClassVar[bool] = True
    kind: ClassVar[str]
    label: ClassVar[str]
    # Recorded when a file is applied: a member of the owning app's audit enumeration.
    audit_action: ClassVar[str]
    columns: ClassVar[Sequence[Column]]
    template_notes: ClassVar[Sequence[str]] = ()
    allowed_roles: ClassVar[frozenset[str]] = frozenset()
    needs_department: ClassVar[bool] = True
    writes_in_chunks: ClassVar[bool] = False
    prepares: ClassVar[bool] = False

    def __init__(self, context: ImportContext):
        self.context = context
        self.staged: list[Any] = []

    def parse_row(self, values: dict[str, Any]) -> Any:
        raise NotImplementedError

    def row_key(self, record: Any) -> Any:
        return None

    def stage(self, records: list[Any]) -> None:
        self.staged.extend(records)

    def apply(self) -> Counts:
        raise NotImplementedError

    def write_chunk(self, records: list[Any]) -> None:
        raise NotImplementedError

    def finish_chunks(self) -> Counts:
        raise NotImplementedError

    def prepare(self, *, reading_done: threading.Event) -> None:
        """Read ahead what the writing will need, while the file is read in another thread.

        Outside the import's transaction: what it reads may be out of date by the time the
        writing starts, which must then find out and read it again. It should return soon
        after `reading_done` is set (the rows are waiting), done or not."""

    def discard(self) -> None:
        """Forget what was staged (nothing valid to write, or a dry run)."""
        self.staged = []

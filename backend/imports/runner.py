"""Running an import: read and check every row, report, then write everything at once."""

import contextlib
import gc
import hashlib
import io
import logging
import queue
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, connections, transaction
from django.utils import timezone

from backend.audit.services import record_event
from backend.imports.base import Counts, ImportContext, RowInvalid
from backend.imports.models import FINISHED, STALE_AFTER, ImportJob, Mode, Status
from backend.imports.registry import get_importer
from backend.jobs import lease
from backend.jobs.dispatch import dispatch, job_task, worker_name
from backend.tabular import CellError, Table, TableError, read_table, write_error_report
from backend.workbook_checks import WorkbookLimits

log = logging.getLogger(__name__)

CHUNK_ROWS = 10_000
# The job's progress is saved every PROGRESS_EVERY rows, but no more often than every
# PROGRESS_SECONDS: the page polls about once a second, and each save is a commit (on
# PostgreSQL about 4 ms: 0.2 s of a 100,000-firm import when it saved every 2,000 rows).
PROGRESS_EVERY = 2_000
PROGRESS_SECONDS = 0.5


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off for the block, then as it was (as in inspections.draws.dr1).

    An import keeps every row's record and key until it writes: the objects alive grow by the
    hundred thousand, and each of the collector's passes over the oldest generation walks them
    all, to find nothing (reading and checking rows makes no reference cycles): 0.1–0.35 s of
    CPU in a 100,000-firm import, measured. The collector is per process: for that while, other
    threads' cycles wait too; their memory is freed by reference counting as always.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# The interpreter's switch interval while an import runs (Python's default is 5 ms). On
# PostgreSQL a second thread writes each chunk while this one reads on: each time the writer's
# statement or COPY returns, it waits for the reading thread to let the interpreter go, up to the
# interval each time. At 5 ms the writer took twice as long as alone and held the reading up (a
# 100,000-firm re-import: 1.2–1.4 s of writing against 0.6–0.7 s alone); at 1 ms, 0.8–1.1 s.
IMPORT_SWITCH_INTERVAL = 0.001


class _SwitchingOften:
    """The interpreter's switch interval at IMPORT_SWITCH_INTERVAL while at least one import
    runs, then as it was. It is per process, as the collector is: other threads switch as often
    meanwhile. Imports that overlap (threads of a web process without a broker) count: the
    interval goes back when the last one ends, whatever the order, never to an import's 1 ms."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.running = 0
        self.before = 0.0

    @contextlib.contextmanager
    def __call__(self) -> Iterator[None]:
        with self.lock:
            if self.running == 0:
                self.before = sys.getswitchinterval()
                sys.setswitchinterval(min(self.before, IMPORT_SWITCH_INTERVAL))
            self.running += 1
        try:
            yield
        finally:
            with self.lock:
                self.running -= 1
                if self.running == 0:
                    sys.setswitchinterval(self.before)


_switching_often = _SwitchingOften()


class _RollBack(Exception):
    """Raised inside the transaction of a dry run so that nothing it wrote is kept."""

    def __init__(self, counts: Counts):
        self.counts = counts


def workbook_limits() -> WorkbookLimits:
    """The limits every imported workbook is checked against, from the settings."""
    return WorkbookLimits(
        max_uncompressed_bytes=settings.IMPORT_MAX_UNCOMPRESSED_BYTES,
        max_ratio=settings.IMPORT_MAX_COMPRESSION_RATIO,
        max_parts=settings.IMPORT_MAX_WORKBOOK_PARTS,
        max_cells=settings.IMPORT_MAX_CELLS,
        max_string_chars=settings.IMPORT_MAX_CELL_CHARS,
    )


def _save(job: ImportJob, **changes: Any) -> None:
    for name, value in changes.items():
        setattr(job, name, value)
    job.heartbeat_at = timezone.now()
    job.save(update_fields=[*changes, "heartbeat_at"])


def _describe(problems: dict[str, str], importer, table: Table) -> str:
    headers = {c.key: c.header for c in importer.columns}
    column_index = table.column_index
    parts = []
    for key, message in problems.items():
        if key in column_index:
            parts.append(f"{table.letter(column_index[key])} 列“{headers[key]}”：{message}")
        elif key in headers:
            parts.append(f"“{headers[key]}”：{message}")
        else:
            parts.append(message)
    return "；".join(parts)


def _where(seen: int | tuple[Table, int], first: Table) -> str:
    sheet, number = seen if isinstance(seen, tuple) else (first, seen)
    return f"{sheet.where()}第 {number} 行"


def _as_in_first_sheet(raw: list, sheet: Table, first: Table) -> list:
    """A row of a later sheet with its cells under the first sheet's headers, for the report."""
    if sheet is first or sheet.column_index == first.column_index:
        return raw
    cells: list = [None] * len(first.headers)
    for key, position in first.column_index.items():
        if key in sheet.column_index and sheet.column_index[key] < len(raw):
            cells[position] = raw[sheet.column_index[key]]
    return cells


class _StagedWrites:
    """The importer stages rows as they are read; everything is written at the end."""

    def __init__(self, importer):
        self.importer = importer

    def send(self, records: list) -> None:
        self.importer.stage(records)

    def abort(self) -> None:
        self.importer.discard()

    def finish(self, *, commit: bool, audit: Callable[[Counts], None]) -> Counts:
        try:
            with transaction.atomic():
                counts = self.importer.apply()
                if not commit:
                    raise _RollBack(counts)
                audit(counts)
            return counts
        except _RollBack as dry:
            return dry.counts
        finally:
            self.importer.discard()


_END = object()


class _WriteFailed(Exception):
    """The writing thread failed; the reading stops and the transaction is rolled back."""


class _ParallelWrites:
    """A second thread writes each chunk as soon as it is read, in one open transaction.

    The database works on the other core while this one reads and checks the next rows; the
    transaction is committed only once every row was read and the outcome decided, so a file
    with errors (all or nothing), a dry run or a crash still writes nothing. PostgreSQL only:
    SQLite allows one writer, and the progress updates need to write meanwhile.
    """

    def __init__(self, importer):
        self.importer = importer
        # One chunk waiting is enough to keep the writer busy; more would only hold memory.
        self.queue: queue.Queue = queue.Queue(maxsize=1)
        self.error: BaseException | None = None
        self.commit = False
        self.audit: Callable[[Counts], None] | None = None
        self.counts: Counts | None = None
        self.thread = threading.Thread(target=self._run, name="import-writer", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            with transaction.atomic():
                while (records := self.queue.get()) is not _END:
                    self.importer.write_chunk(records)
                counts = self.importer.finish_chunks()
                if not self.commit:
                    raise _RollBack(counts)
                self.audit(counts)
            self.counts = counts
        except _RollBack as dry:
            self.counts = dry.counts
        except BaseException as exc:  # noqa: BLE001 - handed to the reading thread
            self.error = exc
            while self.queue.get() is not _END:  # let the reader finish putting
                pass
        finally:
            connections.close_all()

    def send(self, records: list) -> None:
        if self.error is not None:
            raise _WriteFailed(self.error)
        self.queue.put(records)

    def _stop(self) -> None:
        self.queue.put(_END)
        self.thread.join()

    def abort(self) -> None:
        self.commit = False
        self._stop()

    def finish(self, *, commit: bool, audit: Callable[[Counts], None]) -> Counts:
        self.commit, self.audit = commit, audit
        self._stop()
        if self.error is not None:
            raise self.error
        return self.counts


def _read_while_preparing(importer, read: Callable[[Callable[[], None]], Table]) -> Table:
    """`read(on_checked)`, in a second thread while this one runs the importer's `prepare`, if
    it has one.

    Past the workbook check, opening a workbook is calamine's load of the sheet, which lets
    other threads run: more than a second of a 100,000-firm file in which this thread can read
    the database (the reading itself touches no database; this thread keeps the database work
    on the import's own connection). `prepare` starts once the file has passed its check (it
    would only slow the check's own Python work down), and not at all if the reading is over
    by then. Whatever either side raises comes out here once both have ended, the reading's
    error first."""
    if not importer.prepares:
        return read(lambda: None)
    done = threading.Event()
    go = threading.Event()  # the file passed its check, or the reading is over
    outcome: dict[str, Any] = {}

    def reading() -> None:
        try:
            outcome["table"] = read(go.set)
        except BaseException as exc:  # noqa: BLE001 - raised again in the importing thread
            outcome["error"] = exc
        finally:
            done.set()
            go.set()

    thread = threading.Thread(target=reading, name="import-reader", daemon=True)
    thread.start()
    try:
        go.wait()
        if not done.is_set():
            importer.prepare(reading_done=done)
    except BaseException:
        thread.join()
        if "error" in outcome:
            raise outcome["error"] from None
        raise
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["table"]


def run_import(
    job: ImportJob,
    source: str | BinaryIO,
    *,
    on_progress: Callable[[ImportJob], None] | None = None,
    checked: bool = False,
) -> ImportJob:
    """Run `job` on `source` (a path or an open binary file). Returns the finished job.

    `checked`: the workbook's bytes already passed `check_workbook` with workbook_limits() (a
    web upload, on its form), so it is not scanned a second time."""
    with _collector_paused(), _switching_often():
        return _run_import(job, source, on_progress=on_progress, checked=checked)


def _run_import(
    job: ImportJob,
    source: str | BinaryIO,
    *,
    on_progress: Callable[[ImportJob], None] | None,
    checked: bool,
) -> ImportJob:
    importer = get_importer(job.kind)(
        ImportContext(actor=job.created_by, department=job.department)
    )
    _save(job, status=Status.READING, started_at=timezone.now(), worker=worker_name())
    parallel = (
        importer.writes_in_chunks
        and settings.IMPORTS_PARALLEL_WRITES
        and connection.vendor == "postgresql"
    )
    writes = _ParallelWrites(importer) if parallel else _StagedWrites(importer)
    errors: list[tuple[int, list, str]] = []
    try:
        limits = workbook_limits()
        table = _read_while_preparing(
            importer,
            lambda on_checked: read_table(
                source,
                filename=job.filename,
                columns=importer.columns,
                max_bytes=settings.IMPORT_MAX_BYTES,
                limits=limits,
                checked=checked,
                on_checked=on_checked,
            ),
        )
        # Key -> the row number, or (sheet, row number) past the first sheet: a million of them
        # stay in memory.
        seen: dict[Any, Any] = {}
        chunk: list[Any] = []
        next_progress = time.monotonic() + PROGRESS_SECONDS
        for row in table.rows:
            job.total_rows += 1
            sheet = row.sheet or table
            try:
                try:
                    record = importer.parse_row(row.values)
                except CellError as exc:  # an importer may let a parser's error through
                    raise RowInvalid({"": exc.message}) from None
                key = importer.row_key(record)
                if key is not None:
                    if key in seen:
                        raise RowInvalid({"": f"与{_where(seen[key], table)}重复"})
                    seen[key] = row.number if sheet is table else (sheet, row.number)
                chunk.append(record)
            except RowInvalid as exc:
                errors.append(
                    (
                        row.number,
                        _as_in_first_sheet(row.raw, sheet, table),
                        sheet.where() + _describe(exc.problems, importer, sheet),
                    )
                )
            if len(chunk) >= CHUNK_ROWS:
                writes.send(chunk)
                chunk = []
            if job.total_rows % PROGRESS_EVERY == 0 and time.monotonic() >= next_progress:
                next_progress = time.monotonic() + PROGRESS_SECONDS
                _save(job, processed_rows=job.total_rows, total_rows=job.total_rows)
                if on_progress:
                    on_progress(job)
        if chunk:
            writes.send(chunk)
        del seen
    except TableError as exc:
        writes.abort()
        return _finish(job, Status.REJECTED, exc.message)
    except _WriteFailed as exc:
        writes.abort()
        log.error("import %s failed while writing: %r", job.pk, exc.__cause__ or exc)
        return _finish(job, Status.FAILED, f"写入时出错，已全部撤销，数据保持导入前的状态：{exc}")
    except Exception as exc:
        writes.abort()
        log.exception("import %s failed while reading", job.pk)
        return _finish(job, Status.FAILED, f"读取文件时出错，未导入任何数据：{exc}")

    job.rejected = len(errors)
    job.processed_rows = job.total_rows
    # What was skipped or left out is said on the page and in the report, never dropped unseen.
    notes = table.notes()
    if errors or notes:
        buffer = io.BytesIO()
        write_error_report(buffer, headers=table.headers, rows=errors, notes=notes)
        job.error_report.save(f"errors-{job.pk}.xlsx", ContentFile(buffer.getvalue()), save=False)
    refusal = None
    if job.total_rows == 0:
        refusal = "文件中只有表头，没有数据行。"
    elif errors and job.mode == Mode.ALL_OR_NOTHING:
        refusal = (
            f"共 {job.total_rows} 行，其中 {job.rejected} 行有错误。按“全部有效才导入”，"
            "未导入任何数据。请下载错误报告修改后重新导入，或选择“只导入有效行”。"
        )
    elif job.rejected == job.total_rows:
        refusal = f"共 {job.total_rows} 行，全部有错误，未导入任何数据。"
    if refusal:
        writes.abort()
        return _finish(job, Status.REJECTED, _with_notes(refusal, notes))

    _save(job, status=Status.APPLYING, processed_rows=job.processed_rows, rejected=job.rejected)
    if on_progress:
        on_progress(job)

    def audit(counts: Counts) -> None:
        record_event(
            action=importer.audit_action,
            actor=job.created_by,
            obj=job,
            detail={
                "file": job.filename,
                "sha256": job.file_sha256,
                "mode": job.mode,
                "inserted": counts.inserted,
                "updated": counts.updated,
                "unchanged": counts.unchanged,
                "rejected": job.rejected,
                # What was skipped (sheets, title, totals and example rows, columns) is part of
                # what the import did.
                "notes": notes,
            },
        )

    try:
        counts = writes.finish(commit=not job.dry_run, audit=audit)
    except Exception as exc:
        log.exception("import %s failed while writing", job.pk)
        return _finish(job, Status.FAILED, f"写入时出错，已全部撤销，数据保持导入前的状态：{exc}")

    job.inserted, job.updated, job.unchanged = counts.inserted, counts.updated, counts.unchanged
    verb = "试算完成（未写入）" if job.dry_run else "导入完成"
    summary = (
        f"{verb}：新增 {counts.inserted}，更新 {counts.updated}，"
        f"未变化 {counts.unchanged}，错误 {job.rejected}。"
    )
    return _finish(job, Status.DONE, _with_notes(summary, notes))


def _with_notes(message: str, notes: list[str]) -> str:
    return " ".join([message, *notes])


def _finish(job: ImportJob, status: str, message: str) -> ImportJob:
    job.status = status
    job.message = message
    job.finished_at = timezone.now()
    job.heartbeat_at = job.finished_at
    job.save()
    return job


INTERRUPTED = "导入进程意外中断，未导入任何数据（数据在最后一步一次写入）。请重新导入。"
INTERRUPTED_AGAIN = "导入进程{n}次意外中断，未导入任何数据。请检查服务器后重新导入。"
TIMED_OUT = "导入超过时限（{minutes}分钟）被停止，未导入任何数据。请重新导入。"
RUNNING = (Status.READING, Status.APPLYING)


def run_job(job_id: int) -> ImportJob:
    """Run a web upload's job from its stored file (on a worker, in a thread, or inline).

    Idempotent, as a task acknowledged late must be: a finished job is returned as it is; one
    another live process holds the lease of raises lease.Busy; one whose process died part-way
    (its lease is free) is started again from the start, up to JOB_MAX_ATTEMPTS.
    """
    with lease.lease(lease.IMPORT, job_id) as held:
        job = ImportJob.objects.get(pk=job_id)
        if not held:
            if job.finished:
                return job
            raise lease.Busy(f"job {job_id}")
        if job.status in RUNNING:
            if job.attempts >= settings.JOB_MAX_ATTEMPTS:
                return _finish(job, Status.FAILED, INTERRUPTED_AGAIN.format(n=job.attempts))
            job.total_rows = job.processed_rows = job.rejected = 0
        elif job.status != Status.QUEUED:
            return job
        job.attempts += 1
        job.save(update_fields=["attempts", "total_rows", "processed_rows", "rejected"])
        return _run_stored_file(job)


def _run_stored_file(job: ImportJob) -> ImportJob:
    try:
        # The upload's form checked the workbook (services.upload_import; a re-run keeps the
        # same file): when the stored bytes are still the ones it checked, that result holds
        # and the runner does not scan them again.
        checked = _is_the_uploaded_file(job)
        try:
            path = job.file.path  # on the file system: calamine reads it in place
        except NotImplementedError:  # a storage without paths (object storage)
            with job.file.open("rb") as source:
                return run_import(job, source, checked=checked)
        return run_import(job, path, checked=checked)
    except Exception as exc:  # noqa: BLE001 - the page must say something, whatever happened
        log.exception("import job %s crashed", job.pk)
        job.refresh_from_db()
        return _finish(job, Status.FAILED, f"导入失败，未导入任何数据：{exc}")


def _is_the_uploaded_file(job: ImportJob) -> bool:
    """Whether the stored file's SHA-256 is the one taken when it was uploaded and checked."""
    digest = hashlib.sha256()
    with job.file.open("rb") as source:
        for block in iter(lambda: source.read(1 << 20), b""):
            digest.update(block)
    return bool(job.file_sha256) and digest.hexdigest() == job.file_sha256


@job_task("backend.imports.run_job", kind="import")
def run_in_background(job_id: int) -> None:
    """The job's task, on a Celery worker or in a thread (backend/jobs/dispatch.py)."""
    run_job(job_id)


def _unsent(job_id: int, message: str) -> None:
    ImportJob.objects.filter(pk=job_id, status=Status.QUEUED).update(
        status=Status.FAILED, message=message, finished_at=timezone.now()
    )


def start(job: ImportJob) -> None:
    """Start the job once the transaction that created it commits.

    Large files take minutes; a request must not wait for them, so the job runs in the
    background (a Celery worker, or a thread without a broker) and the page follows its
    progress. IMPORTS_IN_BACKGROUND=False runs it inline (tests).
    """
    if settings.IMPORTS_IN_BACKGROUND:
        dispatch(run_in_background, job.pk, unsent=lambda message: _unsent(job.pk, message))
    else:
        transaction.on_commit(lambda: run_job(job.pk))


# --- the jobs of a dead process, and the system administrator's page -----------------------------


def _fail_if_dead(job: ImportJob) -> bool:
    """Mark failed a job (locked by the caller's transaction) whose process died."""
    now = timezone.now()
    free = lease.lease_is_free(lease.IMPORT, job.pk) if job.status in RUNNING else None
    if free is not None:
        if not free:
            return False  # a live process runs it
        limit = settings.JOB_TIME_LIMITS["import"]
        if job.started_at and (now - job.started_at).total_seconds() >= limit:
            _finish(job, Status.FAILED, TIMED_OUT.format(minutes=limit // 60))
        else:
            _finish(job, Status.FAILED, INTERRUPTED)
        return True
    if job.interrupted or (job.heartbeat_at is None and job.created_at < now - STALE_AFTER):
        _finish(job, Status.FAILED, INTERRUPTED)
        return True
    return False


def sweep_stale_jobs() -> int:
    unfinished = ImportJob.objects.exclude(status__in=FINISHED).values_list("pk", flat=True)
    swept = 0
    for job_id in unfinished:
        with transaction.atomic():
            job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
            if job is not None and not job.finished and _fail_if_dead(job):
                swept += 1
    return swept

"""Jobs that make something (WorkJob): a large export, a year's result file, a year's statistics.

An app registers a `WorkKind` (its function, its Celery task, its time limit, its failure
message) in AppConfig.ready(); `start_work` records a job and hands it to `dispatch`, which sends
it to a Celery worker or runs it in a thread; either way `run_work` runs the kind's function.
The function writes its file through `atomic_file` (a temporary file renamed at the end) and its
rows in one transaction, so a job stopped part-way leaves nothing half-made: it is started
again (JOB_MAX_ATTEMPTS) or marked failed, with a Chinese message, never left running.
"""

import logging
import os
import secrets
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from backend.excel import EXCEL_MAX_ROWS, iter_csv, write_xlsx
from backend.jobs import lease
from backend.jobs.dispatch import dispatch, worker_name
from backend.jobs.models import STALE_AFTER, UNFINISHED, WorkJob, WorkStatus
from backend.jobs.registry import JobKind, JobRow, JobState, register_job_kind
from backend.notifications.models import NotificationKind
from backend.notifications.services import notify

log = logging.getLogger(__name__)

INTERRUPTED = "{what}的进程意外中断，未留下不完整的结果。请重新操作。"
INTERRUPTED_AGAIN = "{what}的进程{n}次意外中断，未留下不完整的结果。请检查服务器后重新操作。"
TIMED_OUT = "{what}超过时限（{minutes}分钟）被停止，未留下不完整的结果。请重新操作。"
PROGRESS_EVERY = 5000


@dataclass(frozen=True)
class Outcome:
    """What a job made: its message, and the file (under MEDIA_ROOT) a user downloads, if any."""

    message: str
    file: Path | None = None
    filename: str = ""
    rows: int = 0


Progress = Callable[[int], None]


@dataclass(frozen=True)
class WorkKind:
    key: str  # "directory.firm_export"
    label: str  # what the jobs page calls it: "检查对象名录导出"
    run: Callable[[WorkJob, Progress], Outcome]
    task: Any  # its Celery task (backend.jobs.dispatch.job_task), which calls run_work
    limit: str  # its key in JOB_TIME_LIMITS
    # The audit action of downloading its file (None: nothing to download by staff).
    audit_action: str | None = None


_kinds: dict[str, WorkKind] = {}


def register_work_kind(kind: WorkKind) -> None:
    """Register the kind, and put its jobs on the jobs page and in the stale-job sweep."""
    _kinds[kind.key] = kind
    register_job_kind(
        JobKind(
            kind.key,
            kind.label,
            lambda **filters: job_rows(kind, **filters),
            lambda: sweep_stale_jobs(kind),
        )
    )


def work_kind(key: str) -> WorkKind:
    return _kinds[key]


def work_kinds() -> list[WorkKind]:
    return list(_kinds.values())


# --- starting and running -----------------------------------------------------------------------


def start_work(
    *,
    kind: str,
    subject: str = "",
    params: dict | None = None,
    actor=None,
    department=None,
    total: int = 0,
    not_again_within: timedelta | None = None,
    here: bool = False,
) -> WorkJob:
    """Record a job and start it once the current transaction commits. For a kind with a
    subject, the unfinished job of that subject is returned instead of a second one, and with
    `not_again_within` also the last one started that recently, whatever its outcome (a public
    request may ask again and again; a job that fails is not started on every visit). `here`
    runs it in this process once the transaction commits (a command), not through dispatch."""
    spec = work_kind(kind)
    if subject:
        same = WorkJob.objects.filter(kind=kind, subject=subject)
        running = same.filter(status__in=UNFINISHED).first()
        if running is not None:
            return running
        if not_again_within is not None:
            recent = same.filter(created_at__gte=timezone.now() - not_again_within).first()
            if recent is not None:
                return recent
    job = WorkJob(
        kind=kind,
        subject=subject,
        params=params or {},
        total=total,
        created_by=actor,
        department=department if department is not None else getattr(actor, "department", None),
    )
    try:
        with transaction.atomic():
            job.save()
    except IntegrityError:  # two requests at once: the partial unique constraint lets one in
        return WorkJob.objects.get(kind=kind, subject=subject, status__in=UNFINISHED)
    if here:
        transaction.on_commit(lambda: run_work(job.pk))
    else:
        dispatch(spec.task, job.pk, unsent=lambda message: _unsent(job.pk, message))
    return job


def _unsent(job_id: int, message: str) -> None:
    WorkJob.objects.filter(pk=job_id, status=WorkStatus.QUEUED).update(
        status=WorkStatus.FAILED, message=message, finished_at=timezone.now()
    )


def run_work(job_id: int) -> WorkJob:
    """Run a job to its end (on a worker, in a thread, or inline) and return it.

    Idempotent, as a task acknowledged late must be: a finished job is returned as it is; one
    another live process holds the lease of raises lease.Busy; one whose process died part-way
    is started again from the start, up to JOB_MAX_ATTEMPTS.
    """
    with lease.lease(lease.WORK, job_id) as held:
        job = WorkJob.objects.select_related("created_by").get(pk=job_id)
        spec = work_kind(job.kind)
        if not held:
            if job.finished:
                return job
            raise lease.Busy(f"work job {job_id}")
        if job.status == WorkStatus.RUNNING:
            # Its process died part-way: what it was writing is thrown away.
            _discard_partial_files(job)
            if job.attempts >= settings.JOB_MAX_ATTEMPTS:
                return _finish(
                    job,
                    WorkStatus.FAILED,
                    INTERRUPTED_AGAIN.format(what=spec.label, n=job.attempts),
                )
        elif job.status != WorkStatus.QUEUED:
            return job
        return _run(job, spec)


def _run(job: WorkJob, spec: WorkKind) -> WorkJob:
    now = timezone.now()
    _save(
        job,
        status=WorkStatus.RUNNING,
        started_at=now,
        heartbeat_at=now,
        worker=worker_name(),
        attempts=job.attempts + 1,
        done=0,
    )

    def progress(done: int) -> None:
        # Its own statement, outside the job's transaction when it has one: best effort.
        WorkJob.objects.filter(pk=job.pk, status=WorkStatus.RUNNING).update(
            done=done, heartbeat_at=timezone.now()
        )

    try:
        outcome = spec.run(job, progress)
    except ValidationError as exc:
        return _finish(job, WorkStatus.FAILED, "；".join(exc.messages))
    except Exception as exc:  # noqa: BLE001 - the page must say something, whatever happened
        log.exception("work job %s (%s) failed", job.pk, job.kind)
        return _finish(job, WorkStatus.FAILED, f"{spec.label}失败，未留下不完整的结果：{exc}")
    changes = {"done": outcome.rows, "total": max(job.total, outcome.rows)}
    if outcome.file is not None:
        changes["file"] = str(outcome.file.relative_to(settings.MEDIA_ROOT))
        changes["filename"] = outcome.filename
    job = _finish(job, WorkStatus.DONE, outcome.message, **changes)
    if outcome.file is not None and job.created_by is not None:
        # Whoever asked may have left the page: the bell tells them (and mail, if they chose).
        notify(
            job.created_by,
            kind=NotificationKind.SYSTEM,
            title=f"{spec.label}已完成，可以下载",
            body=outcome.message,
            link=reverse("jobs:mine"),
            dedupe_key=f"work-job:{job.pk}",
        )
    return job


def _save(job: WorkJob, **changes) -> None:
    for name, value in changes.items():
        setattr(job, name, value)
    job.save(update_fields=list(changes))


def _finish(job: WorkJob, status: str, message: str, **changes) -> WorkJob:
    if not connection.in_atomic_block and not connection.is_usable():
        connection.close()  # reconnect: a broken connection must not leave the job running
    now = timezone.now()
    _save(job, status=status, message=message, finished_at=now, heartbeat_at=now, **changes)
    return job


def counted(rows: Iterable, job: WorkJob, progress: Progress) -> Iterator:
    """`rows` as they are, saving the count as progress every PROGRESS_EVERY rows."""
    n = 0
    for row in rows:
        yield row
        n += 1
        if n % PROGRESS_EVERY == 0:
            progress(n)


# --- files --------------------------------------------------------------------------------------


def job_file_path(job: WorkJob, suffix: str) -> Path:
    """Where an export's file is kept: under MEDIA_ROOT/jobs, with a name nobody can guess
    (the download is checked and audited anyway; the name only keeps files apart)."""
    folder = Path(settings.MEDIA_ROOT) / "jobs" / job.kind.replace(".", "-")
    return folder / f"{job.pk}-{secrets.token_hex(8)}{suffix}"


@contextmanager
def atomic_file(path: Path) -> Iterator[IO[bytes]]:
    """A file written beside its final name and renamed there only when the block succeeds:
    a reader never sees half a file, and a job killed part-way leaves only a `.part` behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.stem, suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            yield out
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def write_table(
    out: IO[bytes],
    *,
    fmt: str,
    headers: list[str],
    rows: Iterable,
    sheet_title: str,
    max_rows_per_sheet: int = EXCEL_MAX_ROWS,
) -> int:
    """An export's rows as .csv (UTF-8 with a BOM, as the inline exports) or .xlsx; the count."""
    if fmt != "csv":
        return write_xlsx(
            out,
            headers=headers,
            rows=rows,
            sheet_title=sheet_title,
            max_rows_per_sheet=max_rows_per_sheet,
        )
    count = 0

    def tally(rows):
        nonlocal count
        for row in rows:
            count += 1
            yield row

    for chunk in iter_csv(headers=headers, rows=tally(rows)):
        out.write(chunk.encode("utf-8"))
    return count


def _discard_partial_files(job: WorkJob) -> None:
    folder = job_file_path(job, "").parent
    for part in folder.glob(f"{job.pk}-*.part"):
        part.unlink(missing_ok=True)


def job_file(job: WorkJob) -> Path | None:
    if not job.file:
        return None
    path = Path(settings.MEDIA_ROOT) / job.file
    return path if path.is_file() else None


# --- the jobs of a dead process, and the jobs page -----------------------------------------------


def _fail_if_dead(job: WorkJob, spec: WorkKind) -> bool:
    """Mark failed a job (locked by the caller's transaction) whose process died."""
    now = timezone.now()
    free = lease.lease_is_free(lease.WORK, job.pk) if job.status == WorkStatus.RUNNING else None
    if free is not None:
        if not free:
            return False  # a live process runs it
        limit = settings.JOB_TIME_LIMITS[spec.limit]
        if job.started_at and (now - job.started_at).total_seconds() >= limit:
            _finish(job, WorkStatus.FAILED, TIMED_OUT.format(what=spec.label, minutes=limit // 60))
        else:
            _finish(job, WorkStatus.FAILED, INTERRUPTED.format(what=spec.label))
        return True
    # Queued (the message may still be waiting for a worker), or on SQLite: silence decides.
    if (job.heartbeat_at or job.created_at) < now - STALE_AFTER:
        _finish(job, WorkStatus.FAILED, INTERRUPTED.format(what=spec.label))
        return True
    return False


def sweep_stale_jobs(spec: WorkKind) -> int:
    swept = 0
    unfinished = WorkJob.objects.filter(kind=spec.key, status__in=UNFINISHED)
    for job_id in unfinished.values_list("pk", flat=True):
        with transaction.atomic():
            job = WorkJob.objects.select_for_update().filter(pk=job_id).first()
            if job is not None and not job.finished and _fail_if_dead(job, spec):
                swept += 1
    return swept


_STATES = {
    WorkStatus.QUEUED: JobState.QUEUED,
    WorkStatus.RUNNING: JobState.RUNNING,
    WorkStatus.DONE: JobState.DONE,
    WorkStatus.FAILED: JobState.FAILED,
}


def job_rows(spec: WorkKind, *, query: str, state: str, limit: int) -> list[JobRow]:
    """The kind's jobs for the system administrator: what, when, by whom and how it ended;
    never the file (an export stays with the department that asked for it)."""
    jobs = WorkJob.objects.filter(kind=spec.key).select_related("created_by", "department")
    if state:
        jobs = jobs.filter(status__in=[s for s, js in _STATES.items() if js == state])
    if query:
        jobs = jobs.filter(
            Q(subject__icontains=query)
            | Q(created_by__username__icontains=query)
            | Q(created_by__display_name__icontains=query)
            | Q(department__name__icontains=query)
            | Q(worker__icontains=query)
            | Q(message__icontains=query)
        )
    rows = []
    for job in jobs[:limit]:
        by = job.created_by
        title = spec.label + (f"（{job.subject}年）" if job.subject.isdigit() else "")
        if job.department is not None:
            title += f"（{job.department.name}）"
        rows.append(
            JobRow(
                kind_label=spec.label,
                id=job.pk,
                title=title,
                state=_STATES[job.status],
                status_label=job.get_status_display(),
                created_at=job.created_at,
                started_at=job.started_at,
                finished_at=job.finished_at,
                created_by=(by.display_name or by.username) if by else "系统",
                worker=job.worker,
                attempts=job.attempts,
                message=job.message,
            )
        )
    return rows

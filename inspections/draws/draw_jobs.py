"""Draws run as background jobs: the task page asks, a worker draws, the page follows.

Announcing a firms draw over ten million firms, or performing it, takes a minute or two. The
request that asks for it records a `DrawJob` and returns; a Celery worker (or, with no broker
configured, a thread of the same process: backend/jobs/dispatch.py) runs the draw service
(`inspections.draws.services.draws`, unchanged: the same checks, locks, transaction and audit
entry), and the task page polls the job's state. The service writes the draw in one transaction
at its end, so a job that fails, or whose process stops, has recorded nothing as drawn; the page
then says so in Chinese. DRAWS_IN_BACKGROUND=False runs the job within the request (tests, and
installations that prefer it).

Only on PostgreSQL: SQLite allows one writer at a time, and a draw holds that lock for its
whole transaction, so in the background it would stall every other request that writes (the
session, the audit trail) just the same; directories large enough to need the background need
PostgreSQL anyway. The job's lease (backend/jobs/lease.py) keeps a second worker off it; a job
whose worker died is started again (JOB_MAX_ATTEMPTS) or marked failed. A second thread saves
the job's progress from its own connection about once a second, since the draw's own
transaction is invisible to others until it commits.
"""

import logging
import threading

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, connections, transaction
from django.db.models import Q
from django.utils import timezone

from backend.jobs import lease
from backend.jobs.dispatch import dispatch, job_task, worker_name
from backend.jobs.registry import JobRow, JobState
from inspections.draws.models import Draw, DrawJob, DrawJobAction, DrawJobStatus, DrawPurpose
from inspections.draws.models.draw_jobs import STALE_AFTER, UNFINISHED
from inspections.draws.services import draws as services
from inspections.planning.access import require_lead_planner

log = logging.getLogger(__name__)

INTERRUPTED = "抽取进程意外中断，未记录任何抽取结果（抽取在最后一步一次写入）。请重新操作。"
INTERRUPTED_AGAIN = "抽取进程{n}次意外中断，未记录任何抽取结果。请检查服务器后重新操作。"
TIMED_OUT = "抽取超过时限（{minutes}分钟）被停止，未记录任何抽取结果。请重新操作。"


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError({"non_field_errors": message}, code=code)


@transaction.atomic
def _create_job(*, actor, task, action: str, purpose: str, **fields) -> DrawJob:
    require_lead_planner(actor, task)
    # A job whose process died says so, and stops holding the task's one running job (the
    # sweep, backend/jobs/sweep.py, also finds it sooner by its lease).
    stale = timezone.now() - STALE_AFTER
    for job in task.draw_jobs.filter(status__in=UNFINISHED).select_for_update():
        if (job.heartbeat_at or job.created_at) < stale:
            _finish(job, DrawJobStatus.FAILED, INTERRUPTED)
    busy = _refuse(f"抽查任务{task.code}正在进行另一项抽取操作，请等其完成后再试", "job_running")
    if task.draw_jobs.filter(status__in=UNFINISHED).exists():
        raise busy
    job = DrawJob(task=task, action=action, purpose=purpose, created_by=actor, **fields)
    job.full_clean()
    try:  # two clicks at once: the partial unique constraint lets one through
        with transaction.atomic():
            job.save()
    except IntegrityError:
        raise busy from None
    return job


def start_announce(*, actor, task, purpose: str) -> DrawJob:
    """Announce the task's firms or teams draw in the background; returns the job (already
    finished when DRAWS_IN_BACKGROUND is off)."""
    if purpose not in DrawPurpose.values:
        raise ValueError(f"unknown draw purpose {purpose!r}")
    job = _create_job(actor=actor, task=task, action=DrawJobAction.ANNOUNCE, purpose=purpose)
    return _start(job)


def start_perform(*, actor, draw: Draw, witness_values) -> DrawJob:
    """Perform an announced draw with the witnesses' values in the background. The values are
    checked at once: a missing one is refused here, not after a wait."""
    values = services._clean_witness_values(draw, witness_values)
    job = _create_job(
        actor=actor,
        task=draw.task,
        action=DrawJobAction.PERFORM,
        purpose=draw.purpose,
        draw=draw,
        witness_values=values,
    )
    return _start(job)


def in_background() -> bool:
    return settings.DRAWS_IN_BACKGROUND and connection.vendor == "postgresql"


def _start(job: DrawJob) -> DrawJob:
    if not in_background():
        return run_job(job.pk)
    dispatch(run_in_background, job.pk, unsent=lambda message: _unsent(job.pk, message))
    return job


@job_task("inspections.draws.run_job", kind="draw")
def run_in_background(job_id: int) -> None:
    """The job's task, on a Celery worker or in a thread (backend/jobs/dispatch.py)."""
    run_job(job_id, progress_aside=True)


def _unsent(job_id: int, message: str) -> None:
    DrawJob.objects.filter(pk=job_id, status=DrawJobStatus.QUEUED).update(
        status=DrawJobStatus.FAILED, message=message, finished_at=timezone.now()
    )


def _announce(job: DrawJob, progress) -> Draw:
    if job.purpose == DrawPurpose.FIRMS:
        return services.announce_firms_draw(actor=job.created_by, task=job.task, progress=progress)
    progress("正在确定符合条件的执法人员和回避关系", 0.1)
    return services.announce_teams_draw(actor=job.created_by, task=job.task)


def _perform(job: DrawJob, progress) -> Draw:
    draw = Draw.objects.get(pk=job.draw_id)
    return services.perform_draw(
        actor=job.created_by, draw=draw, witness_values=job.witness_values, progress=progress
    )


def run_job(job_id: int, *, progress_aside: bool = False) -> DrawJob:
    """Run a job to its end and return it: done with the draw, or failed with the reason.

    Idempotent, as a task acknowledged late must be: a finished job, or one another live
    process holds the lease of, is returned as it is or raises lease.Busy.
    """
    with lease.lease(lease.DRAW, job_id) as held:
        job = DrawJob.objects.select_related("task", "created_by").get(pk=job_id)
        if not held:
            if job.finished:
                return job
            raise lease.Busy(f"job {job_id}")
        if job.status == DrawJobStatus.RUNNING:
            # Its process died part-way (we hold its lease): done if the draw was recorded
            # before it died, failed after the last attempt, else run again.
            ended = _after_a_dead_attempt(job)
            if ended is not None:
                return ended
        elif job.status != DrawJobStatus.QUEUED:
            return job
        return _run(job, progress_aside=progress_aside)


def _after_a_dead_attempt(job: DrawJob) -> DrawJob | None:
    if job.action == DrawJobAction.ANNOUNCE:
        recorded = job.task.draws.filter(purpose=job.purpose, announced_at__gte=job.started_at)
    else:
        recorded = Draw.objects.filter(pk=job.draw_id, performed_at__gte=job.started_at)
    draw = recorded.order_by("-pk").first()
    if draw is not None:
        return _finish(job, DrawJobStatus.DONE, _done_message(job, draw), draw=draw)
    if job.attempts >= settings.JOB_MAX_ATTEMPTS:
        return _finish(job, DrawJobStatus.FAILED, INTERRUPTED_AGAIN.format(n=job.attempts))
    return None


def _done_message(job: DrawJob, draw: Draw) -> str:
    if job.action == DrawJobAction.ANNOUNCE:
        return f"已公告抽取 {draw.public_id}，请在抽取时录入见证值。"
    what = "检查对象" if draw.purpose == DrawPurpose.FIRMS else "检查人员"
    return f"抽取 {draw.public_id} 已完成，抽取结果见本页“抽取结果”，{what}名单已向社会公开。"


def _run(job: DrawJob, *, progress_aside: bool) -> DrawJob:
    now = timezone.now()
    _save(
        job,
        status=DrawJobStatus.RUNNING,
        step="开始",
        percent=0,
        started_at=now,
        heartbeat_at=now,
        worker=worker_name(),
        attempts=job.attempts + 1,
    )
    progress = _ProgressWriter(job.pk) if progress_aside else _no_progress
    try:
        if job.action == DrawJobAction.ANNOUNCE:
            draw = _announce(job, progress)
        else:
            draw = _perform(job, progress)
    except ValidationError as exc:
        return _finish(job, DrawJobStatus.FAILED, "；".join(exc.messages))
    except Exception as exc:  # noqa: BLE001 - the page must say something, whatever happened
        log.exception("draw job %s failed", job.pk)
        return _finish(job, DrawJobStatus.FAILED, f"抽取失败，未记录任何抽取结果：{exc}")
    finally:
        if isinstance(progress, _ProgressWriter):
            progress.stop()
    return _finish(job, DrawJobStatus.DONE, _done_message(job, draw), draw=draw)


def _no_progress(step: str, done: float) -> None:
    pass


def _save(job: DrawJob, **changes) -> None:
    for name, value in changes.items():
        setattr(job, name, value)
    job.save(update_fields=list(changes))


def _finish(job: DrawJob, status: str, message: str, *, draw: Draw | None = None) -> DrawJob:
    if not connection.in_atomic_block and not connection.is_usable():
        connection.close()  # reconnect: a broken connection must not leave the job running
    now = timezone.now()
    changes = {"status": status, "message": message, "finished_at": now, "heartbeat_at": now}
    if draw is not None:
        changes.update(percent=100, step="完成", draw=draw)
    _save(job, **changes)
    return job


class _ProgressWriter:
    """Saves the job's step and percent, and a heartbeat, about once a second from a thread of
    its own, hence its own connection: the draw's transaction hides its own writes until it
    ends. Best effort: a progress write that fails is skipped."""

    INTERVAL = 1.0

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.state: tuple[str, int] | None = None
        self.stopped = threading.Event()
        self.thread = threading.Thread(
            target=self._run, name=f"draw-job-{job_id}-progress", daemon=True
        )
        self.thread.start()

    def __call__(self, step: str, done: float) -> None:
        self.state = (step, max(0, min(99, int(done * 100))))

    def _run(self) -> None:
        try:
            while not self.stopped.wait(self.INTERVAL):
                self.write()
        finally:
            connections.close_all()

    def write(self) -> None:
        fields = {"heartbeat_at": timezone.now()}
        if self.state is not None:
            fields["step"], fields["percent"] = self.state
        try:
            DrawJob.objects.filter(pk=self.job_id, status=DrawJobStatus.RUNNING).update(**fields)
        except DatabaseError:
            log.warning("draw job %s: progress not saved", self.job_id, exc_info=True)
            connection.close()

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join()


# --- reading ------------------------------------------------------------------------------------


def job_to_show(task) -> DrawJob | None:
    """The job the task page shows: the one running, or the last one if it failed and nothing
    was announced or drawn since (its message says why)."""
    job = task.draw_jobs.first()
    if job is None or job.succeeded:
        return None
    if job.finished_at is not None:
        since = Q(announced_at__gt=job.finished_at) | Q(performed_at__gt=job.finished_at)
        if task.draws.filter(since).exists():
            return None
    return job


def job_state(job: DrawJob) -> dict:
    """What the task page's progress box shows, as JSON."""
    interrupted = job.interrupted
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": "已中断" if interrupted else job.get_status_display(),
        "action_label": f"{job.get_action_display()}{job.get_purpose_display()}抽取",
        "step": job.step,
        "percent": 100 if job.finished else job.percent,
        "finished": job.finished or interrupted,
        "failed": job.status == DrawJobStatus.FAILED or interrupted,
        "message": INTERRUPTED if interrupted else job.message,
        "draw": Draw.objects.filter(pk=job.draw_id).values_list("public_id", flat=True).first(),
        "seconds": int(((job.finished_at or timezone.now()) - job.created_at).total_seconds()),
    }


# --- the jobs of a dead process, and the system administrator's page -----------------------------


def _fail_if_dead(job: DrawJob) -> bool:
    """Mark failed a job (locked by the caller's transaction) whose process died."""
    now = timezone.now()
    # Only a running job's lease is asked: taking a queued job's lease, even for a moment,
    # could turn away the worker just starting it.
    free = lease.lease_is_free(lease.DRAW, job.pk) if job.status == DrawJobStatus.RUNNING else None
    if free is not None:
        if not free:
            return False  # a live process runs it
        limit = settings.JOB_TIME_LIMITS["draw"]
        if job.started_at and (now - job.started_at).total_seconds() >= limit:
            _finish(job, DrawJobStatus.FAILED, TIMED_OUT.format(minutes=limit // 60))
        else:
            _finish(job, DrawJobStatus.FAILED, INTERRUPTED)
        return True
    # Queued (the message may still be waiting for a worker), or on SQLite: silence decides.
    if (job.heartbeat_at or job.created_at) < now - STALE_AFTER:
        _finish(job, DrawJobStatus.FAILED, INTERRUPTED)
        return True
    return False


def sweep_stale_jobs() -> int:
    swept = 0
    for job_id in DrawJob.objects.filter(status__in=UNFINISHED).values_list("pk", flat=True):
        with transaction.atomic():
            job = DrawJob.objects.select_for_update().filter(pk=job_id).first()
            if job is not None and not job.finished and _fail_if_dead(job):
                swept += 1
    return swept


_STATES = {
    DrawJobStatus.QUEUED: JobState.QUEUED,
    DrawJobStatus.RUNNING: JobState.RUNNING,
    DrawJobStatus.DONE: JobState.DONE,
    DrawJobStatus.FAILED: JobState.FAILED,
}


def job_rows(*, query: str, state: str, limit: int) -> list[JobRow]:
    """Every task's draw jobs, for the system administrator (who sees all departments' jobs
    but no draw's content beyond its public number)."""
    jobs = DrawJob.objects.select_related("task", "created_by", "draw")
    if state:
        jobs = jobs.filter(status__in=[s for s, js in _STATES.items() if js == state])
    if query:
        jobs = jobs.filter(
            Q(task__code__icontains=query)
            | Q(task__name__icontains=query)
            | Q(created_by__username__icontains=query)
            | Q(created_by__display_name__icontains=query)
            | Q(worker__icontains=query)
            | Q(message__icontains=query)
        )
    return [
        JobRow(
            kind_label="抽取",
            id=job.pk,
            title=f"{job.task.code} {job.get_action_display()}{job.get_purpose_display()}抽取"
            + (f"（{job.draw.public_id}）" if job.draw else ""),
            state=_STATES[job.status],
            status_label=job.get_status_display(),
            created_at=job.created_at,
            started_at=job.started_at,
            finished_at=job.finished_at,
            created_by=job.created_by.display_name or job.created_by.username,
            worker=job.worker,
            attempts=job.attempts,
            message=job.message,
        )
        for job in jobs[:limit]
    ]

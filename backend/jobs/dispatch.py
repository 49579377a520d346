"""The one way a long job is started: on a Celery worker, or in a thread of this process."""

import functools
import logging
import os
import socket
import threading
from collections.abc import Callable

from celery import shared_task
from django.conf import settings
from django.db import close_old_connections, connections, transaction

from backend.jobs import lease

log = logging.getLogger(__name__)

UNSENT = "消息队列无法连接，任务未能开始，未记录任何结果。请稍后重试，或请系统管理员检查消息队列。"


def broker_configured() -> bool:
    return bool(settings.CELERY_BROKER_URL)


def worker_name() -> str:
    """Who runs a job, as recorded on its row: the machine and the process."""
    return f"{socket.gethostname()}:{os.getpid()}"


# A job whose lease another process holds is tried again this often until that one ends.
BUSY_RETRY_SECONDS = 2


def job_task(name: str, *, kind: str):
    """The decorator of a job's task: acknowledged once it ends and put back on the queue if
    its worker dies (so the task must be idempotent), and stopped after the time limit of its
    kind (JOB_TIME_LIMITS).

    A task that finds the job's lease taken (lease.Busy: a message handed out twice, or the
    database session of a worker just killed not yet gone) is tried again a little later: it
    then finds the job finished (nothing to do), or free to run again.
    """
    limit = settings.JOB_TIME_LIMITS[kind]

    def decorate(function):
        @shared_task(
            name=name,
            bind=True,
            acks_late=True,
            reject_on_worker_lost=True,
            time_limit=limit,
            ignore_result=True,
            max_retries=limit // BUSY_RETRY_SECONDS + 1,
        )
        @functools.wraps(function)
        def task(self, *args):
            try:
                return function(*args)
            except lease.Busy as busy:
                if self.request.called_directly or self.request.id is None:
                    raise
                raise self.retry(countdown=BUSY_RETRY_SECONDS) from busy

        return task

    return decorate


def dispatch(task, *args, unsent: Callable[[str], None]) -> None:
    """Run `task(*args)` in the background once the current transaction commits.

    With a broker (CELERY_BROKER_URL) the task goes to a Celery worker; without one it runs in
    a thread of this process, as `make run` does. Either way the same function runs the job.
    `unsent(message)` records on the job that the broker refused it.
    """
    transaction.on_commit(lambda: _send(task, args, unsent))


def _send(task, args: tuple, unsent: Callable[[str], None]) -> None:
    if not broker_configured():
        name = f"{task.name}-{'-'.join(map(str, args))}"
        threading.Thread(target=_run_here, args=(task, args), name=name, daemon=True).start()
        return
    try:
        task.apply_async(args=args, retry=True, retry_policy=_PUBLISH_RETRY)
    except Exception:  # noqa: BLE001 - whatever the broker says, the job must say it did not start
        log.exception("task %s%r not sent", task.name, args)
        unsent(UNSENT)


# The request that starts a job waits at most about two seconds for an unreachable broker.
_PUBLISH_RETRY = {"max_retries": 2, "interval_start": 0.5, "interval_step": 0.5, "interval_max": 1}


def _run_here(task, args: tuple) -> None:
    try:
        close_old_connections()
        task(*args)
    except lease.Busy:
        log.warning("task %s%r: another process holds the job", task.name, args)
    finally:
        connections.close_all()

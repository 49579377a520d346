"""A large directory export on a real Celery worker process with a real Redis broker (the
PostgreSQL pass of .ci/run, which starts Redis): it runs in the worker, not in this process; a
worker killed while writing leaves no file (only its `.part`, thrown away when the job is run
again) and the job, put back on the queue, is run to its end by another process."""

import os
import signal
import time

import psycopg
import pytest
from django.db import connection

from backend.jobs.dispatch import worker_name
from backend.jobs.models import WorkJob, WorkStatus
from backend.jobs.work import job_file
from inspections.directory import exports
from inspections.directory.models import Firm
from tests.inspections.draws import test_draws_on_celery_workers as celery_workers

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# The draws' worker fixtures: a test queue on the local Redis, and `celery worker` processes.
broker = celery_workers.broker
start_worker = celery_workers.start_worker


@pytest.fixture
def media(settings, tmp_path):
    # Before the worker starts: it is handed MEDIA_ROOT from the settings.
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _wait_until(condition, seconds=60.0, what="condition"):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def _pid(job) -> int:
    return int(job.worker.rsplit(":", 1)[1])


class _TableLock:
    """Holds the firm table from a connection of its own: the export's first read waits."""

    def __init__(self):
        db = connection.settings_dict
        self.conn = psycopg.connect(
            dbname=db["NAME"], user=db["USER"], host=db["HOST"], port=db["PORT"]
        )
        self.conn.execute(f"LOCK TABLE {Firm._meta.db_table} IN ACCESS EXCLUSIVE MODE")

    def release(self):
        self.conn.rollback()
        self.conn.close()


def test_an_export_job_killed_while_writing_is_run_again_on_a_worker(
    media, start_worker, planner, make_directory
):
    make_directory({"A": 5, "B": 4})
    start_worker("w1")
    lock = _TableLock()
    try:
        job = exports.start_export_job(actor=planner, filters={}, fmt="xlsx", total=9)
        _wait_until(lambda: WorkJob.objects.get(pk=job.pk).worker != "", what="the job to start")
        job.refresh_from_db()
        killed = _pid(job)
        assert job.status == WorkStatus.RUNNING and job.attempts == 1
        assert killed != os.getpid() and job.worker != worker_name()
        _wait_until(lambda: list(media.rglob("*.part")), what="the file being written")

        os.kill(killed, signal.SIGKILL)

        time.sleep(1)
        assert [p.suffix for p in media.rglob("*") if p.is_file()] == [".part"]
    finally:
        lock.release()
    _wait_until(lambda: WorkJob.objects.get(pk=job.pk).finished, what="the job to end")
    job.refresh_from_db()
    assert job.status == WorkStatus.DONE, job.message
    assert job.attempts == 2 and _pid(job) != killed and job.done == 9
    files = [p for p in media.rglob("*") if p.is_file()]
    assert files == [job_file(job)] and files[0].suffix == ".xlsx"

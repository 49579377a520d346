"""Draws and imports on real Celery worker processes with a real Redis broker (PostgreSQL pass
of .ci/run, which starts Redis): the job runs in the worker, not in this process; a worker
killed mid-draw records nothing and the job is started again to its end; two workers handed the
same job record one draw."""

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from backend.celery import app
from backend.imports.models import ImportJob, Mode, Status
from backend.imports.services import upload_import
from backend.jobs.dispatch import worker_name
from inspections.directory.models import Firm
from inspections.draws import draw_jobs
from inspections.draws.models import Draw, DrawJob, DrawJobStatus
from tests.inspections.directory.test_firm_import import GOOD, workbook_bytes

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WITNESSES = ["纪检监督员", "企业代表"]
REDIS = ("127.0.0.1", 6379)
CELERY = Path(sys.executable).with_name("celery")


def _redis_is_up() -> bool:
    try:
        socket.create_connection(REDIS, timeout=1).close()
    except OSError:
        return False
    return True


def _wait_until(condition, seconds=60.0, what="condition"):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


@pytest.fixture
def broker(settings):
    # In CI Redis must be there (.ci/run starts it): a missing broker fails, never skips.
    assert _redis_is_up(), "Redis is not running on 127.0.0.1:6379 (.ci/run starts it)"
    url = "redis://127.0.0.1:6379/0"
    queue = f"shuangsui-test-{uuid.uuid4().hex[:12]}"
    settings.CELERY_BROKER_URL = url
    settings.CELERY_TASK_DEFAULT_QUEUE = queue
    settings.DRAWS_IN_BACKGROUND = True
    settings.IMPORTS_IN_BACKGROUND = True
    app.conf.broker_url = url
    app.conf.task_default_queue = queue
    yield queue
    with app.connection_for_write() as conn:
        conn.default_channel.queue_delete(queue)


@pytest.fixture
def start_worker(broker, settings):
    """Starts `celery -A backend worker` on the test database and the test's queue."""
    started = []
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_QUEUE": broker,
        "DEBUG": "1",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "FIELD_ENCRYPTION_KEYS": "",
        "FIELD_ENCRYPTION_KEYS_FILE": str(settings.FIELD_ENCRYPTION_KEYS_FILE),
        "CHECKPOINT_SIGNING_KEY": "",
        "CHECKPOINT_SIGNING_KEY_FILE": str(settings.CHECKPOINT_SIGNING_KEY_FILE),
        "DRAWS_PROCESSES": "1",
    }

    def start(name):
        node = f"{name}-{uuid.uuid4().hex[:8]}@{socket.gethostname()}"
        process = subprocess.Popen(
            [str(CELERY), "-A", "backend", "worker", "-Q", broker, "-n", node, "-c", "1"]
            + ["--without-gossip", "--without-mingle", "--loglevel=WARNING"],
            env=env,
            cwd=Path(__file__).resolve().parents[3],
        )
        started.append(process)
        _wait_until(
            lambda: process.poll() is None and app.control.ping([node], timeout=0.5),
            what=f"worker {node}",
        )
        return process

    yield start
    for process in started:
        process.terminate()
    for process in started:
        deadline = time.monotonic() + 20
        while process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        if process.poll() is None:
            process.kill()
            process.wait()


def _pid(job) -> int:
    return int(job.worker.rsplit(":", 1)[1])


class _TaskRowLock:
    """Holds the task's row from a connection of its own, as another draw would: the worker's
    draw then waits inside its transaction, with the job running, until it is released."""

    def __init__(self, task):
        db = connection.settings_dict
        self.conn = psycopg.connect(
            dbname=db["NAME"], user=db["USER"], host=db["HOST"], port=db["PORT"]
        )
        self.conn.execute(
            f"SELECT 1 FROM {task._meta.db_table} WHERE id = %s FOR NO KEY UPDATE", [task.pk]
        )

    def release(self):
        self.conn.rollback()
        self.conn.close()


def test_a_draw_and_an_import_run_in_a_worker_process(
    start_worker, planner, open_draft_task, make_directory
):
    start_worker("w1")
    task = open_draft_task(witnesses=WITNESSES)

    job = draw_jobs.start_announce(actor=planner, task=task, purpose="firms")

    _wait_until(lambda: DrawJob.objects.get(pk=job.pk).finished, what="the draw job")
    job.refresh_from_db()
    assert job.status == DrawJobStatus.DONE, job.message
    assert Draw.objects.get().pk == job.draw_id
    assert job.worker and job.worker != worker_name() and _pid(job) != os.getpid()

    upload = SimpleUploadedFile("firms.xlsx", workbook_bytes(GOOD))
    imported = upload_import(
        actor=planner, kind="firms", uploaded_file=upload, mode=Mode.VALID_ONLY
    )
    _wait_until(lambda: ImportJob.objects.get(pk=imported.pk).finished, what="the import")
    imported.refresh_from_db()
    assert imported.status == Status.DONE, imported.message
    assert imported.inserted == 3 and Firm.objects.filter(name="朝阳区老王饭店").exists()
    assert imported.worker != worker_name() and _pid(imported) != os.getpid()


def test_a_worker_killed_mid_draw_records_nothing_and_the_job_is_run_again(
    start_worker, planner, open_draft_task, make_directory
):
    start_worker("w1")
    task = open_draft_task(witnesses=WITNESSES)
    lock = _TaskRowLock(task)
    try:
        job = draw_jobs.start_announce(actor=planner, task=task, purpose="firms")
        _wait_until(lambda: DrawJob.objects.get(pk=job.pk).worker != "", what="the draw to start")
        job.refresh_from_db()
        killed = _pid(job)
        assert job.status == DrawJobStatus.RUNNING and job.attempts == 1

        os.kill(killed, signal.SIGKILL)

        time.sleep(1)
        assert not Draw.objects.exists()
    finally:
        lock.release()
    _wait_until(lambda: DrawJob.objects.get(pk=job.pk).finished, what="the job to end")
    job.refresh_from_db()
    # Put back on the queue by the worker, started again in a new process, to its end.
    assert job.status == DrawJobStatus.DONE, job.message
    assert job.attempts == 2 and _pid(job) != killed
    assert Draw.objects.count() == 1


def test_two_workers_handed_one_draw_record_it_once(
    start_worker, planner, open_draft_task, make_directory
):
    start_worker("w1")
    start_worker("w2")
    task = open_draft_task(witnesses=WITNESSES)
    lock = _TaskRowLock(task)
    try:
        job = draw_jobs.start_announce(actor=planner, task=task, purpose="firms")
        _wait_until(lambda: DrawJob.objects.get(pk=job.pk).worker != "", what="the draw to start")
        # The same job handed out again, as a broker may: the other worker is free to take it.
        draw_jobs.run_in_background.apply_async(args=(job.pk,))
        time.sleep(3)
    finally:
        lock.release()
    _wait_until(lambda: DrawJob.objects.get(pk=job.pk).finished, what="the job to end")
    time.sleep(3)  # the second delivery, tried again, finds the job done
    job.refresh_from_db()
    assert job.status == DrawJobStatus.DONE and job.attempts == 1
    assert Draw.objects.count() == 1

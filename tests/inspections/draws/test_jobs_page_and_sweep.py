"""The queue's operations: the system administrator's jobs page, the sweep of jobs whose process
died, /healthz's queue state, a broker that cannot be reached, and beat's schedule."""

from datetime import timedelta

import pytest
from django.utils import timezone
from kombu.exceptions import OperationalError

from backend.celery import app
from backend.imports.models import ImportJob, Mode, Status
from backend.imports.services import create_command_job
from backend.jobs import health, lease
from backend.jobs.dispatch import UNSENT
from backend.jobs.sweep import sweep_stale_jobs
from inspections.draws import draw_jobs
from inspections.draws.models import DrawJob, DrawJobStatus

WITNESSES = ["纪检监督员", "企业代表"]
UNREACHABLE = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture
def task(open_draft_task):
    return open_draft_task(witnesses=WITNESSES)


@pytest.fixture
def import_job(tmp_path, system_admin):
    path = tmp_path / "导入名录.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    return create_command_job(
        kind="firms", path=str(path), mode=Mode.ALL_OR_NOTHING, dry_run=False, actor=system_admin
    )


def _running(task, planner, **fields) -> DrawJob:
    return DrawJob.objects.create(
        task=task,
        action="announce",
        purpose="firms",
        created_by=planner,
        status="running",
        worker="worker-1:4242",
        attempts=1,
        **fields,
    )


def test_the_jobs_page_lists_every_kind_with_search_and_filters(
    login, system_admin, planner, task, import_job
):
    now = timezone.now()
    _running(task, planner, started_at=now, heartbeat_at=now)
    client = login(system_admin)

    page = client.get("/jobs/").content.decode()
    assert "后台任务" in page and "嵌入式" in page
    assert task.code in page
    assert "导入名录.csv" in page and "worker-1:4242" in page

    only_imports = client.get("/jobs/", {"kind": "import"}).content.decode()
    assert "导入名录.csv" in only_imports and task.code not in only_imports
    searched = client.get("/jobs/", {"q": task.code}).content.decode()
    assert task.code in searched and "导入名录.csv" not in searched
    finished = client.get("/jobs/", {"state": "done"}).content.decode()
    assert "没有符合条件的后台任务" in finished


def test_only_the_system_administrator_sees_the_jobs_page(login, planner):
    assert login(planner).get("/jobs/").status_code in (302, 403)


def test_a_job_silent_for_too_long_is_swept_as_failed_in_chinese(planner, task, import_job):
    long_ago = timezone.now() - timedelta(minutes=11)
    dead = _running(task, planner, created_at=long_ago, started_at=long_ago, heartbeat_at=long_ago)
    ImportJob.objects.filter(pk=import_job.pk).update(
        status=Status.READING, started_at=long_ago, heartbeat_at=long_ago
    )

    assert sweep_stale_jobs() == 2

    dead.refresh_from_db()
    import_job.refresh_from_db()
    assert dead.status == DrawJobStatus.FAILED and dead.message == draw_jobs.INTERRUPTED
    assert import_job.status == Status.FAILED and "导入进程意外中断" in import_job.message
    assert sweep_stale_jobs() == 0


@pytest.mark.postgres
def test_on_postgresql_a_running_job_whose_lease_is_free_is_swept_at_once(planner, task):
    now = timezone.now()
    dead = _running(task, planner, started_at=now, heartbeat_at=now)

    assert sweep_stale_jobs() == 1

    dead.refresh_from_db()
    assert dead.status == DrawJobStatus.FAILED and dead.message == draw_jobs.INTERRUPTED


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_job_whose_lease_is_held_is_left_running(planner, task):
    import threading

    now = timezone.now()
    alive = _running(task, planner, started_at=now, heartbeat_at=now)
    holding, done = threading.Event(), threading.Event()

    def hold():
        from django.db import connections

        try:
            with lease.lease(lease.DRAW, alive.pk) as held:
                assert held
                holding.set()
                done.wait(30)
        finally:
            connections.close_all()

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert holding.wait(30)
        assert sweep_stale_jobs() == 0
        alive.refresh_from_db()
        assert alive.status == DrawJobStatus.RUNNING
    finally:
        done.set()
        thread.join()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_job_refused_by_the_broker_fails_and_says_so(settings, planner, task, monkeypatch):
    settings.DRAWS_IN_BACKGROUND = True
    settings.CELERY_BROKER_URL = UNREACHABLE

    def refuse(*args, **kwargs):  # what kombu raises once its retries are spent
        raise OperationalError("Error 111 connecting to 127.0.0.1:1. Connection refused.")

    # The app's connection pool is left alone: the worker tests use it with the real broker.
    monkeypatch.setattr(draw_jobs.run_in_background, "apply_async", refuse)
    job = draw_jobs.start_announce(actor=planner, task=task, purpose="firms")

    job.refresh_from_db()
    assert job.status == DrawJobStatus.FAILED and job.message == UNSENT


def test_healthz_without_a_broker_says_jobs_run_embedded(client, db):
    queue = client.get("/healthz").json()["queue"]
    assert queue == {"mode": "embedded", "label": health.EMBEDDED}


def test_healthz_with_an_unreachable_broker_says_so_and_stays_up(client, db, settings):
    settings.CELERY_BROKER_URL = UNREACHABLE
    app.conf.broker_url = UNREACHABLE
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url = None
    assert response.status_code == 200
    queue = response.json()["queue"]
    assert queue["broker"] == "unreachable" and queue["label"] == "消息队列无法连接"


def test_beat_runs_the_nightly_verification_the_reminders_and_the_sweep(settings, db):
    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled == {
        "backend.jobs.verify_nightly",
        "backend.jobs.sweep_stale_jobs",
        "reminders.send_daily",
        "disclosure.build_last_year",
        "disclosure.check_last_year",
    }
    assert scheduled <= set(app.tasks)
    # Nothing to remind of in an empty database.
    assert app.tasks["reminders.send_daily"]() == 0
    # Run here as the worker would: the nightly checks pass on an empty database.
    assert app.tasks["backend.jobs.verify_nightly"]() == 0
    assert app.tasks["backend.jobs.sweep_stale_jobs"]() == 0

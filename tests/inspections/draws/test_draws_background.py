"""Draws run as background jobs (inspections.draws.draw_jobs): the page that asks returns at once
and follows the job's progress; a job that fails records nothing as drawn and says why in Chinese;
the draw's files are written and served at any size."""

import threading
import time
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from inspections.directory.models import Firm, FirmStatus
from inspections.draws import dr1, draw_files, draw_jobs, draw_parallel
from inspections.draws.models import Draw, DrawJob, DrawJobStatus, DrawStatus
from inspections.draws.services import draws as draw_services
from inspections.planning.models import TaskStatus
from inspections.planning.selectors import exclusion_reason

WITNESSES = ["纪检监督员", "企业代表"]
VALUES = ["83721", "长春晴"]


@pytest.fixture
def ready_task(open_draft_task, make_directory):
    """A draft task over 50 A, 30 B, 12 C and 3 D employers, plus 4 deregistered A ones."""
    make_directory({"A": 4}, status=FirmStatus.DEREGISTERED)
    return open_draft_task(witnesses=WITNESSES)


def _wait_until(condition, seconds=60.0):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


# --- jobs run within the request (DRAWS_IN_BACKGROUND off, as in every other test) ---------------


def test_a_draw_announced_and_performed_by_jobs_is_the_services_draw(planner, ready_task):
    job = draw_jobs.start_announce(actor=planner, task=ready_task, purpose="firms")
    assert job.status == DrawJobStatus.DONE and job.percent == 100
    draw = Draw.objects.get()
    assert (
        job.draw_id == draw.pk
        and job.message == f"已公告抽取 {draw.public_id}，请在抽取时录入见证值。"
    )

    job = draw_jobs.start_perform(actor=planner, draw=draw, witness_values=VALUES)
    draw.refresh_from_db()
    assert job.status == DrawJobStatus.DONE and draw.status == DrawStatus.PERFORMED
    assert job.message == (
        f"抽取 {draw.public_id} 已完成，抽取结果见本页“抽取结果”，检查对象名单已向社会公开。"
    )
    assert draw.seed not in job.message
    assert dr1.verify(draw.announcement, draw.reveal, bytes(draw.pool), bytes(draw.result)).ok
    ready_task.refresh_from_db()
    assert ready_task.status == TaskStatus.FIRMS_DRAWN


def test_a_large_pool_is_drawn_on_worker_processes_and_gives_dr1s_draw(
    planner, ready_task, settings, monkeypatch
):
    """Worker processes start before the pool is read, each reads a piece; the result is the
    one dr1 computes alone from the published files, with the eligible counts kept at
    announcement."""
    started = []

    class Workers(draw_parallel.Workers):
        def __init__(self, count):
            started.append(count)
            super().__init__(count)

    monkeypatch.setattr(draw_parallel, "Workers", Workers)
    monkeypatch.setattr(dr1, "_PIECE_BYTES", 0)  # every pool is large
    settings.DRAWS_PROCESSES = 3
    draw = draw_services.announce_firms_draw(actor=planner, task=ready_task)
    assert draw.eligible == {
        draw.strata[c]: n for c, n in {"A": 50, "B": 30, "C": 12, "D": 3}.items()
    }
    draw = draw_services.perform_draw(actor=planner, draw=draw, witness_values=VALUES)
    assert started == [2]
    assert bytes(draw.result) == dr1.compute_result(
        draw.announcement, draw.reveal, bytes(draw.pool)
    )


def test_a_failed_announcement_records_nothing_and_says_why(planner, open_draft_task):
    task = open_draft_task(witnesses=WITNESSES, quotas={})

    job = draw_jobs.start_announce(actor=planner, task=task, purpose="firms")

    assert job.status == DrawJobStatus.FAILED
    assert job.message == f"抽查任务{task.code}的抽取数量为0，没有可抽取的检查对象"
    assert not Draw.objects.exists()
    task.refresh_from_db()
    assert task.status == TaskStatus.DRAFT


def test_a_crash_while_performing_records_nothing(planner, ready_task, monkeypatch):
    draw = draw_services.announce_firms_draw(actor=planner, task=ready_task)

    def crash(*args, **kwargs):
        raise MemoryError("out of memory")

    monkeypatch.setattr(dr1, "compute_result", crash)
    job = draw_jobs.start_perform(actor=planner, draw=draw, witness_values=VALUES)

    assert job.status == DrawJobStatus.FAILED
    assert job.message == "抽取失败，未记录任何抽取结果：out of memory"
    draw.refresh_from_db()
    assert draw.status == DrawStatus.ANNOUNCED and draw.reveal is None and draw.seed == ""
    ready_task.refresh_from_db()
    assert ready_task.status == TaskStatus.FIRMS_ANNOUNCED


def test_witness_values_are_checked_before_any_job_starts(planner, ready_task):
    draw = draw_services.announce_firms_draw(actor=planner, task=ready_task)
    with pytest.raises(ValidationError) as refused:
        draw_jobs.start_perform(actor=planner, draw=draw, witness_values=["83721"])
    assert "应录入2个见证值，实际录入1个" in refused.value.messages[0]
    assert not DrawJob.objects.exists()


def test_a_task_runs_one_draw_job_at_a_time(planner, ready_task):
    DrawJob.objects.create(
        task=ready_task, action="announce", purpose="firms", created_by=planner, status="running"
    )
    with pytest.raises(ValidationError) as refused:
        draw_jobs.start_announce(actor=planner, task=ready_task, purpose="firms")
    assert refused.value.messages == [
        f"抽查任务{ready_task.code}正在进行另一项抽取操作，请等其完成后再试"
    ]
    assert not Draw.objects.exists()


def test_a_job_whose_process_died_says_so_and_no_longer_blocks_the_task(planner, ready_task):
    long_ago = timezone.now() - timedelta(minutes=11)
    dead = DrawJob.objects.create(
        task=ready_task,
        action="announce",
        purpose="firms",
        created_by=planner,
        status="running",
        created_at=long_ago,
        heartbeat_at=long_ago,
    )
    state = draw_jobs.job_state(dead)
    assert state["finished"] and state["failed"] and state["status_label"] == "已中断"

    job = draw_jobs.start_announce(actor=planner, task=ready_task, purpose="firms")

    assert job.status == DrawJobStatus.DONE
    dead.refresh_from_db()
    assert dead.status == DrawJobStatus.FAILED and dead.message == draw_jobs.INTERRUPTED


def test_the_services_report_their_progress_in_order(planner, ready_task):
    announcing, performing = [], []
    draw = draw_services.announce_firms_draw(
        actor=planner, task=ready_task, progress=lambda *step: announcing.append(step)
    )
    draw_services.perform_draw(
        actor=planner,
        draw=draw,
        witness_values=VALUES,
        progress=lambda *step: performing.append(step),
    )
    assert [step for step, _ in announcing] == [
        "正在冻结抽查范围内的检查对象名单",
        "正在保存并公布公告",
    ]
    steps = [step for step, _ in performing]
    assert steps[0] == "正在读取候选名单" and steps[-1] == "正在保存抽取结果"
    assert "正在计算抽取结果" in steps
    for seen in (announcing, performing):
        fractions = [done for _, done in seen]
        assert fractions == sorted(fractions) and 0 < fractions[0] and fractions[-1] < 1


@pytest.mark.django_db(transaction=True)
def test_the_progress_writer_saves_step_percent_and_heartbeat(planner, ready_task):
    job = DrawJob.objects.create(
        task=ready_task, action="announce", purpose="firms", created_by=planner, status="running"
    )
    writer = draw_jobs._ProgressWriter(job.pk)
    writer("正在计算抽取结果", 0.6)
    writer.write()
    writer.stop()
    job.refresh_from_db()
    assert (job.step, job.percent) == ("正在计算抽取结果", 60) and job.heartbeat_at is not None


# --- the page ---------------------------------------------------------------------------------


def test_the_task_page_shows_a_running_job_and_its_state(login, planner, ready_task):
    job = DrawJob.objects.create(
        task=ready_task,
        action="announce",
        purpose="firms",
        created_by=planner,
        status="running",
        step="正在计算抽取结果",
        percent=60,
        heartbeat_at=timezone.now(),
    )
    client = login(planner)
    page = client.get(f"/tasks/{ready_task.pk}/").content.decode()
    assert 'data-testid="draw-job"' in page and "正在计算抽取结果" in page
    assert "draw-progress.js" in page
    assert f'url=/tasks/{ready_task.pk}/draw-jobs/{job.pk}/done/"' in page  # without JavaScript
    # No second ceremony button while it runs.
    assert 'data-testid="draw-announce"' not in page

    state = client.get(f"/tasks/{ready_task.pk}/draw-jobs/{job.pk}/").json()
    assert state["status"] == "running" and state["percent"] == 60 and not state["finished"]
    assert state["action_label"] == "公告检查对象抽取"


def test_the_task_page_says_why_the_last_job_failed(login, planner, open_draft_task):
    task = open_draft_task(witnesses=WITNESSES, quotas={})
    client = login(planner)
    page = client.post(f"/tasks/{task.pk}/draws/announce/firms/", follow=True).content.decode()
    assert "抽取数量为0，没有可抽取的检查对象" in page and 'data-testid="draw-job-message"' in page
    assert 'data-testid="draw-announce"' in page  # the planner may try again
    assert not Draw.objects.exists()


def test_a_failure_is_no_longer_shown_once_the_task_has_drawn_since(planner, ready_task):
    failed = DrawJob.objects.create(
        task=ready_task,
        action="announce",
        purpose="firms",
        created_by=planner,
        status="failed",
        message="上次失败",
        finished_at=timezone.now() - timedelta(minutes=1),
    )
    assert draw_jobs.job_to_show(ready_task) == failed
    draw_services.announce_firms_draw(actor=planner, task=ready_task)  # not through a job
    assert draw_jobs.job_to_show(ready_task) is None


def test_others_cannot_read_a_tasks_job(login, ga_inspector, planner, ready_task):
    job = DrawJob.objects.create(
        task=ready_task, action="announce", purpose="firms", created_by=planner
    )
    response = login(ga_inspector).get(f"/tasks/{ready_task.pk}/draw-jobs/{job.pk}/")
    assert response.status_code in (403, 404)


# --- in the background ------------------------------------------------------------------------


def _hold(monkeypatch, owner, name):
    """Holds `owner.name` until the test releases it (released at the end in any case)."""
    started, release = threading.Event(), threading.Event()
    real = getattr(owner, name)

    def held(*args, **kwargs):
        started.set()
        assert release.wait(60)
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, held)
    return started, release


@pytest.fixture
def held_job(monkeypatch):
    """Holds a job after it started, before its draw service opens a transaction."""
    started, release = _hold(monkeypatch, draw_jobs, "_announce")
    yield started, release
    release.set()


@pytest.fixture
def held_pool(monkeypatch):
    """Holds an announcement while it builds the pool, inside the draw's transaction."""
    started, release = _hold(monkeypatch, draw_files, "firms_pool_file")
    yield started, release
    release.set()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_page_returns_before_the_background_draw_ends(
    settings, login, planner, ready_task, held_job
):
    settings.DRAWS_IN_BACKGROUND = True
    started, release = held_job
    client = login(planner)

    response = client.post(f"/tasks/{ready_task.pk}/draws/announce/firms/")

    assert response.status_code == 302
    job = DrawJob.objects.get()
    assert started.wait(30)
    assert not Draw.objects.exists()
    job.refresh_from_db()
    assert job.status == DrawJobStatus.RUNNING
    page = client.get(f"/tasks/{ready_task.pk}/").content.decode()
    assert 'data-testid="draw-job"' in page and 'data-testid="draw-announce"' not in page
    release.set()
    _wait_until(lambda: DrawJob.objects.get().finished)
    job.refresh_from_db()
    assert job.status == DrawJobStatus.DONE, job.message
    draw = Draw.objects.get()
    assert draw.status == DrawStatus.ANNOUNCED
    assert client.get(f"/tasks/{ready_task.pk}/draw-jobs/{job.pk}/").json()["finished"]
    # Where the page goes once the job ends: the outcome, said once.
    page = client.get(f"/tasks/{ready_task.pk}/draw-jobs/{job.pk}/done/", follow=True)
    assert f"已公告抽取 {draw.public_id}" in page.content.decode()
    assert 'data-testid="draw-perform-form"' in page.content.decode()


def test_on_sqlite_a_draw_runs_within_the_request_whatever_the_setting(
    settings, planner, ready_task, on_postgresql
):
    if on_postgresql:
        pytest.skip("SQLite's single writer: see inspections/draws/draw_jobs.py")
    settings.DRAWS_IN_BACKGROUND = True
    job = draw_jobs.start_announce(actor=planner, task=ready_task, purpose="firms")
    assert job.status == DrawJobStatus.DONE and Draw.objects.get().pk == job.draw_id


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_progress_is_visible_while_the_draws_transaction_is_open(
    settings, planner, ready_task, held_pool, monkeypatch
):
    settings.DRAWS_IN_BACKGROUND = True
    monkeypatch.setattr(draw_jobs._ProgressWriter, "INTERVAL", 0.05)
    started, release = held_pool

    job = draw_jobs.start_announce(actor=planner, task=ready_task, purpose="firms")

    assert started.wait(30)
    # The draw's transaction holds the task's row lock; the job's progress is seen regardless.
    _wait_until(
        lambda: DrawJob.objects.get(pk=job.pk).step == "正在冻结抽查范围内的检查对象名单", 30
    )
    release.set()
    _wait_until(lambda: DrawJob.objects.get(pk=job.pk).finished)
    assert DrawJob.objects.get(pk=job.pk).status == DrawJobStatus.DONE


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_background_failure_is_reported_and_records_nothing(
    settings, login, planner, open_draft_task
):
    settings.DRAWS_IN_BACKGROUND = True
    task = open_draft_task(witnesses=WITNESSES, quotas={})
    client = login(planner)

    client.post(f"/tasks/{task.pk}/draws/announce/firms/")

    _wait_until(lambda: DrawJob.objects.get().finished)
    state = client.get(f"/tasks/{task.pk}/draw-jobs/{DrawJob.objects.get().pk}/").json()
    assert state["failed"] and "抽取数量为0" in state["message"]
    assert not Draw.objects.exists()


# --- the files --------------------------------------------------------------------------------


def test_the_pool_built_by_the_database_is_the_pool_of_the_scope(ready_task, on_postgresql):
    rows = [
        dr1.PoolRow(uscc, risk, reason)
        for uscc, risk, reason in draw_services.task_scope(ready_task)
        .annotate(reason=exclusion_reason())
        .values_list("uscc", "risk_class", "reason")
    ]
    data, summary = draw_files.firms_pool_file(ready_task)
    assert data == dr1.format_pool(rows)
    assert summary == dr1.PoolSummary(99, {"A": 50, "B": 30, "C": 12, "D": 3})
    if on_postgresql:  # the slower query, sorted within the aggregate, gives the same file
        assert draw_files._firms_pool_query(ready_task, {}, sort_in_aggregate=True) == data
    # With a draw's labels, each class is written as its label, in either query.
    labels = {"A": "S3", "B": "S1", "C": "S4", "D": "S2"}
    labelled = dr1.format_pool([dr1.PoolRow(r.key, labels[r.stratum], r.excluded) for r in rows])
    data, summary = draw_files.firms_pool_file(ready_task, labels)
    assert data == labelled
    assert summary == dr1.PoolSummary(99, {"S3": 50, "S1": 30, "S4": 12, "S2": 3})
    if on_postgresql:
        assert draw_files._firms_pool_query(ready_task, labels, sort_in_aggregate=True) == data
    with pytest.raises(ValueError, match="not a stratum label"):
        draw_files.firms_pool_file(ready_task, {"A": "S1' OR '1"})


def test_the_pool_from_fixed_width_records_is_the_general_querys(
    ready_task, on_postgresql, settings, make_directory
):
    """The usual way (pool_records, and on PostgreSQL the directory read in parts side by side)
    writes the file the general query writes, with dr1's counts."""
    make_directory({"B": 200})  # a table of several pages, so that there are parts to read
    labels = {"A": "S3", "B": "S1", "C": "S4", "D": "S2"}
    settings_before = _planner_settings(on_postgresql)
    for processes in (1, 3):
        settings.DRAWS_PROCESSES = processes
        if on_postgresql:
            assert len(draw_files._by_pages(draw_services.task_scope(ready_task))) == processes
        general = draw_files._firms_pool_query(ready_task, labels, sort_in_aggregate=False)
        assert draw_files._pool_from_records(ready_task, labels) == (
            general,
            dr1.pool_summary(general),
        )
    # The planner's settings for these queries were theirs alone.
    assert _planner_settings(on_postgresql) == settings_before


def _planner_settings(on_postgresql):
    if not on_postgresql:
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('jit'), current_setting('parallel_tuple_cost'),"
            " current_setting('parallel_setup_cost')"
        )
        return cursor.fetchone()


def test_a_scope_the_records_do_not_take_is_built_the_general_way(ready_task, make_directory):
    """A code that is not 18 digits or capital letters (never imported, but possible in the
    table) sends the whole pool the general way, which writes it as it is."""
    (odd,) = make_directory({"C": 1})
    Firm.objects.filter(pk=odd.pk).update(uscc="91220102odd")
    assert draw_files._pool_from_records(ready_task, {}) is None
    data, summary = draw_files.firms_pool_file(ready_task)
    assert b"\n91220102odd,C,\n" in data
    assert summary == dr1.PoolSummary(100, {"A": 50, "B": 30, "C": 13, "D": 3})


def test_a_draws_files_are_read_and_served_in_slices(client, planner, ready_task):
    draw = draw_services.announce_firms_draw(actor=planner, task=ready_task)
    draw = draw_services.perform_draw(actor=planner, draw=draw, witness_values=VALUES)
    pool, result = bytes(draw.pool), bytes(draw.result)

    assert draw_files.read_file(draw, "pool") == pool
    assert draw_files.read_file(draw, "conflicts") is None
    assert draw_files.file_size(draw, "pool") == len(pool)
    assert b"".join(draw_files.iter_file(draw, "pool", slice_bytes=1000)) == pool
    assert len(list(draw_files.iter_file(draw, "pool", slice_bytes=1000))) > 2

    for name, data in (("pool.csv", pool), ("result.csv", result)):
        response = client.get(f"/public/draws/{draw.public_id}/{name}")
        assert response.status_code == 200 and response.streaming
        assert b"".join(response.streaming_content) == data
        assert response["Content-Length"] == str(len(data))


def test_a_loaded_draw_leaves_its_files_until_asked(planner, ready_task, django_assert_num_queries):
    draw = draw_services.announce_firms_draw(actor=planner, task=ready_task)
    loaded = Draw.objects.get(pk=draw.pk)
    assert {"pool", "result", "conflicts", "firms_result"} <= loaded.get_deferred_fields()
    with django_assert_num_queries(1):
        assert bytes(loaded.pool) == bytes(draw.pool)

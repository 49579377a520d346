"""Benchmark a firms draw over a very large directory the way the task page runs it, dispatched
both ways in the same run: on a Celery worker process through Redis, and in a thread of the web
process (no broker). The planner's two requests return at once, the draw runs in the background
with its progress saved, and the web keeps answering meanwhile. The spec's floor is measured too.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shuangsui_bench \\
        python benchmarks/bench_draw_background.py --n 10000000 [--broker redis://127.0.0.1:6379/0]

Migrates the database named by DATABASE_URL and tops its directory up to N synthetic firms
(better loaded first with `manage.py generate_firms N`, which shows its progress). For each
dispatch, opens a new draft task whose items cover every firm (4 risk classes at 5%), posts the
task page's announce and perform forms as the planner (DRAWS_IN_BACKGROUND on) and follows each
job's progress as the page does, while another thread asks for the task page's job state every
0.1 s and times each answer (the web's latency while the draw runs). The Celery run starts its own
`celery -A backend worker` (one process, a queue of its own) on --broker. Prints each run's
total until the result is recorded, the peak resident memory where the draw ran (the worker
process's VmHWM, or this process's), the web's median and worst latency, and the ratio of the
two dispatches; then the floor: SHA-256 of "SEED:firms:KEY" as hex for every eligible key, and a
check of the result against dr1 (both untimed in the figures).
"""

import argparse
import hashlib
import os
import resource
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.test import Client
from draw_fixtures import WITNESS_VALUES, describe_database, draft_task, planner, prepare_directory

from backend.celery import app
from inspections.draws import dr1, draw_files
from inspections.draws.models import Draw, DrawJob

GIB = 1024**3


def follow(job: DrawJob) -> DrawJob:
    """Poll the job as the task page does, until it ends."""
    while True:
        job.refresh_from_db()
        if job.finished:
            return job
        time.sleep(0.5)


def post(client: Client, url: str, data=None) -> float:
    started = time.perf_counter()
    response = client.post(url, data or {}, secure=True)
    seconds = time.perf_counter() - started
    assert response.status_code == 302, response.status_code
    return seconds


class Latency:
    """Asks for the task page's job state every 0.1 s from a thread of its own, as the page's
    script does, and keeps how long each answer took."""

    def __init__(self, user, task) -> None:
        self.user, self.task = user, task
        self.seconds: list[float] = []
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        client = Client()
        client.force_login(self.user)
        try:
            while not self.stopped.wait(0.1):
                job = DrawJob.objects.filter(task=self.task).first()
                url = f"/tasks/{self.task.pk}/draw-jobs/{job.pk}/" if job else "/healthz"
                started = time.perf_counter()
                assert client.get(url, secure=True).status_code == 200
                self.seconds.append(time.perf_counter() - started)
        finally:
            connections.close_all()

    def stop(self) -> str:
        self.stopped.set()
        self.thread.join()
        if not self.seconds:
            return "no request answered"
        ms = sorted(s * 1000 for s in self.seconds)
        return (
            f"web median {statistics.median(ms):.0f} ms, worst {ms[-1]:.0f} ms "
            f"over {len(ms)} requests"
        )


def peak_rss() -> int:
    """Peak resident set size of this process, in bytes (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def worker_peak_rss(job: DrawJob) -> int:
    """VmHWM of the worker process that ran the job (host:pid), in bytes."""
    pid = job.worker.rsplit(":", 1)[1]
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


def start_worker(broker: str, queue: str) -> subprocess.Popen:
    node = f"bench-{queue}@{socket.gethostname()}"
    env = {**os.environ, "CELERY_BROKER_URL": broker, "CELERY_QUEUE": queue}
    celery = Path(sys.executable).with_name("celery")
    process = subprocess.Popen(
        [str(celery), "-A", "backend", "worker", "-Q", queue, "-n", node, "-c", "1"]
        + ["--without-gossip", "--without-mingle", "--loglevel=WARNING"],
        env=env,
        cwd=Path(__file__).resolve().parents[1],
    )
    deadline = time.monotonic() + 60
    while not app.control.ping([node], timeout=0.5):
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("the Celery worker did not start")
    return process


def hashing_floor(seed: str, pool: bytes) -> tuple[float, int]:
    """Hex tickets for every eligible key, timed alone (keys decoded a block at a time)."""
    seconds, count = 0.0, 0
    for block in dr1._pool_blocks(pool):
        pairs = zip(block.keys, block.excluded, strict=True)
        keys = [key.decode() for key, excluded in pairs if not excluded]
        started = time.perf_counter()
        for key in keys:
            hashlib.sha256(f"{seed}:firms:{key}".encode()).hexdigest()
        seconds += time.perf_counter() - started
        count += len(keys)
    return seconds, count


def run_draw(dispatch: str, actor) -> tuple[float, int, str, Draw]:
    task = draft_task()
    client = Client()
    client.force_login(actor)
    # The planner has the task page open before pressing the button (and the first request
    # of a process pays for loading the views).
    assert client.get(f"/tasks/{task.pk}/", secure=True).status_code == 200
    latency = Latency(actor, task)
    started = time.perf_counter()
    post(client, f"/tasks/{task.pk}/draws/announce/firms/")
    announced = follow(DrawJob.objects.get(task=task, action="announce"))
    assert announced.succeeded, announced.message
    draw = Draw.objects.get(pk=announced.draw_id)
    post(
        client,
        f"/tasks/{task.pk}/draws/{draw.public_id}/perform/",
        {"witness_value": WITNESS_VALUES},
    )
    performed = follow(DrawJob.objects.get(task=task, action="perform"))
    total = time.perf_counter() - started
    web = latency.stop()
    assert performed.succeeded, performed.message
    rss = worker_peak_rss(performed) if dispatch == "celery" else peak_rss()
    draw.refresh_from_db()
    print(
        f"  {dispatch:6}: announce+perform {total:.1f} s, task {task.code}, ran in "
        f"{performed.worker}; peak RSS there {rss / GIB:.2f} GiB; {web}"
    )
    return total, rss, web, draw


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50_000, help="firms in the directory")
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/0", help="Redis for Celery")
    args = parser.parse_args()
    firms = prepare_directory(args.n)
    settings.DRAWS_IN_BACKGROUND = True
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    # Pages link their static files without the production manifest (no collectstatic here).
    staticfiles = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    settings.STORAGES = {**settings.STORAGES, "staticfiles": staticfiles}
    actor = planner()
    print(f"{describe_database()}, {firms:,} firms")

    settings.CELERY_BROKER_URL = ""
    thread_total, _, _, _ = run_draw("thread", actor)

    queue = f"bench-{uuid.uuid4().hex[:8]}"
    settings.CELERY_BROKER_URL = args.broker
    settings.CELERY_TASK_DEFAULT_QUEUE = queue
    app.conf.broker_url, app.conf.task_default_queue = args.broker, queue
    worker = start_worker(args.broker, queue)
    try:
        celery_total, celery_rss, _, draw = run_draw("celery", actor)
    finally:
        worker.terminate()
        worker.wait()
        with app.connection_for_write() as conn:
            conn.default_channel.queue_delete(queue)

    pool = draw_files.read_file(draw, "pool")
    floor, eligible = hashing_floor(draw.seed, pool)
    result = draw_files.read_file(draw, "result")
    drawn = result.count(b"\n") - 1
    assert dr1.compute_result(draw.announcement, draw.reveal, pool) == result
    print(
        f"  pool {draw.announcement['pool_size']:,} rows ({len(pool) / 2**20:,.0f} MiB), "
        f"{eligible:,} eligible; {drawn:,} drawn; result recomputed"
    )
    print(
        f"celery announce+perform {draw.announcement['pool_size']:,}: {celery_total:.1f} s "
        f"(limit 60 s), worker peak RSS {celery_rss / GIB:.2f} GiB (limit 4 GiB); thread "
        f"{thread_total:.1f} s; ratio celery/thread {celery_total / thread_total:.2f}x; "
        f"hashing floor {floor:.1f} s"
    )


if __name__ == "__main__":
    main()

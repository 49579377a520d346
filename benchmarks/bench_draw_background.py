"""Benchmark a firms draw over a very large directory the way the task page runs it: the planner's
two requests return at once, the draw runs in the background with its progress saved, and the
whole takes a bounded time and memory. The spec's floor is measured in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shuangsui_bench \\
        python benchmarks/bench_draw_background.py --n 10000000

Migrates the database named by DATABASE_URL and tops its directory up to N synthetic firms
(better loaded first with `manage.py generate_firms N`, which shows its progress), opens a new
draft task whose items cover every firm (4 risk classes at 5%), then posts the task page's
announce and perform forms as the planner (DRAWS_IN_BACKGROUND on) and follows each job's
progress as the page does. Prints how long each request took, the total until the result is
recorded, and the process's peak resident memory (where the background thread ran), taken
before anything else is computed. Then the floor: SHA-256 of "SEED:firms:KEY" as hex for every
eligible key, and a check of the result against dr1 (both untimed in the figure).
"""

import argparse
import hashlib
import resource
import sys
import time

from django.conf import settings
from django.test import Client
from draw_fixtures import WITNESS_VALUES, describe_database, draft_task, planner, prepare_directory

from inspections.draws import dr1, draw_files
from inspections.draws.models import Draw, DrawJob

GIB = 1024**3


def peak_rss() -> int:
    """Peak resident set size of this process, in bytes (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def follow(job: DrawJob) -> DrawJob:
    """Poll the job as the task page does, printing each new step, until it ends."""
    shown = None
    while True:
        job.refresh_from_db()
        state = (job.status, job.step, job.percent)
        if state != shown:
            print(f"    {job.get_status_display()} {job.percent:3d}% {job.step}", file=sys.stderr)
            shown = state
        if job.finished:
            return job
        time.sleep(0.5)


def post(client: Client, url: str, data=None) -> float:
    started = time.perf_counter()
    response = client.post(url, data or {}, secure=True)
    seconds = time.perf_counter() - started
    assert response.status_code == 302, response.status_code
    return seconds


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000_000, help="firms in the directory")
    args = parser.parse_args()
    firms = prepare_directory(args.n)
    settings.DRAWS_IN_BACKGROUND = True
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    # Pages link their static files without the production manifest (no collectstatic here).
    staticfiles = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    settings.STORAGES = {**settings.STORAGES, "staticfiles": staticfiles}
    task, actor = draft_task(), planner()
    client = Client()
    client.force_login(actor)
    print(f"{describe_database()}, {firms:,} firms; task {task.code}")
    # The planner has the task page open before pressing the button (and the first request
    # of a process pays for loading the views).
    assert client.get(f"/tasks/{task.pk}/", secure=True).status_code == 200
    base_rss = peak_rss()

    started = time.perf_counter()
    announce_request = post(client, f"/tasks/{task.pk}/draws/announce/firms/")
    announced = follow(DrawJob.objects.get(task=task, action="announce"))
    assert announced.succeeded, announced.message
    draw = Draw.objects.get(pk=announced.draw_id)
    perform_request = post(
        client,
        f"/tasks/{task.pk}/draws/{draw.public_id}/perform/",
        {"witness_value": WITNESS_VALUES},
    )
    performed = follow(DrawJob.objects.get(task=task, action="perform"))
    total = time.perf_counter() - started
    assert performed.succeeded, performed.message
    rss = peak_rss()

    draw.refresh_from_db()
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
        f"  requests answered in {announce_request:.2f} s (announce) and {perform_request:.2f} s "
        f"(perform); announce job {announced.finished_at - announced.created_at}, "
        f"perform job {performed.finished_at - performed.created_at}"
    )
    print(
        f"background announce+perform {draw.announcement['pool_size']:,}: {total:.1f} s "
        f"(limit 180 s); peak RSS {rss / GIB:.2f} GiB (limit 4 GiB; {base_rss / GIB:.2f} GiB "
        f"before the draw); hashing floor {floor:.1f} s; ratio {total / floor:.1f}x"
    )


if __name__ == "__main__":
    main()

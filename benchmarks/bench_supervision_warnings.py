"""Benchmark the supervisor's warnings page against a plain list page, in the same run (issue 15:
the warnings over 1,000,000 inspections answer in under 300 ms).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shuangsui_bench DEBUG=1 \\
        python benchmarks/bench_supervision_warnings.py --firms 1000000 --inspections 1000000

Tops the directory up to `--firms` firms (draw_fixtures), opens `--tasks` tasks of the
benchmark's department and alternately of a second one, spread over three years, and writes
`--inspections` inspections among them directly (each task the same number, each firm at most
once per task, spread over the firms by a stride; one in a hundred of the second body's takes
the firm of the previous task's, so there are 多头 and 重复 warnings to find); sets a combined
frequency cap of 2 for the department's field. Then times, through the test client as the
supervisor, GET /supervision/ (the warnings of the default half year, all four kinds) and, as
the baseline, GET /supervision/firms/<uscc>/ (one firm's inspections, a plain indexed list
page). Prints the medians, the ratio, and how many warnings the page found.
"""

import argparse
import statistics
import sys
import time
from datetime import date, timedelta

from django.db import connection
from django.test import Client, override_settings
from draw_fixtures import (
    YEAR,
    department,
    describe_database,
    draft_task,
    field,
    prepare_directory,
)

from backend.accounts.models import User
from backend.accounts.roles import Role
from backend.organisation.models import Department
from fieldwork.models import Inspection
from inspections.directory.models import Firm
from inspections.planning.models import FrequencyCap, SamplingTask

PREFIX = "BENCHSUP-"
FIRST_DAY = date(YEAR - 2, 1, 1)
STRIDE = 7919  # a prime: firm of the j-th inspection of task k is ((k * per + j) * STRIDE) % F


def second_department() -> Department:
    dept, _ = Department.objects.get_or_create(
        code="BENCHSUP2", defaults={"name": "基准测试第二部门", "region_code": "220100"}
    )
    return dept


def supervisor() -> User:
    sf, _ = Department.objects.get_or_create(
        code="BENCHSF", defaults={"name": "基准测试司法局", "region_code": "220100"}
    )
    user = User.objects.filter(username="bench_supervisor").first()
    if user is None:
        user = User(
            username="bench_supervisor", role=Role.SUPERVISOR, department=sf, display_name="监督"
        )
        user.set_unusable_password()
        user.save()
    return user


def write_inspections(*, tasks: int, count: int) -> None:
    if Inspection.objects.filter(code__startswith=PREFIX).count() >= count:
        return
    firms = list(Firm.objects.order_by("pk").values_list("pk", "uscc", "name"))
    per = -(-count // tasks)
    if per > len(firms):
        sys.exit(f"--firms must be at least {per:,} for {count:,} inspections in {tasks} tasks")
    span = (date(YEAR, 12, 31) - FIRST_DAY).days
    other = second_department()
    print(f"opening {tasks} tasks and writing {count:,} inspections …", file=sys.stderr)
    written = 0
    for k in range(tasks):
        task = draft_task(exclusion_months=12)
        start = FIRST_DAY + timedelta(days=span * k // tasks)
        changes = {"window_start": start, "window_end": start + timedelta(days=20)}
        if k % 2:
            changes["department"] = other
        SamplingTask.objects.filter(pk=task.pk).update(**changes)
        rows = []
        for j in range(min(per, count - written)):
            # One in a hundred of the second body's inspections takes the previous task's firm:
            # 多头 (when the tasks start within the days) and 重复 warnings to find.
            n = (k - 1) * per + j if k % 2 and j % 100 == 0 else k * per + j
            pk, uscc, name = firms[(n * STRIDE) % len(firms)]
            day = start + timedelta(days=j % 20)
            rows.append(
                Inspection(
                    code=f"{PREFIX}{k:05d}-{j:07d}",
                    task_id=task.pk,
                    firm_id=pk,
                    firm_uscc=uscc,
                    firm_name=name,
                    window_start=day,
                    window_end=day,
                )
            )
        Inspection.objects.bulk_create(rows, batch_size=5000)
        written += len(rows)


def timed(client: Client, url: str, repeat: int) -> tuple[float, str]:
    """The median time of `repeat` requests of `url` and the last body. The requests run with
    DEBUG off, as in production: with it on, Django logs every query and has the driver write
    out each one with its parameters a second time."""
    seconds = []
    body = ""
    for _ in range(repeat):
        started = time.perf_counter()
        with override_settings(DEBUG=False):
            response = client.get(url)
        seconds.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
        body = response.content.decode()
    return statistics.median(seconds), body


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--firms", type=int, default=1_000_000, help="firms in the directory")
    parser.add_argument("--inspections", type=int, default=1_000_000)
    parser.add_argument("--tasks", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5, help="requests of each page")
    args = parser.parse_args()
    firms = prepare_directory(args.firms)
    write_inspections(tasks=args.tasks, count=args.inspections)
    # The database as autovacuum leaves it after a load (PostgreSQL 13 and later vacuum a table
    # after many inserts too): statistics of every table, by which the planner sizes the joins
    # (the tasks and their items as well as the inspections), and the visibility map, without
    # which an index-only scan still reads the table.
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {Inspection._meta.db_table}")
        cursor.execute("ANALYZE")
    FrequencyCap.objects.get_or_create(
        department=department(), enforcement_field=field(), level="combined", defaults={"limit": 2}
    )
    total = Inspection.objects.count()
    client = Client(HTTP_HOST="localhost")
    client.force_login(supervisor())
    uscc = Inspection.objects.filter(code__startswith=PREFIX).values_list("firm_uscc", flat=True)[0]
    print(f"{describe_database()}, {firms:,} firms, {total:,} inspections")
    warnings_s, body = timed(client, "/supervision/", args.repeat)
    list_s, _ = timed(client, f"/supervision/firms/{uscc}/", args.repeat)
    totals = body.split('data-testid="warning-totals">', 1)[1].split("</p>", 1)[0]
    totals = totals.replace("<strong>", "").replace("</strong>", "")
    print(f"  the warnings page found: {totals}")
    print(
        f"warnings page {warnings_s * 1000:.0f} ms, plain list page {list_s * 1000:.0f} ms; "
        f"ratio {warnings_s / list_s:.1f}x (goal: under 300 ms; medians of {args.repeat})"
    )


if __name__ == "__main__":
    main()

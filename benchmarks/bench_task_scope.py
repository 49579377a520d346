"""Benchmark a task's live scope counts (`scope_counts`) over a million firms, against the same
GROUP BY written as bare SQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shuangsui_bench \\
        python benchmarks/bench_task_scope.py --n 1000000

Migrates the database named by DATABASE_URL, tops its directory up to N synthetic firms
(`generate_firms`, seed 1), and reads the counts of three tasks of one 重点 item that applies to
every enterprise: 不定向 (the whole directory), 定向 to 长春市, and 定向 to 长春市 and industry C36.
Prints each one's median of 5 runs, the bare SQL's, and their ratio. The rows it writes (a
department, an item, a plan and three tasks) are made directly, not through the services: this
measures the read.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from backend.organisation.models import Department  # noqa: E402
from inspections.directory.bulk import insert_firms  # noqa: E402
from inspections.directory.models import Firm, InspectionItem, InspectionItemVersion
from inspections.directory.synthetic import synthetic_firms  # noqa: E402
from inspections.planning.models import AnnualPlan, SamplingTask, ScopeMode, TaskQuota
from inspections.planning.selectors import scope_counts  # noqa: E402
from personnel.models import EnforcementField  # noqa: E402

# (task code, filters, the same scope in SQL)
SCENARIOS = [
    ("B-UNTARGETED", {}, "target_type = 'enterprise'"),
    (
        "B-CITY",
        {"region_code": "220100"},
        "target_type = 'enterprise' AND region_code LIKE '2201%%'",
    ),
    (
        "B-CITY-C36",
        {"region_code": "220100", "industry_prefix": "C36"},
        "target_type = 'enterprise' AND region_code LIKE '2201%%' AND industry_code LIKE 'C36%%'",
    ),
]


def _setup() -> dict[str, SamplingTask]:
    department, _ = Department.objects.get_or_create(
        code="BENCH", defaults={"name": "基准测试部门", "region_code": "220100"}
    )
    field, _ = EnforcementField.objects.get_or_create(code="BENCH", defaults={"name": "基准测试"})
    item, created = InspectionItem.objects.get_or_create(
        code="BENCH-001", defaults={"department": department, "enforcement_field": field}
    )
    if created:
        InspectionItemVersion.objects.create(
            item=item,
            number=1,
            name="基准测试事项",
            category="key",
            legal_basis="—",
            methods=["onsite"],
            frequency="每年1次",
            status="published",
            published_at=django.utils.timezone.now(),
        )
    version = item.versions.get()
    plan, _ = AnnualPlan.objects.get_or_create(
        department=department,
        year=2021,
        version=1,
        defaults={
            "title": "基准测试计划",
            "status": "published",
            "published_at": django.utils.timezone.now(),
        },
    )
    tasks = {}
    for code, filters, _sql in SCENARIOS:
        task, created = SamplingTask.objects.get_or_create(
            code=code,
            defaults={
                "name": code,
                "plan": plan,
                "department": department,
                "scope_mode": ScopeMode.TARGETED if filters else ScopeMode.UNTARGETED,
                "window_start": date(2021, 6, 1),
                "window_end": date(2021, 6, 30),
                **filters,
            },
        )
        if created:
            task.items.set([version])
            TaskQuota.objects.bulk_create(
                TaskQuota(task=task, risk_class=risk, ratio=ratio)
                for risk, ratio in (("A", "0.02"), ("B", "0.05"), ("C", "0.2"), ("D", "1"))
            )
        tasks[code] = task
    return tasks


def _median(run, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _bare(sql_filter: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT risk_class, status, COUNT(*) FROM {Firm._meta.db_table} "
            f"WHERE {sql_filter} GROUP BY 1, 2"
        )
        cursor.fetchall()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="firms in the directory")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    missing = args.n - Firm.objects.count()
    if missing > 0:
        print(f"loading {missing:,} firms …", file=sys.stderr)
        insert_firms(synthetic_firms(missing, seed=1))
    tasks = _setup()
    print(f"{connection.vendor}, {Firm.objects.count():,} firms")
    print(f"{'task':<14}{'in scope':>12}{'counts':>10}{'bare SQL':>10}{'ratio':>8}")
    for code, _filters, sql_filter in SCENARIOS:
        task = tasks[code]
        counts = scope_counts(task)
        ours = _median(lambda task=task: scope_counts(task))
        bare = _median(lambda sql_filter=sql_filter: _bare(sql_filter))
        in_scope = counts.eligible + counts.excluded
        print(f"{code:<14}{in_scope:>12,}{ours:>9.3f}s{bare:>9.3f}s{ours / bare:>8.2f}")


if __name__ == "__main__":
    main()

"""Benchmark a teams draw through the product: 500 drawn firms staffed from 2,000 officers, against
hashing the same tickets alone, in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shuangsui_bench \\
        python benchmarks/bench_draw_teams.py --firms 500 --officers 2000

Migrates the database named by DATABASE_URL, tops its directory up to --directory synthetic
firms, gives the benchmark department --officers certified officers (bulk_create), with a
conflict of interest for one in ten of them, opens a task that draws --firms firms (fixed
counts per risk class, untimed), then times `announce_teams_draw` + `perform_draw` (two seats
per firm, at most 5 firms per officer). The floor is SHA-256 of "SEED:teams:FIRM:OFFICER" as
hex for every drawn firm and eligible officer, which the spec's walk may need.
"""

import argparse
import hashlib
import time
from datetime import date

from draw_fixtures import (
    WITNESS_VALUES,
    certify_officers,
    department,
    describe_database,
    draft_task,
    planner,
    prepare_directory,
)

from inspections.draws import dr1
from inspections.draws.services.draws import announce_firms_draw, announce_teams_draw, perform_draw
from inspections.planning.models import TaskQuota
from personnel.models import ConflictOfInterest, ConflictRelation, ConflictSource, Officer


def fixed_counts(task, firms: int) -> None:
    """Replace the task's ratios by fixed counts giving `firms` firms (40/40/15/5 %)."""
    shares = {"A": 40, "B": 40, "C": 15, "D": 5}
    counts = {risk: firms * share // 100 for risk, share in shares.items()}
    counts["A"] += firms - sum(counts.values())
    task.quotas.all().delete()
    TaskQuota.objects.bulk_create(
        TaskQuota(task=task, risk_class=risk, count=n) for risk, n in counts.items()
    )


def declare_conflicts(dept, firms: list[str], every: int = 10) -> None:
    """A conflict of interest with one of the drawn firms for one officer in `every`."""
    officers = Officer.objects.filter(department=dept).order_by("pk")[::every]
    ConflictOfInterest.objects.bulk_create(
        ConflictOfInterest(
            officer=officer,
            firm_uscc=firms[i % len(firms)],
            relation=ConflictRelation.values[0],
            source=ConflictSource.values[0],
            valid_from=date(2020, 1, 1),
        )
        for i, officer in enumerate(officers)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--directory", type=int, default=1_000_000, help="firms in the directory")
    parser.add_argument("--firms", type=int, default=500, help="firms drawn, then staffed")
    parser.add_argument("--officers", type=int, default=2_000, help="certified officers")
    args = parser.parse_args()
    prepare_directory(args.directory)
    dept = department()
    certify_officers(dept, args.officers)
    actor = planner()
    task = draft_task()
    fixed_counts(task, args.firms)
    firms_draw = announce_firms_draw(actor=actor, task=task)
    firms_draw = perform_draw(actor=actor, draw=firms_draw, witness_values=WITNESS_VALUES)
    drawn = [pick.key for pick in dr1.parse_firms_result(bytes(firms_draw.result))]
    declare_conflicts(dept, drawn)
    print(
        f"{describe_database()}; task {task.code}: {len(drawn):,} firms drawn, "
        f"{Officer.objects.filter(department=dept).count():,} officers"
    )

    started = time.perf_counter()
    draw = announce_teams_draw(actor=actor, task=task)
    announced = time.perf_counter()
    draw = perform_draw(actor=actor, draw=draw, witness_values=WITNESS_VALUES)
    total = time.perf_counter() - started

    draw.refresh_from_db()
    pool, result = bytes(draw.pool), bytes(draw.result)
    report = dr1.verify(
        draw.announcement,
        draw.reveal,
        pool,
        result,
        conflicts_bytes=bytes(draw.conflicts),
        firms_result_bytes=bytes(firms_draw.result),
    )
    assert report.ok, report.problems
    officers = [row.key for row in dr1.parse_pool(pool) if row.eligible]
    conflicts = len(dr1.parse_conflicts(bytes(draw.conflicts)))
    seats = dr1.parse_teams_result(result)
    floor_started = time.perf_counter()
    for firm in drawn:
        prefix = f"{draw.seed}:teams:{firm}:"
        for officer in officers:
            hashlib.sha256(f"{prefix}{officer}".encode()).hexdigest()
    floor = time.perf_counter() - floor_started
    print(
        f"  {len(seats):,} seats, {conflicts:,} conflicts; announce {announced - started:.2f} s, "
        f"perform {total - (announced - started):.2f} s; verified"
    )
    print(
        f"teams draw {len(drawn):,} firms x {len(officers):,} officers: {total:.2f} s "
        f"(limit 5 s); hashing floor {floor:.2f} s; ratio {total / floor:.1f}x"
    )


if __name__ == "__main__":
    main()

"""Benchmark the frequency caps' cost to a firms draw: the same pool announced with and without
caps, in the same run (issue 15: within 1.2×).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shuangsui_bench \\
        python benchmarks/bench_draw_caps.py --n 1000000 --at-cap 50000

Tops the directory up to N firms (draw_fixtures), gives `--at-cap` of them one inspection this
year by the benchmark's department (inspections written directly, under one earlier task), then
times `announce_firms_draw` on new draft tasks with no exclusion window (so only the caps can
leave those firms out): alternately without any cap and with a combined cap of 1 for the
department's field, which puts exactly those firms at it. Prints the median of each and the
ratio, and how many firms the capped pool names `frequency-cap` (those at the cap that are
still in existence: the others keep their own reason).

`--pool-only` times only the pool file's building (`draw_files.firms_pool_file`, where the caps
enter), without and with the cap alternately, each inside a transaction rolled back: no draw is
saved, so the 25 MB insert of each announcement and its writing to disk do not blur the caps'
own cost.
"""

import argparse
import statistics
import sys
import time
from datetime import date

from django.db import transaction
from draw_fixtures import (
    YEAR,
    department,
    describe_database,
    draft_task,
    field,
    planner,
    prepare_directory,
)

from fieldwork.models import Inspection
from inspections.directory.models import Firm
from inspections.draws import dr1, draw_files
from inspections.draws.services.draws import announce_firms_draw
from inspections.planning.models import FrequencyCap


def inspect_firms(count: int) -> None:
    """`count` firms with one inspection in YEAR by the benchmark's department."""
    have = Inspection.objects.filter(code__startswith="BENCHCAP-").count()
    if have >= count:
        return
    task = draft_task(exclusion_months=0)
    firms = Firm.objects.order_by("pk").values_list("pk", "uscc", "name")[have:count]
    print(f"writing {count - have:,} inspections …", file=sys.stderr)
    Inspection.objects.bulk_create(
        [
            Inspection(
                code=f"BENCHCAP-{i:08d}",
                task=task,
                firm_id=pk,
                firm_uscc=uscc,
                firm_name=name,
                window_start=date(YEAR, 3, 1),
                window_end=date(YEAR, 3, 31),
            )
            for i, (pk, uscc, name) in enumerate(firms, start=have)
        ],
        batch_size=5000,
    )


def announce(actor, *, capped: bool) -> tuple[float, int]:
    FrequencyCap.objects.filter(department=department()).delete()
    if capped:
        FrequencyCap.objects.create(
            department=department(), enforcement_field=field(), level="combined", limit=1
        )
    task = draft_task(exclusion_months=0)
    started = time.perf_counter()
    draw = announce_firms_draw(actor=actor, task=task)
    seconds = time.perf_counter() - started
    excluded = sum(1 for row in dr1.parse_pool(bytes(draw.pool)) if row.excluded == "frequency-cap")
    # Firms no longer in existence keep that reason first: fewer than --at-cap are named.
    assert (excluded > 0) == capped, excluded
    return seconds, excluded


def build_pool(task, *, capped: bool) -> float:
    """Seconds to build `task`'s pool file with or without the cap, nothing kept."""
    with transaction.atomic():
        FrequencyCap.objects.filter(department=department()).delete()
        if capped:
            FrequencyCap.objects.create(
                department=department(), enforcement_field=field(), level="combined", limit=1
            )
        started = time.perf_counter()
        draw_files.firms_pool_file(task)
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="firms in the directory")
    parser.add_argument("--at-cap", type=int, default=50_000, help="firms at their cap")
    parser.add_argument("--repeat", type=int, default=5, help="announcements of each kind")
    parser.add_argument(
        "--pool-only", action="store_true", help="time the pool file alone, no draw saved"
    )
    args = parser.parse_args()
    firms = prepare_directory(args.n)
    inspect_firms(args.at_cap)
    actor = planner()
    print(f"{describe_database()}, {firms:,} firms, {args.at_cap:,} at their cap")
    plain, capped = [], []
    if args.pool_only:
        task = draft_task(exclusion_months=0)
        for _ in range(args.repeat):
            plain.append(build_pool(task, capped=False))
            capped.append(build_pool(task, capped=True))
        without, with_caps = statistics.median(plain), statistics.median(capped)
        print(
            f"pool file {firms:,}: without caps {without:.3f} s, with caps {with_caps:.3f} s "
            f"(+{(with_caps - without) * 1000:.0f} ms); ratio {with_caps / without:.2f}x "
            f"(medians of {args.repeat})"
        )
        return
    for _ in range(args.repeat):  # alternately, so both see the same load
        plain.append(announce(actor, capped=False)[0])
        seconds, excluded = announce(actor, capped=True)
        capped.append(seconds)
    print(f"  the capped pool names {excluded:,} firms frequency-cap")
    FrequencyCap.objects.filter(department=department()).delete()
    without, with_caps = statistics.median(plain), statistics.median(capped)
    print(
        f"announce {firms:,}: without caps {without:.2f} s, with caps {with_caps:.2f} s; "
        f"ratio {with_caps / without:.2f}x (limit 1.2x; medians of {args.repeat})"
    )


if __name__ == "__main__":
    main()

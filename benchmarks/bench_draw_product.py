"""Benchmark a firms draw through the product: announce and perform a real task's DR-1 draw over
the whole directory, against the spec's floor, hashing the same tickets alone, in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shuangsui_bench \\
        python benchmarks/bench_draw_product.py --n 1000000

Migrates the database named by DATABASE_URL and tops its directory up to N synthetic firms
(`generate_firms`, seed 1), opens a new draft task whose three items cover every firm (4 risk
classes at 5%; the firms no longer in existence are the pool's exclusions), then times
`announce_firms_draw` + `perform_draw` (the services the task page calls). The floor is
SHA-256 of "SEED:firms:KEY" as hex for every eligible key of the same pool, nothing else,
measured just before and just after the draw and averaged. The draw is then checked against
`dr1.draw_firms` on the parsed pool (untimed). --repeat draws (7) on new tasks; the last line
shows the one with the median ratio.
"""

import argparse
import cProfile
import hashlib
import pstats
import sys
import time

from draw_fixtures import WITNESS_VALUES, describe_database, draft_task, planner, prepare_directory

from inspections.draws import dr1, draw_files
from inspections.draws.services.draws import announce_firms_draw, perform_draw


def hashing_floor(seed: str, keys: list[str]) -> float:
    started = time.perf_counter()
    tickets = [hashlib.sha256(f"{seed}:firms:{key}".encode()).hexdigest() for key in keys]
    seconds = time.perf_counter() - started
    assert len(tickets) == len(keys)
    return seconds


def one_run(actor, profile: cProfile.Profile | None) -> tuple[float, float]:
    """A new task drawn once; returns (announce + perform seconds, floor seconds)."""
    task = draft_task()
    # The floor is measured just before and just after the draw, and averaged: on a shared
    # machine the load drifts, and both sides of the ratio should see the same.
    keys = [row.key for row in dr1.parse_pool(draw_files.firms_pool_file(task)[0]) if row.eligible]
    before = hashing_floor(dr1.sha256_hex(b"any seed: the cost is the same"), keys)
    if profile:
        profile.enable()
    started = time.perf_counter()
    draw = announce_firms_draw(actor=actor, task=task)
    announced = time.perf_counter()
    draw = perform_draw(actor=actor, draw=draw, witness_values=WITNESS_VALUES)
    total = time.perf_counter() - started
    if profile:
        profile.disable()
    after = hashing_floor(draw.seed, keys)
    floor = (before + after) / 2

    draw.refresh_from_db()
    pool = dr1.parse_pool(bytes(draw.pool))
    assert [row.key for row in pool if row.eligible] == keys
    expected = dr1.format_firms_result(
        dr1.draw_firms(seed=draw.seed, pool_rows=pool, quota=draw.announcement["quota"])
    )
    assert bytes(draw.result) == expected, "the product's result differs from dr1.draw_firms"
    print(
        f"  {task.code}: pool {len(pool):,} rows, {len(keys):,} eligible, "
        f"{len(pool) - len(keys):,} excluded; quota {draw.announcement['quota']}"
    )
    print(
        f"  announce {announced - started:.2f} s, perform {total - (announced - started):.2f} s;"
        f" floor {before:.2f} s before, {after:.2f} s after; ratio {total / floor:.2f}x"
    )
    return total, floor


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="firms in the directory")
    parser.add_argument("--repeat", type=int, default=7, help="draws; the median one is shown")
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions")
    args = parser.parse_args()
    firms = prepare_directory(args.n)
    actor = planner()
    print(f"{describe_database()}, {firms:,} firms")
    profile = cProfile.Profile() if args.profile else None
    runs = sorted((one_run(actor, profile) for _ in range(args.repeat)), key=lambda r: r[0] / r[1])
    if profile:
        pstats.Stats(profile, stream=sys.stderr).sort_stats("cumulative").print_stats(30)
    total, floor = runs[len(runs) // 2]
    print(
        f"announce+perform {firms:,}: {total:.1f} s; hashing floor {floor:.1f} s; "
        f"ratio {total / floor:.1f}x (limit 3x; median of {len(runs)} draws)"
    )


if __name__ == "__main__":
    main()

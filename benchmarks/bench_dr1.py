"""Benchmark the DR-1 firms draw against a naive baseline, in the same run.

    python benchmarks/bench_dr1.py            # 1,000,000 candidates in 4 strata
    python benchmarks/bench_dr1.py --n 100000

The baseline is the spec's sentence transcribed literally: hex ticket for every eligible candidate,
full sort per stratum, take the first quota. Both must give the same picks.
"""

import argparse
import hashlib
import sys
import time
from pathlib import Path

# Runnable as a plain script from a checkout, without installing the project.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from inspections.draws import dr1
from inspections.planning import rules

STRATA = ("A", "B", "C", "D")
RATIO = "0.05"


def synthetic_pool(n: int) -> list[dr1.PoolRow]:
    """n firms with credit-code-like keys, 4 strata of unequal size, 1 in 10 excluded."""
    rows = []
    for i in range(n):
        stratum = STRATA[(i * 7919) % 10 // 3]  # deterministic, uneven: 30/30/30/10 %
        excluded = "recent-inspection" if i % 10 == 3 else ""
        rows.append(dr1.PoolRow(f"91{i:016d}", stratum, excluded))
    return rows


def naive_draw(seed: str, pool_rows: list[dr1.PoolRow], quota: dict[str, int]) -> list:
    by_stratum: dict[str, list[tuple[str, str]]] = {stratum: [] for stratum in quota}
    for row in pool_rows:
        if row.excluded == "":
            message = (seed + ":firms:" + row.key).encode("utf-8")
            by_stratum[row.stratum].append((hashlib.sha256(message).hexdigest(), row.key))
    picks = []
    for stratum in sorted(quota):
        tickets = sorted(by_stratum[stratum])
        for rank, (ticket, key) in enumerate(tickets[: quota[stratum]], start=1):
            picks.append(dr1.FirmPick(stratum, rank, key, ticket))
    return picks


def timed(label: str, function, *args, **kwargs):
    start = time.perf_counter()
    value = function(*args, **kwargs)
    seconds = time.perf_counter() - start
    print(f"  {label:<42} {seconds:8.3f} s")
    return value, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="number of candidates")
    args = parser.parse_args()

    pool_rows = synthetic_pool(args.n)
    counts = dr1.eligible_counts(pool_rows)
    quota = {s: rules.quota_from_ratio(counts[s], RATIO) for s in sorted(counts)}
    seed = dr1.sha256_hex(b"benchmark seed")
    print(f"DR-1 firms draw: {args.n:,} candidates, {sum(counts.values()):,} eligible")
    print(f"  quota at ratio {RATIO}: {quota}")

    pool_bytes, _ = timed("format_pool (write the pool file)", dr1.format_pool, pool_rows)
    parsed, _ = timed("parse_pool (read it back)", dr1.parse_pool, pool_bytes)
    assert parsed == sorted(pool_rows, key=lambda row: row.key)

    baseline, naive_seconds = timed(
        "baseline: hexdigest loop + full sort", naive_draw, seed, pool_rows, quota
    )
    picks, fast_seconds = timed(
        "draw_firms", dr1.draw_firms, seed=seed, pool_rows=pool_rows, quota=quota
    )
    assert picks == baseline, "draw_firms disagrees with the plain definition"
    ratio = naive_seconds / fast_seconds
    print(f"  same {len(picks):,} picks; draw_firms is {ratio:.2f}x as fast as the baseline")


if __name__ == "__main__":
    main()

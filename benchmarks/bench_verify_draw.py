"""Benchmark the public's standalone verifier (inspections/draws/verify_draw.py, standard library
only) on a firms draw made by the product over the whole directory, against the spec's floor
(hashing the same tickets alone), in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shuangsui_bench \\
        python benchmarks/bench_verify_draw.py --n 1000000

Uses the directory's latest performed benchmark draw of N firms (bench_draw_product.py makes
one; so does this script if there is none), writes its four public files to a temporary folder
as a visitor downloads them, and runs `python3 verify_draw.py announcement.json reveal.json
pool.csv result.csv` in a fresh interpreter, as anyone would.
"""

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from draw_fixtures import WITNESS_VALUES, draft_task, planner, prepare_directory

from inspections.draws import dr1, draw_files
from inspections.draws.models import Draw, DrawPurpose, DrawStatus
from inspections.draws.services.draws import announce_firms_draw, perform_draw

VERIFIER = Path(dr1.__file__).with_name("verify_draw.py")


def benchmark_draw(n: int) -> Draw:
    draws = Draw.objects.filter(
        purpose=DrawPurpose.FIRMS,
        status=DrawStatus.PERFORMED,
        task__code__startswith="BENCH-",
        announcement__pool_size=n,
    )
    draw = draws.order_by("-id").first()
    if draw is None:
        print("performing a draw to verify …", file=sys.stderr)
        task, actor = draft_task(), planner()
        draw = announce_firms_draw(actor=actor, task=task)
        draw = perform_draw(actor=actor, draw=draw, witness_values=WITNESS_VALUES)
    return Draw.objects.get(pk=draw.pk)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="firms in the directory")
    args = parser.parse_args()
    firms = prepare_directory(args.n)
    draw = benchmark_draw(firms)
    pool = draw_files.read_file(draw, "pool")
    files = {
        "announcement.json": json.dumps(draw.announcement, ensure_ascii=False, indent=2).encode(),
        "reveal.json": json.dumps(draw.reveal, ensure_ascii=False, indent=2).encode(),
        "pool.csv": pool,
        "result.csv": draw_files.read_file(draw, "result"),
    }
    with tempfile.TemporaryDirectory(prefix="verify-draw-") as folder:
        paths = []
        for name, data in files.items():
            path = Path(folder) / name
            path.write_bytes(data)
            paths.append(str(path))
        started = time.perf_counter()
        run = subprocess.run(
            [sys.executable, str(VERIFIER), *paths], capture_output=True, text=True, check=False
        )
        seconds = time.perf_counter() - started
    assert run.returncode == 0 and "VERIFIED" in run.stdout, run.stdout + run.stderr

    keys = [row.key for row in dr1.parse_pool(pool) if row.eligible]
    started = time.perf_counter()
    for key in keys:
        hashlib.sha256(f"{draw.seed}:firms:{key}".encode()).hexdigest()
    floor = time.perf_counter() - started
    print(f"{draw.public_id}: pool {draw.announcement['pool_size']:,} rows, {len(keys):,} eligible")
    print(run.stdout.strip().splitlines()[-1])
    print(
        f"verify_draw.py {draw.announcement['pool_size']:,}: {seconds:.1f} s (limit 20 s); "
        f"hashing floor {floor:.1f} s; ratio {seconds / floor:.1f}x"
    )


if __name__ == "__main__":
    main()

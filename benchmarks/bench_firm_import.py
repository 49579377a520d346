"""Benchmark importing the directory from .xlsx, against python-calamine reading the same file.

    python benchmarks/bench_firm_import.py --n 100000
    python benchmarks/bench_firm_import.py --n 1000000
    python benchmarks/bench_firm_import.py --n 100000 --repeat 5   # the medians of 5 runs

Builds (once, cached under var/bench/) an .xlsx of N synthetic firms in the directory's own
export layout, then runs two child processes so that each one's peak memory is its own:

- the baseline: python-calamine reading every row of the file, and nothing else;
- the import: `import_firms`'s service (read, check every row, stage, write in one transaction)
  into an empty directory in a fresh database of each kind asked for (--databases): SQLite, the
  embedded default (a new file under var/bench/), and PostgreSQL (--database, created and
  migrated).

Prints both times (the baseline read again before each database), their ratio, the CPU time of
each process and its ratio (less sensitive to other work on a shared machine; without the
PostgreSQL server's own work), and the import's peak memory, with the issues' targets: 100,000
firms in at most 15 s, 1,000,000 in at most 3 minutes, peak under 1.5 GiB, import at most 4x
calamine alone (issue 4); at most 3x on SQLite and PostgreSQL, a re-import of the unchanged file
at most 2x (issue 19). A second import of the same file (all unchanged) is timed too.

With --repeat N, each database is measured N times, each time against a baseline read right
before it, and the medians of the ratios are printed at the end.
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def build_file(n: int, path: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
    import django

    django.setup()  # the export's headers live beside its models
    from backend.excel import write_xlsx
    from inspections.directory.classifications import region_full_name, region_names
    from inspections.directory.exports import HEADERS
    from inspections.directory.synthetic import synthetic_firms

    names = region_names()
    types = {"enterprise": "企业", "individual": "个体工商户", "cooperative": "农民专业合作社"}
    statuses = {"active": "存续", "deregistered": "注销", "revoked": "吊销", "cancelled": "撤销",
                "moved_out": "迁出"}  # fmt: skip

    def rows():
        for f in synthetic_firms(n, seed=11):
            flags = "、".join(
                label
                for label, on in zip(
                    ("经营异常", "严重违法失信", "投诉举报"),
                    (f.abnormal_operation, f.serious_violation, f.complaints),
                    strict=True,
                )
                if on
            )
            tags = "；".join(
                f"{name}（外籍员工人数 {d['foreign_staff']}）" if d.get("foreign_staff") else name
                for name, d in f.tags.items()
            )
            yield [
                f.uscc, f.name, types[f.target_type], f.region_code,
                region_full_name(f.region_code, names), f.industry_code or None, f.address,
                f.legal_representative, f.registered_on.isoformat(), statuses[f.status],
                f.risk_class, flags or None, tags or None,
            ]  # fmt: skip

    path.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    write_xlsx(str(path) + ".tmp", headers=HEADERS, rows=rows(), sheet_title="检查对象名录")
    os.replace(str(path) + ".tmp", path)
    print(f"built {path} ({n:,} rows) in {time.perf_counter() - started:.0f} s", flush=True)


def child_read(path: str) -> dict:
    import python_calamine

    started, cpu = time.perf_counter(), time.process_time()
    workbook = python_calamine.CalamineWorkbook.from_path(path)
    rows = sum(1 for _ in workbook.get_sheet_by_index(0).iter_rows()) - 1
    return {
        "seconds": time.perf_counter() - started,
        "cpu": time.process_time() - cpu,
        "rows": rows,
    }


def child_import(path: str) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
    import django

    django.setup()
    from backend.imports.models import Mode
    from backend.imports.runner import run_import
    from backend.imports.services import create_command_job

    results = []
    for _ in range(2):  # the first inserts everything, the second finds it all unchanged
        job = create_command_job(kind="firms", path=path, mode=Mode.ALL_OR_NOTHING, dry_run=False)
        started, cpu = time.perf_counter(), time.process_time()
        job = run_import(job, path)
        results.append(
            {
                "seconds": time.perf_counter() - started,
                "cpu": time.process_time() - cpu,
                "status": job.status,
                "inserted": job.inserted,
                "unchanged": job.unchanged,
                "rejected": job.rejected,
                "message": job.message,
            }
        )
    return {"runs": results}


def run_child(kind: str, path: Path, env: dict) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--child", kind, "--file", str(path)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def fresh_database(url_base: str, name: str) -> str:
    import psycopg

    with psycopg.connect(f"{url_base}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    return f"{url_base}/{name}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="shuangsui_bench_import")
    parser.add_argument(
        "--databases",
        default="sqlite,postgresql",
        help="comma-separated: sqlite (the embedded default), postgresql",
    )
    parser.add_argument("--repeat", type=int, default=1, help="runs per database (medians)")
    parser.add_argument("--child", choices=["read", "import"])
    parser.add_argument("--file")
    args = parser.parse_args()

    if args.child:
        result = child_read(args.file) if args.child == "read" else child_import(args.file)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024  # KiB → GiB
        print(json.dumps({**result, "peak_gib": peak}))
        return

    path = ROOT / "var" / "bench" / f"firms-{args.n}.xlsx"
    if not path.exists():
        build_file(args.n, path)
    size = path.stat().st_size / 2**20
    print(f"file: {path.name}, {args.n:,} firms, {size:.1f} MiB")

    ratios: dict[str, list[tuple[float, float]]] = {}
    for _ in range(args.repeat):
        for kind in args.databases.split(","):
            # The baseline right before each database's import: on a shared machine the load
            # changes from minute to minute.
            read = run_child("read", path, dict(os.environ))
            print(f"  baseline: python-calamine reads it      {read['seconds']:7.2f} s  "
                  f"(CPU {read['cpu']:.2f} s)  peak {read['peak_gib']:.2f} GiB")  # fmt: skip
            if kind == "sqlite":
                sqlite = ROOT / "var" / "bench" / "import.sqlite3"
                sqlite.unlink(missing_ok=True)
                url = f"sqlite:///{sqlite}"
            else:
                url = fresh_database(args.server, args.database)
            ratios.setdefault(kind, []).append(measure(kind, url, path, args.n, read))
    if args.repeat > 1:
        print(f"medians of {args.repeat} runs (each against the baseline read right before it):")
        for kind, runs in ratios.items():
            first = statistics.median(r[0] for r in runs)
            again = statistics.median(r[1] for r in runs)
            print(
                f"  {kind}: import {first:.2f}x (≤ 3x: {first <= 3}), "
                f"re-import {again:.2f}x (≤ 2x: {again <= 2}); "
                f"runs: {', '.join(f'{a:.2f}/{b:.2f}' for a, b in runs)}"
            )


def measure(kind: str, url: str, path: Path, n: int, read: dict) -> tuple[float, float]:
    """Import the file twice into a fresh database at `url`; print and return the ratios of
    the import and the re-import to calamine's read (`read`)."""
    # As in production: DEBUG off (with it on, Django keeps the text of every query).
    env = dict(
        os.environ,
        DATABASE_URL=url,
        DEBUG="0",
        SECRET_KEY="benchmark-only-" + os.urandom(24).hex(),
        ALLOWED_HOSTS="127.0.0.1",
        # Required with DEBUG off; made up, as in .ci/run's deploy check (a leading 0 keeps the
        # SM2 private key below the curve's order).
        FIELD_ENCRYPTION_KEYS="bench:" + os.urandom(32).hex(),
        CHECKPOINT_SIGNING_KEY="sm2:0" + os.urandom(32).hex()[1:],
    )
    subprocess.run([sys.executable, str(ROOT / "manage.py"), "migrate", "-v0"], env=env, check=True)
    imported = run_child("import", path, env)
    first, second = imported["runs"]
    assert first["status"] == "done" and first["inserted"] == n, first
    assert second["unchanged"] == n, second
    ratio = first["seconds"] / read["seconds"]
    again = second["seconds"] / read["seconds"]
    limit = 15 if n <= 100_000 else 180
    print(f"  {kind}:")
    print(f"    import into an empty directory         {first['seconds']:7.2f} s  "
          f"{first['inserted']:,} inserted")  # fmt: skip
    print(f"    import again (all unchanged)           {second['seconds']:7.2f} s")
    print(f"    import peak memory                     {imported['peak_gib']:7.2f} GiB")
    # CPU time of the importing process against calamine's: less sensitive to other work on a
    # shared machine; on PostgreSQL it leaves out the server's own work.
    print(f"    CPU time of the process: import {first['cpu']:.2f} s "
          f"({first['cpu'] / read['cpu']:.2f}x calamine's), again {second['cpu']:.2f} s "
          f"({second['cpu'] / read['cpu']:.2f}x)"
          + (" (without the server's own work)" if kind == "postgresql" else ""))  # fmt: skip
    verdict = {True: "met", False: "MISSED"}
    print(
        f"    ratio import / calamine {ratio:.2f}x (≤ 4x: {verdict[ratio <= 4]};"
        f" ≤ 3x: {verdict[ratio <= 3]}); re-import {again:.2f}x (≤ 2x: {verdict[again <= 2]});"
        f" time ≤ {limit} s: {verdict[first['seconds'] <= limit]};"
        f" memory < 1.5 GiB: {verdict[imported['peak_gib'] < 1.5]}"
    )
    return ratio, again


if __name__ == "__main__":
    main()

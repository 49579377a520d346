"""Benchmark exporting the directory: 100,000 firms to .xlsx and 1,000,000 to .csv.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shuangsui_bench \\
        python benchmarks/bench_firm_export.py --n 1000000 --xlsx 100000

Migrates the database named by DATABASE_URL and tops its directory up to N synthetic firms. Each
export runs the code the export view runs (`inspections.directory.exports`: read with a
server-side cursor, format, escape formulas, write), into a temporary file. Baselines in the
same run, on the same rows already in memory: openpyxl's write-only mode writing them raw for
.xlsx, a plain csv.writer for .csv. The ratio is export / baseline: what the database read, the
formatting and the escaping cost on top of the writer. Targets: .xlsx of 100,000 in at most
15 s; .csv of 1,000,000 in at most 20 s.
"""

import argparse
import csv
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from inspections.directory import exports  # noqa: E402
from inspections.directory.bulk import insert_firms  # noqa: E402
from inspections.directory.models import Firm  # noqa: E402
from inspections.directory.synthetic import synthetic_firms  # noqa: E402


def ensure_firms(n: int) -> None:
    have = Firm.objects.count()
    if have >= n:
        print(f"directory: {have:,} firms already")
        return
    print(f"directory: {have:,} firms, generating {n - have:,} ...", flush=True)
    started = time.perf_counter()
    created, _ = insert_firms(synthetic_firms(n - have, seed=1 + have))
    print(f"  generated {created:,} in {time.perf_counter() - started:.1f} s", flush=True)


def timed(function):
    started = time.perf_counter()
    value = function()
    return value, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="firms for the .csv export")
    parser.add_argument("--xlsx", type=int, default=100_000, help="firms for the .xlsx export")
    args = parser.parse_args()

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    call_command("migrate", verbosity=0)
    ensure_firms(max(args.n, args.xlsx))
    ordered = Firm.objects.order_by("id")
    xlsx_firms = Firm.objects.filter(id__lte=ordered.values_list("id", flat=True)[args.xlsx - 1])
    csv_firms = Firm.objects.filter(id__lte=ordered.values_list("id", flat=True)[args.n - 1])

    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        print(f"\n.xlsx, {args.xlsx:,} firms")
        count, xlsx_s = timed(lambda: exports.export_xlsx(xlsx_firms, out / "firms.xlsx"))
        size = (out / "firms.xlsx").stat().st_size / 2**20
        print(
            f"  export (database → .xlsx)               {xlsx_s:7.2f} s  "
            f"{count:,} rows, {size:.1f} MiB"
        )
        rows = list(exports.firm_rows(xlsx_firms))

        def raw_openpyxl():
            workbook = Workbook(write_only=True)
            sheet = workbook.create_sheet("firms")
            sheet.append(exports.HEADERS)
            for row in rows:
                sheet.append(row)
            workbook.save(out / "raw.xlsx")

        _, raw_s = timed(raw_openpyxl)
        print(f"  baseline: openpyxl write-only, in memory {raw_s:7.2f} s")
        print(
            f"  ratio {xlsx_s / raw_s:.2f}x; target ≤ 15 s: {'met' if xlsx_s <= 15 else 'MISSED'}"
        )
        del rows

        print(f"\n.csv, {args.n:,} firms")

        def export_csv():
            with open(out / "firms.csv", "w", encoding="utf-8", newline="") as handle:
                return exports.export_csv(csv_firms, handle)

        count, csv_s = timed(export_csv)
        size = (out / "firms.csv").stat().st_size / 2**20
        print(
            f"  export (database → .csv)                {csv_s:7.2f} s  "
            f"{count:,} rows, {size:.1f} MiB"
        )
        rows = list(exports.firm_rows(csv_firms))

        def plain_csv():
            with open(out / "raw.csv", "w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(exports.HEADERS)
                writer.writerows(rows)

        _, plain_s = timed(plain_csv)
        print(f"  baseline: csv.writer, in memory         {plain_s:7.2f} s")
        print(
            f"  ratio {csv_s / plain_s:.2f}x; target ≤ 20 s: {'met' if csv_s <= 20 else 'MISSED'}"
        )


if __name__ == "__main__":
    main()

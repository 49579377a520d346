"""Benchmark the directory list page over a million firms, against a plain SELECT ... LIMIT 50.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shuangsui_bench \\
        python benchmarks/bench_directory_list.py --n 1000000

Migrates the database named by DATABASE_URL, tops its directory up to N synthetic firms
(`generate_firms`, seed 1), then opens the list page through Django's test client as a planner:
each filter's median of several runs:

- page: the cache emptied first, so the page goes out without the risk-class counts (it never
  waits for them);
- +counts: the page with the counts cached (the next pages, and everyone else on the same filter);
- next: the next page (keyset, `after=`);
- counts: the counts request the browser sends after a cold page (the GROUP BY, cache emptied).

The baseline is the page's own filter as a bare SQL query of 50 rows, no ORM, no template; the
ratio is page / SQL. Target: under 200 ms per page with a filter.
"""

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from backend.accounts.models import User  # noqa: E402
from backend.accounts.roles import Role  # noqa: E402
from backend.organisation.models import Department  # noqa: E402
from inspections.directory.bulk import insert_firms  # noqa: E402
from inspections.directory.models import Firm  # noqa: E402
from inspections.directory.synthetic import synthetic_firms  # noqa: E402

# (label, query string, the same filter in SQL for the baseline)
SCENARIOS = [
    ("no filter", "", "TRUE"),
    ("region 220100 (长春市)", "region=220100", "region_code LIKE '2201%%'"),
    (
        "region 220102 + risk D",
        "region=220102&risk_class=D",
        "region_code = '220102' AND risk_class = 'D'",
    ),
    ("industry C36", "industry=C36", "industry_code LIKE 'C36%%'"),
    ("risk C or D", "risk_class=C&risk_class=D", "risk_class IN ('C', 'D')"),
    ("flag 严重违法失信", "flag=serious_violation", "serious_violation"),
    ("status 吊销", "status=revoked", "status = 'revoked'"),
    (
        "tag 外籍员工用人单位",
        "tag=外籍员工用人单位",
        "id IN (SELECT firm_id FROM inspections_firmtag WHERE name = '外籍员工用人单位')",
    ),
    ("code prefix 912201", "q=912201", "uscc LIKE '912201%%'"),
    ("name contains 汽车零部件", "q=汽车零部件", "name LIKE '%%汽车零部件%%'"),
    # The worst case: a term no firm has, so every name is read (no trigram index).
    ("name contains 星际飞船", "q=星际飞船", "name LIKE '%%星际飞船%%'"),
]


def ensure_firms(n: int) -> None:
    have = Firm.objects.count()
    if have >= n:
        print(f"directory: {have:,} firms already")
        return
    print(f"directory: {have:,} firms, generating {n - have:,} ...", flush=True)
    started = time.perf_counter()
    created, _ = insert_firms(synthetic_firms(n - have, seed=1 + have))
    print(f"  generated {created:,} in {time.perf_counter() - started:.1f} s")


def planner() -> User:
    department, _ = Department.objects.get_or_create(
        code="BENCH", defaults={"name": "性能测试部门", "region_code": "220100"}
    )
    user, _ = User.objects.get_or_create(
        username="bench_planner",
        defaults={"role": Role.PLANNER, "department": department, "display_name": "测试"},
    )
    return user


def median_ms(function, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="firms in the directory")
    parser.add_argument("--runs", type=int, default=7, help="runs per figure (median)")
    args = parser.parse_args()

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    call_command("migrate", verbosity=0)
    ensure_firms(args.n)
    client = Client(SERVER_NAME="localhost")
    client.force_login(planner())

    def page(query: str):
        response = client.get(f"/directory/firms/?{query}")
        assert response.status_code == 200, response.status_code
        return response

    def baseline(where: str):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, uscc, name, region_code, industry_code, status, risk_class "
                f"FROM inspections_firm WHERE {where} ORDER BY id LIMIT 50"
            )
            cursor.fetchall()

    print("\nmedian ms per request")
    print(f"{'filter':<24}{'page':>8}{'+counts':>9}{'next':>8}{'counts':>8}{'SQL':>7}{'ratio':>7}")
    worst = worst_counts = 0.0
    for label, query, where in SCENARIOS:
        page(query)  # warm the database's buffers for this filter

        def cold(query=query):
            cache.clear()
            page(query)

        cold_ms = median_ms(cold, args.runs)

        def counts(query=query):
            cache.clear()
            response = client.get(f"/directory/firms/counts/?{query}")
            assert response.status_code == 200, response.status_code

        counts_ms = median_ms(counts, args.runs)
        warm_ms = median_ms(lambda query=query: page(query), args.runs)
        found = re.search(r"after=(\d+)", page(query).content.decode())
        after = f"{query}&after={found.group(1)}" if found else query
        next_ms = median_ms(lambda after=after: page(after), args.runs)
        sql_ms = median_ms(lambda where=where: baseline(where), args.runs)
        if query:
            worst = max(worst, cold_ms, warm_ms, next_ms)
            worst_counts = max(worst_counts, counts_ms)
        ratio = cold_ms / sql_ms if sql_ms else float("inf")
        print(
            f"{label:<24}{cold_ms:8.1f}{warm_ms:9.1f}{next_ms:8.1f}{counts_ms:8.1f}{sql_ms:7.1f}"
            f"{ratio:6.0f}x",
            flush=True,
        )
    verdict = "within" if worst < 200 else "OVER"
    print(f"\nslowest filtered page: {worst:.1f} ms: {verdict} the 200 ms target")
    print(f"slowest counts request (cold, asked separately): {worst_counts:.1f} ms")


if __name__ == "__main__":
    main()

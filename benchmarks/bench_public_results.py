"""Benchmark the public results over a million publications, served by gunicorn.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shuangsui_bench \\
        python benchmarks/bench_public_results.py --n 1000000 --seconds 20

Migrates the database named by DATABASE_URL, tops the directory up to N firms
(`generate_firms`, seed 1) and the published results up to N (one inspection and one
publication per firm, all inspected last year, loaded with COPY), then:

1. prints EXPLAIN ANALYZE of the queries behind the search API and the firm page;
2. starts gunicorn (2 sync workers, DEBUG off, persistent connections) on a free loopback
   port, and from a second process a load generator (threads with keep-alive connections,
   bounded in time) that asks each endpoint in turn: /healthz (the baseline), the search API
   by code and by name, the results list filtered by department, and the firm page. For each it
   prints p50, p95, requests per second, and the ratio of p95 to the baseline's;
3. downloads last year's .csv (a million rows) and prints its time to first byte, its total
   time and the peak growth of the serving worker's resident memory, sampled while it streams.

Targets: p95 under 100 ms and at least 200 requests per second for the search API and the firm
page; the download's memory growth a small fraction of the file's size.
"""

import argparse
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")

BATCH = 50_000
DEPARTMENTS = [
    ("BENCH-SC", "性能测试市场监管局"),
    ("BENCH-KJ", "性能测试科学技术局"),
    ("BENCH-GA", "性能测试公安局"),
    ("BENCH-RS", "性能测试人力资源和社会保障局"),
]
# Result codes and how often they occur (per mille), with their official wording.
RESULTS = [
    (700, " no-problem ", "未发现问题"),
    (120, " rectified ", "发现问题已责令改正"),
    (80, " follow-up-disclosure follow-up ", "发现问题待后续处理（未按规定公示应当公示的信息）"),
    (50, " no-activity ", "未发现开展本次抽查涉及的经营活动"),
    (30, " unreachable ", "通过登记的住所（经营场所）无法联系"),
    (20, " closed ", "已关闭停业或正在组织清算"),
]
FIRMS_PER_TASK = 1000


# --- loading ------------------------------------------------------------------------------------


def setup_django():
    import django

    django.setup()


def ensure_firms(n: int) -> None:
    from django.core.management import call_command

    from inspections.directory.models import Firm

    have = Firm.objects.count()
    if have >= n:
        print(f"directory: {have:,} firms already")
        return
    print(f"directory: {have:,} firms, generating {n - have:,} ...", flush=True)
    started = time.perf_counter()
    call_command("generate_firms", n - have, seed=1 + have)
    print(f"  in {time.perf_counter() - started:.1f} s", flush=True)


def _copy(cursor, table: str, columns: list[str], rows) -> None:
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def ensure_results(n: int, year: int) -> None:
    """One reviewed inspection and one publication per firm, tasks of 1,000 firms each."""
    from django.db import connection

    from backend.accounts.models import User
    from backend.accounts.roles import Role
    from backend.organisation.models import Department
    from disclosure.models import PublishedResult
    from inspections.directory.models import Firm
    from inspections.planning.models import AnnualPlan, SamplingTask

    have = PublishedResult.objects.count()
    if have >= n:
        print(f"published results: {have:,} already")
        return
    print(f"published results: {have:,}, loading {n - have:,} with COPY ...", flush=True)
    started = time.perf_counter()
    departments = []
    for code, name in DEPARTMENTS:
        department, _ = Department.objects.get_or_create(
            code=code, defaults={"name": name, "region_code": "220000"}
        )
        departments.append(department)
    publisher, _ = User.objects.get_or_create(
        username="bench_publisher",
        defaults={"role": Role.PLANNER, "department": departments[0], "display_name": "测试"},
    )
    published_at = datetime(year + 1, 1, 5, 2, tzinfo=UTC)
    firms = (
        Firm.objects.exclude(inspections__isnull=False)
        .order_by("id")
        .values_list("id", "uscc", "name", "region_code")[: n - have]
        .iterator(chunk_size=BATCH)
    )
    rng = random.Random(year)
    weights = [w for w, _c, _t in RESULTS]
    item = {"code": "BENCH-ITEM-001", "name": "企业公示信息抽查"}
    items_json = json.dumps([item], ensure_ascii=False)
    with connection.cursor() as cursor:
        # The trigram index is rebuilt once at the end: far faster than a million GIN inserts.
        cursor.execute("DROP INDEX IF EXISTS published_result_firm_name_trgm")
        batch: list = []
        done = 0

        def flush():
            nonlocal done
            if not batch:
                return
            first = have + done
            plans = []
            for number in range(
                first // FIRMS_PER_TASK, (first + len(batch) - 1) // FIRMS_PER_TASK + 1
            ):
                plans.append(number)
            tasks = {}
            for number in plans:
                department = departments[number % len(departments)]
                plan, _ = AnnualPlan.objects.get_or_create(
                    department=department,
                    year=year,
                    version=1,
                    defaults={
                        "title": f"{department.name}{year}年度抽查计划",
                        "status": "published",
                        "published_at": datetime(year, 1, 20, tzinfo=UTC),
                    },
                )
                task, _ = SamplingTask.objects.get_or_create(
                    code=f"B-{year}-{number:05d}",
                    defaults={
                        "name": f"性能测试抽查任务{number}",
                        "plan": plan,
                        "department": department,
                        "window_start": date(year, 3, 1),
                        "window_end": date(year, 11, 30),
                        "status": "published",
                    },
                )
                tasks[number] = task
            inspections = []
            for offset, (firm_id, uscc, name, _region) in enumerate(batch):
                number = first + offset
                task = tasks[number // FIRMS_PER_TASK]
                inspections.append(
                    (
                        f"{task.code}-{number % FIRMS_PER_TASK + 1:04d}",
                        task.pk,
                        firm_id,
                        uscc,
                        name,
                        "reviewed",
                        task.window_start,
                        task.window_end,
                        "[]",
                        "[]",
                        published_at,
                        published_at,
                        published_at,
                    )
                )
            _copy(
                cursor,
                "fieldwork_inspection",
                [
                    "code", "task_id", "firm_id", "firm_uscc", "firm_name", "state",
                    "window_start", "window_end", "team_draws", "result_codes", "reviewed_at",
                    "created_at", "updated_at",
                ],
                inspections,
            )  # fmt: skip
            codes = [row[0] for row in inspections]
            cursor.execute(
                "SELECT code, id FROM fieldwork_inspection WHERE code = ANY(%s)", [codes]
            )
            ids = dict(cursor.fetchall())
            rows = []
            for offset, (_firm_id, uscc, name, region) in enumerate(batch):
                number = first + offset
                task = tasks[number // FIRMS_PER_TASK]
                department = departments[(number // FIRMS_PER_TASK) % len(departments)]
                _w, result_codes, result_text = rng.choices(RESULTS, weights)[0]
                follow = result_codes.startswith(" follow-up") or result_codes == " rectified "
                kind = "rectify" if result_codes == " rectified " else "refer"
                inspected = date(year, 3, 1) + timedelta(days=number % 270)
                rows.append(
                    (
                        f"{codes[offset]}-G1",
                        ids[codes[offset]],
                        "original",
                        "",
                        department.pk,
                        department.name,
                        "",
                        task.code,
                        task.name,
                        uscc,
                        name,
                        region,
                        items_json,
                        inspected,
                        year,
                        result_codes,
                        result_text,
                        json.dumps(
                            [{"kind": kind, "label": "移送案件线索", "completed_on": None}]
                            if follow
                            else [],
                            ensure_ascii=False,
                        ),
                        f" {kind} " if follow else "",
                        "open" if follow else "none",
                        inspected + timedelta(days=28),
                        published_at,
                        publisher.pk,
                    )
                )
            _copy(
                cursor,
                "disclosure_publishedresult",
                [
                    "code", "inspection_id", "kind", "reason", "department_id", "agency",
                    "joint_agencies", "task_code", "task_name", "firm_uscc", "firm_name",
                    "region_code", "items", "inspected_on", "year", "result_codes",
                    "result_text", "follow_ups", "follow_up_kinds", "follow_up_status",
                    "due_on", "published_at", "published_by_id",
                ],
                rows,
            )  # fmt: skip
            cursor.execute(
                "INSERT INTO disclosure_publishedresultitem (result_id, item_code) "
                "SELECT id, %s FROM disclosure_publishedresult WHERE code = ANY(%s)",
                [item["code"], [row[0] for row in rows]],
            )
            done += len(batch)
            batch.clear()
            rate = done / (time.perf_counter() - started)
            print(f"  {have + done:,} ({rate:,.0f}/s)", flush=True)

        for firm in firms:
            batch.append(firm)
            if len(batch) >= BATCH:
                flush()
        flush()
        print("  rebuilding the trigram index on firm names ...", flush=True)
        cursor.execute(
            "CREATE INDEX IF NOT EXISTS published_result_firm_name_trgm "
            "ON disclosure_publishedresult USING gin (firm_name gin_trgm_ops)"
        )
        cursor.execute("ANALYZE disclosure_publishedresult")
        cursor.execute("ANALYZE disclosure_publishedresultitem")
        cursor.execute("ANALYZE fieldwork_inspection")
    print(f"  loaded in {time.perf_counter() - started:.1f} s", flush=True)


def sample_queries() -> dict:
    """Codes and names the load asks for: firms with results, and name fragments."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT firm_uscc, firm_name FROM disclosure_publishedresult "
            "TABLESAMPLE SYSTEM (1) LIMIT 2000"
        )
        firms = cursor.fetchall()
    fragments = sorted({name[2:6] for _uscc, name in firms if len(name) > 6})[:300]
    return {"usccs": [u for u, _n in firms], "fragments": fragments}


def explain(samples: dict) -> None:
    """The query plans of the search API and the firm page (they should use the indexes)."""
    from django.db import connection

    from disclosure import redaction
    from disclosure.filters import PublicResultFilter

    uscc = samples["usccs"][0]
    fragment = samples["fragments"][0]
    queries = {
        f"search by code ({uscc})": PublicResultFilter(
            {"q": uscc}, queryset=redaction.public_results()
        ).qs[:51],
        f"search by name ({fragment})": PublicResultFilter(
            {"q": fragment}, queryset=redaction.public_results()
        ).qs[:51],
        "department and year": PublicResultFilter(
            {"department": DEPARTMENTS[1][0], "year": "2025"}, queryset=redaction.public_results()
        ).qs[:51],
        "firm page history": redaction.public_results().filter(firm_uscc=uscc),
    }
    for label, queryset in queries.items():
        sql, params = queryset.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) {sql}", params)
            plan = [row[0] for row in cursor.fetchall()]
        print(f"\nEXPLAIN {label}:")
        for line in plan[:12]:
            print(f"  {line}")


# --- serving ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(port: int, static_root: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "benchmark-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "STATIC_ROOT": str(static_root),
        "CONN_MAX_AGE": "600",
        # The load generator is one client, which the rate limit would refuse at once. Per
        # second, not per minute: DRF keeps every request of the window in the client's history.
        "PUBLIC_API_RATE": "100000/s",
    }
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v0"],
        env=env,
        check=True,
    )
    server = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "backend.wsgi:application",
            "--workers", "2", "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
            "--timeout", "600",
        ],
        cwd=ROOT,
        env=env,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while True:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start") from None
            time.sleep(0.3)


def workers_of(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


# --- the load generator (a second process) -----------------------------------------------------


def load(port: int, paths: list[str], seconds: float, threads: int) -> dict:
    """Ask `paths` round-robin from `threads` keep-alive connections for `seconds`."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def run(offset: int):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, index = [], offset
        while not mine or time.monotonic() < stop:
            path = paths[index % len(paths)]
            index += threads
            started = time.perf_counter()
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                ok = False
            mine.append(time.perf_counter() - started)
            if not ok:
                with lock:
                    errors[0] += 1
        with lock:
            latencies.extend(mine)

    started = time.perf_counter()
    pool = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": len(latencies),
        "errors": errors[0],
        "p50": statistics.median(latencies) * 1000,
        "p95": latencies[int(len(latencies) * 0.95) - 1] * 1000,
        "rps": len(latencies) / elapsed,
    }


def run_load(port: int, paths: list[str], seconds: float, threads: int) -> dict:
    """The load generator in its own process, so that it never shares a GIL with anything."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as spec:
        json.dump(paths, spec)
    result = subprocess.run(
        [
            sys.executable, __file__, "--load", spec.name, "--port", str(port),
            "--seconds", str(seconds), "--threads", str(threads),
        ],
        capture_output=True,
        text=True,
        check=True,
    )  # fmt: skip
    os.unlink(spec.name)
    return json.loads(result.stdout)


def download(port: int, path: str, master: int) -> dict:
    """Stream `path`, sampling the workers' resident memory; time to first byte and total."""
    before = {pid: rss_kib(pid) for pid in workers_of(master)}
    peak = dict(before)
    done = threading.Event()

    def sample():
        while not done.is_set():
            for pid in peak:
                peak[pid] = max(peak[pid], rss_kib(pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    started = time.perf_counter()
    connection.request("GET", path)
    response = connection.getresponse()
    first = response.read(1)
    first_byte = time.perf_counter() - started
    size, lines = len(first), first.count(b"\n")
    while chunk := response.read(1 << 16):
        size += len(chunk)
        lines += chunk.count(b"\n")
    total = time.perf_counter() - started
    done.set()
    sampler.join()
    growth = max(peak[pid] - before[pid] for pid in peak)
    return {
        "status": response.status,
        "bytes": size,
        "rows": lines - 1,
        "first_byte": first_byte,
        "total": total,
        "rss_growth_mib": growth / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="published results (and firms)")
    parser.add_argument("--seconds", type=float, default=20, help="load per endpoint")
    parser.add_argument("--threads", type=int, default=4, help="concurrent client connections")
    parser.add_argument("--load", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load:
        paths = json.loads(Path(args.load).read_text())
        print(json.dumps(load(args.port, paths, args.seconds, args.threads)))
        return

    setup_django()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("set DATABASE_URL to a PostgreSQL database")
    # Other work on the machine shows in every figure: say how busy it was.
    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    year = date.today().year - 1
    print(f"database: {connection.settings_dict['NAME']}; results inspected in {year}")
    call_command("migrate", verbosity=0)
    ensure_firms(args.n)
    ensure_results(args.n, year)
    samples = sample_queries()
    explain(samples)
    connection.close()

    rng = random.Random(7)
    usccs = samples["usccs"]
    scenarios = [
        ("baseline /healthz", ["/healthz"]),
        ("search API by code", [f"/api/v1/public/results/?q={u}" for u in usccs]),
        (
            "search API by name",
            [f"/api/v1/public/results/?{urlencode({'q': f})}" for f in samples["fragments"]],
        ),
        (
            "results by department+year",
            [f"/api/v1/public/results/?department={code}&year={year}" for code, _n in DEPARTMENTS],
        ),
        ("firm page", [f"/public/firms/{u}/" for u in rng.sample(usccs, len(usccs))]),
    ]
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="bench-static-") as static_root:
        server = serve(port, Path(static_root))
        try:
            print(
                f"\ngunicorn 2 workers on 127.0.0.1:{port}; load: {args.threads} keep-alive "
                f"connections from a second process, {args.seconds:.0f} s per endpoint"
            )
            print(f"{'endpoint':<28}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}{'rps':>8}"
                  f"{'p95/base':>10}{'errors':>8}")  # fmt: skip
            baseline = None
            verdicts = []
            for label, paths in scenarios:
                # Warm each worker's connection and caches, then measure.
                run_load(port, paths, 1, args.threads)
                figures = run_load(port, paths, args.seconds, args.threads)
                baseline = baseline or figures
                ratio = figures["p95"] / baseline["p95"]
                print(
                    f"{label:<28}{figures['requests']:>9}{figures['p50']:>9.1f}"
                    f"{figures['p95']:>9.1f}{figures['rps']:>8.0f}{ratio:>9.1f}x"
                    f"{figures['errors']:>8}",
                    flush=True,
                )
                if label.startswith(("search API", "firm page")):
                    verdicts.append(figures["p95"] < 100 and figures["rps"] >= 200)
            print(
                "\nsearch API and firm page: "
                + ("within" if all(verdicts) else "OUTSIDE")
                + " the target (p95 < 100 ms, >= 200 requests per second)"
            )
            print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
            result = download(port, f"/api/v1/public/downloads/results-{year}.csv", server.pid)
            print(
                f"\n{year} .csv: HTTP {result['status']}, {result['rows']:,} rows, "
                f"{result['bytes'] / 2**20:.0f} MiB; first byte after "
                f"{result['first_byte'] * 1000:.0f} ms, whole file in {result['total']:.1f} s "
                f"({result['rows'] / result['total']:,.0f} rows/s); the serving worker's resident "
                f"memory grew by at most {result['rss_growth_mib']:.1f} MiB "
                f"({result['rss_growth_mib'] * 2**20 / result['bytes']:.1%} of the file)"
            )
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)


if __name__ == "__main__":
    main()

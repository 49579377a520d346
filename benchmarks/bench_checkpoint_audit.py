"""Benchmark a first checkpoint over a large audit trail (every link checked before the head is
signed) against one plain scan of the same events, and the full content walk of verify_audit.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shuangsui_bench_cp \\
        python benchmarks/bench_checkpoint_audit.py --n 10000000 --runs 3

Migrates the database named by DATABASE_URL and tops its audit trail up to N events: varied,
realistic events (logins, exports with their filters, officer and task writes) whose hashes
are computed as the application computes them and loaded with COPY (written once; later runs
reuse them). Then, `--runs` times: removes the checkpoints (as a DBA would, triggers off), and
makes a first checkpoint (`make_checkpoint`: every event's link to its predecessor checked in
one pass of the database, the head signed with SM2, the other chains empty), timed; and, as
the baseline, one scan of the same events' content by the database, nothing computed, timed.
Prints each run, the medians and their ratio, a daily checkpoint's time (10,000 events since
the last one), and once the time of `verify_audit`'s walk, which recomputes every event's hash
in Python (one process per core).
Needs PostgreSQL.
"""

import argparse
import hashlib
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
os.environ.setdefault("CHECKPOINT_EXPORT_DIR", tempfile.mkdtemp(prefix="bench-checkpoints-"))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from backend.audit import chain_walk  # noqa: E402
from backend.audit.models import GENESIS_HASH, AuditEvent  # noqa: E402
from backend.checkpoints.services import make_checkpoint  # noqa: E402

COLUMNS = (
    "created_at", "actor_id", "actor_username", "role", "department_code", "ip", "action",
    "object_type", "object_id", "outcome", "request_id", "detail", "prev_hash", "hash",
)  # fmt: skip
USERS = [(i, f"user{i:03d}", "planner", f"D{i % 12:02d}") for i in range(1, 200)]


def _detail(action: str, n: int, rng: random.Random) -> tuple[str, dict]:
    """Details shaped like the demo's (every one different, as in a real trail)."""
    if action == "firms.create":
        return "inspections.firm", {
            "uscc": f"91220102MA{n:08d}",
            "name": f"长春{n % 9973}号科技有限公司",
            "tags": ["外籍员工"] if n % 3 == 0 else [],
        }
    if action == "fieldwork.findings":
        return "fieldwork.inspectionrecord", {
            "inspection": f"T-2021-{n % 900:03d}-{n % 7 + 1:03d}",
            "sequence": n % 20 + 1,
        }
    if action == "personnel.training.record":
        return "personnel.trainingrecord", {
            "officer": n % 5000,
            "name": "王" + "明华志强"[n % 4],
            "department": "GA",
            "training_date": f"2026-{n % 12 + 1:02d}-15",
            "hours": str(n % 40),
            "topic": "行政执法“三项制度”培训",
        }
    if action == "audit.export":
        return "audit.auditevent", {
            "format": "xlsx",
            "rows": rng.randrange(5000),
            "filters": {"action": "personnel", "since": f"2026-{n % 12 + 1:02d}-01"},
        }
    if action == "permission.denied":
        return "url", {"method": "GET"}
    return "", {}


ACTIONS = [
    "auth.login",
    "firms.create",
    "fieldwork.findings",
    "personnel.training.record",
    "audit.export",
    "permission.denied",
]


def events(count: int, prev_hash: str, start: datetime, rng: random.Random):
    """Rows in COPY order, each hashed exactly as `record_event` hashes it."""
    sha256 = hashlib.sha256
    for n in range(count):
        action = ACTIONS[rng.randrange(len(ACTIONS))]
        object_type, detail = _detail(action, n, rng)
        actor_id, username, role, department = USERS[rng.randrange(len(USERS))]
        created = start + timedelta(milliseconds=n * 37)
        row = (
            None,
            created,
            actor_id,
            username,
            role,
            department,
            f"10.{n % 250}.{n % 7}.{n % 200 + 1}",
            action,
            object_type,
            str(n),
            "success",
            f"{n:032x}",
            detail,
            prev_hash,
            None,
        )
        digest = sha256(prev_hash.encode() + chain_walk.canonical_row(row))
        prev_hash = digest.hexdigest()
        yield (created, *row[2:12], json.dumps(detail, ensure_ascii=False), row[13], prev_hash)


def top_up(n: int) -> None:
    have = AuditEvent.objects.count()
    if have >= n:
        return
    last = AuditEvent.objects.order_by("-id").values_list("hash", "created_at").first()
    prev_hash, start = last if last else (GENESIS_HASH, datetime(2021, 1, 1, tzinfo=UTC))
    start = start.astimezone(UTC) + timedelta(seconds=1)
    began = time.perf_counter()
    with connection.cursor() as cursor:
        with cursor.copy(f"COPY audit_auditevent ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for row in events(n - have, prev_hash, start, random.Random(have)):
                copy.write_row(row)
    print(f"loaded {n - have:,} events in {time.perf_counter() - began:.0f} s", file=sys.stderr)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE audit_auditevent")


def forget_checkpoints() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("DELETE FROM checkpoints_checkpoint")
        cursor.execute("SET session_replication_role = DEFAULT")
    for path in Path(settings.CHECKPOINT_EXPORT_DIR).glob("checkpoint-*.json"):
        path.unlink()


def scan() -> int:
    """The baseline: one pass of the database over every event's content, nothing checked."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), sum(octet_length(prev_hash) + octet_length(hash) "
            "+ octet_length(detail::text) + octet_length(action) + octet_length(object_id) "
            "+ octet_length(actor_username) + octet_length(request_id)) FROM audit_auditevent"
        )
        return cursor.fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("needs PostgreSQL: set DATABASE_URL=postgres://...")
    call_command("migrate", verbosity=0)
    top_up(args.n)
    checkpoints, reads = [], []
    for run in range(1, args.runs + 1):
        forget_checkpoints()
        size = AuditEvent.objects.count()
        began = time.perf_counter()
        checkpoint = make_checkpoint()
        checkpoints.append(time.perf_counter() - began)
        assert checkpoint.body["chains"]["audit"]["size"] == size
        began = time.perf_counter()
        assert scan() >= size
        reads.append(time.perf_counter() - began)
        print(f"run {run}: first checkpoint {checkpoints[-1]:.1f} s, scan alone {reads[-1]:.1f} s")
    # A day's checkpoint: 10,000 events since the last one.
    top_up(AuditEvent.objects.count() + 10_000)
    began = time.perf_counter()
    make_checkpoint()
    daily = time.perf_counter() - began
    began = time.perf_counter()
    walked = chain_walk.walk()[0]
    full_walk = time.perf_counter() - began
    checkpoint, read = statistics.median(checkpoints), statistics.median(reads)
    print(f"audit events: {size:,}")
    print(f"first checkpoint (median of {args.runs}): {checkpoint:.1f} s")
    print(f"baseline, one scan of the same events, nothing checked (median): {read:.1f} s")
    print(f"ratio: {checkpoint / read:.2f}x")
    print(f"a daily checkpoint (10,000 new events): {daily:.2f} s")
    print(f"verify_audit's walk, every hash recomputed ({walked:,} events): {full_walk:.1f} s")


if __name__ == "__main__":
    main()

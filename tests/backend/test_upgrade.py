"""An installation made by an older commit upgrades to this code with nothing lost.

The fixtures (tests/fixtures/upgrade/, made by make_fixtures.sh there) are a database created at
commit f2996fa and filled by its `seed_demo`: accounts, officers, the directory, a plan and its
tasks, a performed firms draw and teams draw, and the inspections recorded through every stage,
one referred after legal review. Each test restores one, runs this code's `migrate` on it in a
fresh process, and then checks that

- every table of the old database is still there, with at least as many rows;
- the rows that were there are unchanged (the checksum over the old columns and rows), except in
  the tables a migration rewrites on purpose, listed in REWRITTEN with the reason; the records
  the law says are final are never among them;
- the audit chain, every inspection's record chain and every draw still verify.

Every later migration runs through these tests too.
"""

import json
import lzma
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
FIXTURES = BASE_DIR / "tests" / "fixtures" / "upgrade"
COMMIT = "f2996fa"
MANIFEST = FIXTURES / "manifest.py"

# Tables whose existing rows a migration since the fixture's commit rewrites on purpose.
REWRITTEN = {
    "django_content_type": "organisation 0002 gives Department's content type its new app label",
}
# Final records (append-only on PostgreSQL): no migration may rewrite them.
FINAL = {
    "audit_auditevent",
    "inspections_draw",
    "inspections_tasktransition",
    "personnel_certificateevent",
    "fieldwork_inspectionrecord",
    "fieldwork_evidencefile",
    "disclosure_publishedresult",
    "disclosure_publishedresultitem",
}

pytestmark = pytest.mark.slow


def _run(env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, f"{' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def _environment(database_url: str, tmp_path: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        DATABASE_URL=database_url,
        DEBUG="1",
        MEDIA_ROOT=str(tmp_path / "media"),
        DJANGO_SETTINGS_MODULE="backend.settings",
    )
    return env


def _upgrade_and_check(env: dict, vendor: str, suffix: str, performed_draws) -> None:
    manifest = FIXTURES / f"{COMMIT}.{suffix}.manifest.json"
    old = json.loads(manifest.read_text("utf-8"))
    assert old["vendor"] == vendor

    _run(env, "manage.py", "migrate", "--noinput")

    now = json.loads(_run(env, str(MANIFEST), "--against", str(manifest)))
    lost = {
        table: (entry["rows"], now["tables"].get(table, {}).get("rows"))
        for table, entry in old["tables"].items()
        if table not in now["tables"] or now["tables"][table]["rows"] < entry["rows"]
    }
    assert lost == {}, f"tables lost rows (before, after): {lost}"
    changed = sorted(
        table
        for table, entry in old["tables"].items()
        if "sha256" in entry and now["tables"][table]["sha256"] != entry["sha256"]
    )
    assert not FINAL & REWRITTEN.keys()
    assert [t for t in changed if t not in REWRITTEN] == []
    # The demo's story is all there: the checks below are not run on an empty database.
    for table in ("audit_auditevent", "inspections_draw", "fieldwork_inspectionrecord"):
        assert old["tables"][table]["rows"] > 0

    assert "审计链完好" in _run(env, "manage.py", "verify_audit")
    assert "摘要链完整" in _run(env, "manage.py", "verify_records")
    draws = performed_draws()
    assert {purpose for _, purpose in draws} == {"firms", "teams"}
    for public_id, _ in draws:
        assert "验证通过" in _run(env, "manage.py", "verify_draw", public_id)


def test_a_sqlite_database_of_the_older_commit_migrates_with_nothing_lost(tmp_path):
    path = tmp_path / "shuangsui.sqlite3"
    with lzma.open(FIXTURES / f"{COMMIT}.sqlite3.xz") as packed, path.open("wb") as out:
        shutil.copyfileobj(packed, out)
    env = _environment(f"sqlite:///{path}", tmp_path)

    def performed_draws():
        with sqlite3.connect(path) as db:
            return db.execute(
                "SELECT public_id, purpose FROM inspections_draw WHERE status = 'performed'"
            ).fetchall()

    _upgrade_and_check(env, "sqlite", "sqlite3", performed_draws)


@pytest.fixture
def old_postgresql_database():
    """A database of its own beside the test database, restored from the fixture's dump."""
    import psycopg

    db = settings.DATABASES["default"]
    name = f"{db['NAME']}_upgrade"[:63]
    server = {
        "host": db.get("HOST") or "127.0.0.1",
        "port": db.get("PORT") or 5432,
        "user": db.get("USER") or "postgres",
        "password": db.get("PASSWORD") or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        env = {**os.environ, "PGPASSWORD": server["password"] or ""}
        sql = lzma.decompress((FIXTURES / f"{COMMIT}.postgresql.sql.xz").read_bytes())
        restored = subprocess.run(
            ["psql", "-q", "-v", "ON_ERROR_STOP=1", "-h", server["host"], "-p", str(server["port"]),
             "-U", server["user"], "-d", name, "-f", "-"],
            input=sql,
            env=env,
            capture_output=True,
            timeout=600,
        )  # fmt: skip
        assert restored.returncode == 0, restored.stderr.decode()
        password = f":{server['password']}" if server["password"] else ""
        url = f"postgres://{server['user']}{password}@{server['host']}:{server['port']}/{name}"
        yield url, lambda **kw: psycopg.connect(dbname=name, **server, **kw)
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.postgres
def test_a_postgresql_database_of_the_older_commit_migrates_with_nothing_lost(
    tmp_path, old_postgresql_database
):
    url, connect = old_postgresql_database
    env = _environment(url, tmp_path)

    def performed_draws():
        with connect() as db:
            return db.execute(
                "SELECT public_id, purpose FROM inspections_draw WHERE status = 'performed'"
            ).fetchall()

    def guards():
        with connect() as db:
            return db.execute(
                "SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal"
                " ORDER BY 1, 2"
            ).fetchall()

    before = guards()
    assert ("inspections_draw", "inspections_draw_guard") in before
    _upgrade_and_check(env, "postgresql", "postgresql", performed_draws)
    # The triggers that keep final records final are all still there.
    assert set(before) <= set(guards())

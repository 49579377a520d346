"""An installation made by an older commit upgrades to this code with nothing lost.

The fixtures (tests/fixtures/upgrade/, made by make_fixtures.sh there) are a database created at
commit f2996fa and filled by its `seed_demo`: accounts, officers, the directory, a plan and its
tasks, a performed firms draw and teams draw, and the inspections recorded through every stage,
one referred after legal review. Each test restores one, runs this code's `migrate` on it in a
fresh process, and then checks that

- every table of the old database is still there, with at least as many rows, except the tables
  a migration drops on purpose, listed in DROPPED with the reason;
- the rows that were there are unchanged (the checksum over the old columns and rows), except in
  the tables a migration rewrites on purpose, listed in REWRITTEN with the reason; the records
  the law says are final are never among them;
- the audit chain, every inspection's record chain and every draw still verify;
- the upgraded database has exactly the schema of a database migrated from nothing (tables,
  columns, indexes, constraints and, on PostgreSQL, triggers and functions).

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
    "django_migrations": "api 0001 forgets the migrations of the authtoken table it drops",
    # Checked apart: every officer's numbers decrypt to what they were (_officer_numbers).
    "personnel_officer": "personnel 0007-0010 encrypt the ID numbers and phones (SM4)",
}
# The officers' personal numbers as this code reads them (decrypted), by id.
OFFICER_NUMBERS = (
    "import json; from personnel.models import Officer; "
    "print(json.dumps(sorted(Officer.objects.values_list('id', 'citizen_id', 'phone'))))"
)
# Tables a migration since the fixture's commit drops on purpose. Never one holding final records.
DROPPED = {
    "authtoken_token": "api 0001 revokes the clear-text DRF tokens (issue 20)",
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
    # No timeout: subprocess waits for one in time.sleep, which libfaketime (the CI pass at
    # 23:30 UTC) makes fail.
    result = subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, f"{' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def _environment(database_url: str, tmp_path: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        DATABASE_URL=database_url,
        DEBUG="1",
        MEDIA_ROOT=str(tmp_path / "media"),
        KEYS_DIR=str(tmp_path / "keys"),
        DJANGO_SETTINGS_MODULE="backend.settings",
    )
    return env


def _upgrade_and_check(env: dict, vendor: str, suffix: str, performed_draws, officers) -> None:
    manifest = FIXTURES / f"{COMMIT}.{suffix}.manifest.json"
    old = json.loads(manifest.read_text("utf-8"))
    assert old["vendor"] == vendor

    numbers_before = sorted(list(row) for row in officers())
    assert numbers_before and all(citizen_id for _, citizen_id, _ in numbers_before)
    _run(env, "manage.py", "migrate", "--noinput")
    # The last line: `shell` first says how many objects it imported.
    numbers_after = json.loads(
        _run(env, "manage.py", "shell", "-c", OFFICER_NUMBERS).strip().splitlines()[-1]
    )
    assert numbers_after == numbers_before

    now = json.loads(_run(env, str(MANIFEST), "--against", str(manifest)))
    lost = {
        table: (entry["rows"], now["tables"].get(table, {}).get("rows"))
        for table, entry in old["tables"].items()
        if table not in DROPPED
        and (table not in now["tables"] or now["tables"][table]["rows"] < entry["rows"])
    }
    assert not FINAL & DROPPED.keys()
    assert lost == {}, f"tables lost rows (before, after): {lost}"
    changed = sorted(
        table
        for table, entry in old["tables"].items()
        if table not in DROPPED
        and "sha256" in entry
        and now["tables"][table]["sha256"] != entry["sha256"]
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


def _sqlite_schema(path: Path) -> list[tuple]:
    with sqlite3.connect(path) as db:
        return db.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master"
            " WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name"
        ).fetchall()


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

    def officers():
        with sqlite3.connect(path) as db:
            return db.execute("SELECT id, citizen_id, phone FROM personnel_officer").fetchall()

    _upgrade_and_check(env, "sqlite", "sqlite3", performed_draws, officers)

    fresh = tmp_path / "fresh.sqlite3"
    _run(_environment(f"sqlite:///{fresh}", tmp_path), "manage.py", "migrate", "--noinput")
    assert _sqlite_schema(path) == _sqlite_schema(fresh)


class PostgreSQLServer:
    """Databases of their own beside the test database, on the same server."""

    def __init__(self):
        db = settings.DATABASES["default"]
        self.prefix = db["NAME"][:50]
        self.host = db.get("HOST") or "127.0.0.1"
        self.port = str(db.get("PORT") or 5432)
        self.user = db.get("USER") or "postgres"
        self.password = db.get("PASSWORD") or ""
        self.created: list[str] = []

    def _admin(self):
        import psycopg

        return psycopg.connect(
            dbname="postgres",
            autocommit=True,
            host=self.host,
            port=self.port,
            user=self.user,
            password=self.password or None,
        )

    def create(self, suffix: str) -> str:
        name = f"{self.prefix}_{suffix}"
        with self._admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
        self.created.append(name)
        return name

    def drop_all(self) -> None:
        with self._admin() as admin:
            for name in self.created:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def url(self, name: str) -> str:
        password = f":{self.password}" if self.password else ""
        return f"postgres://{self.user}{password}@{self.host}:{self.port}/{name}"

    def connect(self, name: str):
        import psycopg

        return psycopg.connect(
            dbname=name,
            host=self.host,
            port=self.port,
            user=self.user,
            password=self.password or None,
        )

    def client(self, program: str, name: str, *args: str, stdin: bytes | None = None) -> bytes:
        done = subprocess.run(
            [program, "-h", self.host, "-p", self.port, "-U", self.user, *args, name],
            input=stdin,
            env={**os.environ, "PGPASSWORD": self.password},
            capture_output=True,
        )
        assert done.returncode == 0, done.stderr.decode()
        return done.stdout

    def schema(self, name: str) -> dict[str, list[tuple]]:
        """Tables and columns, constraints, indexes, triggers and functions, from the catalog.

        Not pg_dump's text: a database restored from a dump deparses a CHECK constraint
        differently from the one that created it, though the constraint is the same."""
        queries = {
            "columns": """
                SELECT table_name,
                       -- the position among the columns that exist: a dropped column keeps
                       -- its number until a dump and restore
                       ROW_NUMBER() OVER (PARTITION BY table_name ORDER BY ordinal_position),
                       column_name, data_type, is_nullable, column_default,
                       character_maximum_length, numeric_precision, numeric_scale, is_identity
                FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2""",
            "constraints": """
                SELECT conrelid::regclass::text, conname, contype,
                       -- a CHECK by its name: its text depends on how it was parsed
                       CASE WHEN contype = 'c' THEN '' ELSE pg_get_constraintdef(oid) END
                FROM pg_constraint
                WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2""",
            "indexes": """
                -- a partial index's condition, like a CHECK, by its presence alone
                SELECT tablename, indexname, split_part(indexdef, ' WHERE ', 1),
                       indexdef LIKE '% WHERE %'
                FROM pg_indexes
                WHERE schemaname = 'public' ORDER BY 1, 2""",
            "triggers": """
                SELECT tgrelid::regclass::text, tgname, tgtype, tgfoid::regproc::text
                FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1, 2""",
            "functions": """
                SELECT proname, prosrc FROM pg_proc
                WHERE pronamespace = 'public'::regnamespace ORDER BY 1""",
            "extensions": "SELECT extname FROM pg_extension ORDER BY 1",
        }
        with self.connect(name) as db:
            return {key: db.execute(sql).fetchall() for key, sql in queries.items()}


@pytest.fixture
def postgresql_server():
    server = PostgreSQLServer()
    try:
        yield server
    finally:
        server.drop_all()


@pytest.mark.postgres
def test_a_postgresql_database_of_the_older_commit_migrates_with_nothing_lost(
    tmp_path, postgresql_server
):
    name = postgresql_server.create("upgrade")
    sql = lzma.decompress((FIXTURES / f"{COMMIT}.postgresql.sql.xz").read_bytes())
    postgresql_server.client("psql", name, "-q", "-v", "ON_ERROR_STOP=1", "-f", "-", stdin=sql)
    env = _environment(postgresql_server.url(name), tmp_path)

    def performed_draws():
        with postgresql_server.connect(name) as db:
            return db.execute(
                "SELECT public_id, purpose FROM inspections_draw WHERE status = 'performed'"
            ).fetchall()

    def guards():
        with postgresql_server.connect(name) as db:
            return db.execute(
                "SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal"
                " ORDER BY 1, 2"
            ).fetchall()

    def officers():
        with postgresql_server.connect(name) as db:
            return db.execute("SELECT id, citizen_id, phone FROM personnel_officer").fetchall()

    before = guards()
    assert ("inspections_draw", "inspections_draw_guard") in before
    _upgrade_and_check(env, "postgresql", "postgresql", performed_draws, officers)
    # The triggers that keep final records final are all still there.
    assert set(before) <= set(guards())

    fresh = postgresql_server.create("fresh")
    _run(_environment(postgresql_server.url(fresh), tmp_path), "manage.py", "migrate", "--noinput")
    upgraded, expected = postgresql_server.schema(name), postgresql_server.schema(fresh)
    for key in expected:
        differ = [
            *(f"upgraded only: {row}" for row in sorted(set(upgraded[key]) - set(expected[key]))),
            *(f"fresh only: {row}" for row in sorted(set(expected[key]) - set(upgraded[key]))),
        ]
        assert not differ, f"{key}:\n" + "\n".join(differ)

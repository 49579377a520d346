"""The backup and restore drill (docs/backups.md) on PostgreSQL: a pg_dump restored into a fresh
database verifies completely, and the same backup restored after a later checkpoint is
reported as rolled back."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from disclosure_builders import carry_out, drawn_task
from django.db import connection

from backend.audit.services import record_event
from backend.checkpoints.services import make_checkpoint
from disclosure.services import publish_results
from inspections.draws.models import Draw, DrawStatus

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

MANAGE = str(Path(__file__).resolve().parents[2] / "manage.py")


def _psql_args() -> list[str]:
    settings = connection.settings_dict
    args = ["-h", settings["HOST"] or "127.0.0.1", "-U", settings["USER"] or "postgres"]
    if settings["PORT"]:
        args += ["-p", str(settings["PORT"])]
    return args


@pytest.fixture
def restored_database(tmp_path):
    """Dump the test database (as the nightly backup does) and restore it into a fresh one."""
    source = connection.settings_dict["NAME"]
    target = f"{source}_restored"
    dump = tmp_path / "backup.dump"
    subprocess.run(["pg_dump", *_psql_args(), "-Fc", "-f", str(dump), source], check=True)
    subprocess.run(["dropdb", *_psql_args(), "--if-exists", target], check=True)
    subprocess.run(["createdb", *_psql_args(), target], check=True)
    subprocess.run(
        ["pg_restore", *_psql_args(), "--no-owner", "--exit-on-error", "-d", target, str(dump)],
        check=True,
    )
    yield target
    subprocess.run(["dropdb", *_psql_args(), "--if-exists", target], check=True)


def _manage(database: str, *args: str, settings) -> subprocess.CompletedProcess:
    s = connection.settings_dict
    url = f"postgres://{s['USER'] or 'postgres'}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}"
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": f"{url}/{database}",
        # The same keys and checkpoint files as the running installation (they are backed up
        # with the database: docs/backups.md).
        "FIELD_ENCRYPTION_KEYS": settings.FIELD_ENCRYPTION_KEYS,
        "FIELD_ENCRYPTION_KEYS_FILE": str(settings.FIELD_ENCRYPTION_KEYS_FILE),
        "CHECKPOINT_SIGNING_KEY": settings.CHECKPOINT_SIGNING_KEY,
        "CHECKPOINT_SIGNING_KEY_FILE": str(settings.CHECKPOINT_SIGNING_KEY_FILE),
        "CHECKPOINT_EXPORT_DIR": str(settings.CHECKPOINT_EXPORT_DIR),
    }
    return subprocess.run(
        [sys.executable, MANAGE, *args], env=env, capture_output=True, text=True, timeout=300
    )


@pytest.fixture
def installation(transactional_db, kj, planner, department_admin, settings):
    """A task drawn, inspected, reviewed and published, and a checkpoint of it all."""
    task = drawn_task(
        department=kj,
        planner=planner,
        department_admin=department_admin,
        firms=3,
        replace_firms_draw=True,
    )
    publish_results(
        actor=planner, inspections=carry_out(task, planner=planner, reviewer=department_admin)
    )
    make_checkpoint()
    return task


def test_a_restored_backup_verifies_and_a_later_checkpoint_shows_it_rolled_back(
    installation, restored_database, settings
):
    # Every draw with a result (the abandoned one has none to recompute).
    draws = list(
        Draw.objects.filter(status=DrawStatus.PERFORMED)
        .order_by("id")
        .values_list("public_id", flat=True)
    )
    assert len(draws) == 2
    checks = [
        ("verify_audit",),
        ("verify_records",),
        *(("verify_draw", public_id) for public_id in draws),
        ("verify_checkpoints",),
    ]
    for check in checks:
        done = _manage(restored_database, *check, settings=settings)
        assert done.returncode == 0, (check, done.stdout, done.stderr)
    assert (
        "与检查点 #1 一致" in _manage(restored_database, "verify_audit", settings=settings).stdout
    )

    # Life goes on in the real database, and the next checkpoint is made...
    record_event(action="test.after.backup", actor=installation.created_by)
    make_checkpoint()
    # ...then the old backup is restored in its place: it is recognised as rolled back.
    for check in ("verify_audit", "verify_checkpoints"):
        done = _manage(restored_database, check, settings=settings)
        assert done.returncode == 1, (check, done.stdout, done.stderr)
        assert "回滚" in done.stderr and "检查点 #2" in done.stderr
    refused = _manage(restored_database, "make_checkpoint", settings=settings)
    assert refused.returncode == 1 and "回滚" in refused.stderr

"""Two users writing at once: the embedded SQLite (WAL, busy timeout, immediate transactions)
and PostgreSQL (the chain lock) both keep every event and an unbroken chain."""

import threading

import pytest
from django.db import connection, connections

from backend.audit.models import AuditEvent
from backend.audit.services import record_event
from backend.audit.verification import verify_chain


@pytest.mark.django_db(transaction=True)
def test_two_writers_at_once_lose_nothing_and_keep_the_chain(planner, inspector):
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def write(user, n):
        try:
            start.wait()
            for i in range(n):
                record_event(action=f"test.concurrent.{user.username}", actor=user, detail={"i": i})
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(u, 25)) for u in (planner, inspector)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    assert AuditEvent.objects.filter(action__startswith="test.concurrent.").count() == 50
    report = verify_chain()
    assert report.ok, report.first_break


def test_sqlite_runs_in_wal_mode(db):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"

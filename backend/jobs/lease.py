"""A job's lease: the PostgreSQL advisory lock of the process that runs it.

The lock belongs to the database session of the process running the job, so it is released the
moment that process dies, however it dies (SIGKILL, out of memory, a lost machine): a job marked
running whose lease is free was left by a dead process. A second worker handed the same job
(a message delivered twice) finds the lease taken and leaves the job alone. SQLite has no such
lock; there jobs run within the request or not at all, and the sweep goes by time.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DatabaseError, connection

log = logging.getLogger(__name__)


class Busy(Exception):
    """Another live process holds the job's lease (the job was handed out twice)."""


# The first key of the advisory lock, one per kind of job (the second is the job's id).
DRAW = 1801
IMPORT = 1802
WORK = 1803  # backend.jobs.work: exports, the yearly files and statistics


def _supported() -> bool:
    return connection.vendor == "postgresql"


@contextmanager
def lease(kind: int, job_id: int) -> Iterator[bool]:
    """Hold the job's lease while the block runs; yields False if another process holds it."""
    if not _supported():
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [kind, job_id])
        held = cursor.fetchone()[0]
    try:
        yield held
    finally:
        if held:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [kind, job_id])
            except DatabaseError:  # the session is gone, and its lock with it
                log.warning("job lease %s/%s: session lost before unlock", kind, job_id)
                connection.close()


def lease_is_free(kind: int, job_id: int) -> bool | None:
    """Whether no process holds the job's lease (None on SQLite, which cannot tell).

    Call it inside a transaction: the lease is then held until that transaction ends, so the
    caller may mark the job failed without a worker starting it meanwhile.
    """
    if not _supported():
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [kind, job_id])
        return cursor.fetchone()[0]

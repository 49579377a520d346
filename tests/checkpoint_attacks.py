"""What someone with write access to the database does to hide history, for the tests."""

from contextlib import contextmanager

from django.db import connection


@contextmanager
def as_dba():
    """On PostgreSQL the append-only triggers refuse the edits below; a DBA (a superuser, as
    the test database's owner is) turns them off for the session first. SQLite has none."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")


def delete_audit_tail(after_id: int) -> int:
    """Delete every audit event after `after_id`: the chain left is intact, only shorter."""
    from backend.audit.models import AuditEvent

    with as_dba():
        deleted, _ = AuditEvent.objects.filter(id__gt=after_id).delete()
    return deleted


def rewrite_audit_event(event_id: int, **changes) -> None:
    """Edit one event and recompute its hash and every later link, so that the chain walks
    clean: the attack the chain alone cannot see."""
    from backend.audit.models import AuditEvent

    with as_dba():
        events = list(AuditEvent.objects.filter(id__gte=event_id).order_by("id"))
        prev_hash = events[0].prev_hash
        for event in events:
            if event.id == event_id:
                for name, value in changes.items():
                    setattr(event, name, value)
            event.prev_hash = prev_hash
            event.hash = event.compute_hash()
            prev_hash = event.hash
        # Parked on placeholders first, so that no two rows ever share a hash or a link.
        for event in events:
            AuditEvent.objects.filter(id=event.id).update(
                prev_hash="p" + format(event.id, "063x"), hash="h" + format(event.id, "063x")
            )
        for event in events:
            AuditEvent.objects.filter(id=event.id).update(
                **{name: getattr(event, name) for name in changes},
                prev_hash=event.prev_hash,
                hash=event.hash,
            )

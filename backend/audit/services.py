"""Writing and checking the audit trail."""

import json
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from backend.audit.context import current_request
from backend.audit.models import GENESIS_HASH, AuditEvent, Outcome

# Any constant works; it names the one lock that serialises appends to the chain on PostgreSQL.
_CHAIN_LOCK_KEY = 0x5353_4155_4449_54  # "SSAUDIT"


def record_event(
    *,
    action: str,  # a member of an app's enumeration (backend.audit.actions)
    actor=None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    outcome: str = Outcome.SUCCESS,
    detail: dict[str, Any] | None = None,
    username: str = "",
) -> AuditEvent:
    """Append one event to the chain.

    Call it last in a service's transaction: on PostgreSQL it takes the chain lock, held until
    commit, so that appends stay in chain order.
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    request = current_request.get()
    # Round-trip through JSON now, so that the hash is computed on exactly what is stored.
    detail = json.loads(json.dumps(detail or {}, ensure_ascii=False, default=str))
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
        prev_hash = (
            AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
            or GENESIS_HASH
        )
        department = getattr(actor, "department", None) if actor is not None else None
        event = AuditEvent(
            created_at=timezone.now(),
            actor=actor,
            actor_username=(actor.get_username() if actor is not None else username)[:150],
            role=getattr(actor, "role", "") or "",
            department_code=department.code if department is not None else "",
            ip=request.ip if request else None,
            action=str(action),  # the stored name, not the enumeration member
            object_type=object_type,
            object_id=str(object_id)[:200],
            outcome=outcome,
            request_id=request.request_id if request else "",
            detail=detail,
            prev_hash=prev_hash,
        )
        event.hash = event.compute_hash()
        event.full_clean()
        event.save(force_insert=True)
    return event

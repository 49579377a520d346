"""其余要点均未发现问题: one tap records every check point the team has not recorded yet as
checked with no problem found.

Each point still gets its own 检查要点记录 in the chain (what the review, the documents and the
statistics read), all appended in one transaction under one audit event: either every
remaining point is recorded or none is. A replay of the same idempotency key returns the
records it made.
"""

import uuid
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from backend.audit.services import record_event
from fieldwork.access import lock_inspection, require_approval, require_member
from fieldwork.actions import FieldworkAction
from fieldwork.models import RECORDING, Inspection, InspectionRecord, RecordKind
from fieldwork.selectors.records import checkpoints_of, current_records, existing_submission
from fieldwork.services.records import append_record

K = RecordKind
CLEAR_NOTE = "其余要点均未发现问题"


def _key_for(idempotency_key, point_pk: int) -> uuid.UUID | None:
    """The first point carries the client's key; each other one a key derived from it, so a
    replay finds every record of the batch."""
    if not idempotency_key:
        return None
    return uuid.uuid5(uuid.UUID(str(idempotency_key)), f"check-point/{point_pk}")


@transaction.atomic
def record_remaining_points_clear(
    *,
    actor,
    inspection: Inspection,
    idempotency_key=None,
    place: str = "",
    occurred_at: datetime | None = None,
) -> list[InspectionRecord]:
    """Record every check point not yet recorded as 已检查，未发现问题, in the order of the list."""
    inspection = lock_inspection(inspection)
    found = existing_submission(inspection, K.FINDINGS, idempotency_key)
    if found is not None:
        keys = [_key_for(idempotency_key, p.pk) for p in checkpoints_of(inspection)]
        return [found, *inspection.records.filter(idempotency_key__in=keys).order_by("sequence")]
    require_member(actor, inspection)
    if inspection.state not in RECORDING:
        raise ValidationError(
            {
                "non_field_errors": ValidationError(
                    f"检查{inspection.code}当前为“{inspection.get_state_display()}”，"
                    "不能记录检查要点",
                    code="wrong_state",
                )
            }
        )
    require_approval(inspection)
    recorded = {r.content.get("check_point") for r in current_records(inspection, K.FINDINGS)}
    remaining = [p for p in checkpoints_of(inspection) if p.pk not in recorded]
    if not remaining:
        raise ValidationError(
            {"non_field_errors": ValidationError("各检查要点均已记录", code="nothing_left")}
        )
    made = []
    for n, point in enumerate(remaining):
        made.append(
            append_record(
                actor=actor,
                inspection=inspection,
                kind=K.FINDINGS,
                content={
                    "check_point": point.pk,
                    "item": point.version.item.code,
                    "text": point.text,
                    "checked": True,
                    "problem_found": False,
                    "description": CLEAR_NOTE,
                    "handling": "",
                },
                place=place,
                occurred_at=occurred_at,
                idempotency_key=idempotency_key if n == 0 else _key_for(idempotency_key, point.pk),
            )
        )
    record_event(
        action=FieldworkAction.FINDINGS_REST_CLEAR,
        actor=actor,
        obj=made[0],
        detail={
            "inspection": inspection.code,
            "sequences": [r.sequence for r in made],
            "check_points": [r.content["check_point"] for r in made],
        },
    )
    return made

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from backend.accounts.roles import Role
from backend.audit.models import AuditEvent


def events_visible_to(user) -> QuerySet:
    """The audit trail is read by the audit administrator, and by no one else."""
    if getattr(user, "is_authenticated", False) and user.has_role(Role.AUDIT_ADMIN):
        return AuditEvent.objects.all()
    return AuditEvent.objects.none()


@dataclass(frozen=True)
class Activity:
    """One of a user's own recent actions, as a person reads it."""

    created_at: datetime
    label: str
    object_name: str
    outcome: str


def object_names(events: list[AuditEvent]) -> dict[tuple[str, str], str]:
    """ "抽查任务 SC-2026-001" for each (object_type, object_id) that names a row still there;
    the model's name alone when the row is gone, nothing for what is not a model."""
    ids: dict[str, set[str]] = defaultdict(set)
    for event in events:
        if event.object_type and event.object_id:
            ids[event.object_type].add(event.object_id)
    names: dict[tuple[str, str], str] = {}
    for object_type, pks in ids.items():
        try:
            model = apps.get_model(object_type)
        except (LookupError, ValueError):
            continue
        kind = str(model._meta.verbose_name)
        try:
            rows = {str(row.pk): str(row) for row in model._default_manager.filter(pk__in=pks)}
        except (ValueError, TypeError, ValidationError):
            rows = {}
        for pk in pks:
            shown = rows.get(pk, "")
            names[(object_type, pk)] = f"{kind} {shown}".strip() if shown != kind else kind
    return names


def my_recent_activity(user, *, limit: int = 10) -> list[Activity]:
    """The user's own last actions: the action's label and the object's name, never a code."""
    events = list(AuditEvent.objects.filter(actor=user).order_by("-id")[:limit])
    names = object_names(events)
    return [
        Activity(
            created_at=event.created_at,
            label=event.action_label,
            object_name=names.get((event.object_type, event.object_id), ""),
            outcome=event.get_outcome_display(),
        )
        for event in events
    ]

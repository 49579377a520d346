from django.db.models import QuerySet

from backend.accounts.roles import Role
from backend.audit.models import AuditEvent


def events_visible_to(user) -> QuerySet:
    """The audit trail is read by the audit administrator, and by no one else."""
    if getattr(user, "is_authenticated", False) and user.has_role(Role.AUDIT_ADMIN):
        return AuditEvent.objects.all()
    return AuditEvent.objects.none()

"""A user's own notifications and choices: nobody reads another user's."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet

from backend.notifications.models import Notification, NotificationKind, NotificationPreference


def notifications_of(user, *, state: str = "", search: str = "") -> QuerySet[Notification]:
    """`state`: "unread", "read" or "" (all); `search` matches the title and the body."""
    if user is None or not user.is_authenticated:
        return Notification.objects.none()
    rows = Notification.objects.filter(recipient=user)
    if state == "unread":
        rows = rows.filter(read_at__isnull=True)
    elif state == "read":
        rows = rows.filter(read_at__isnull=False)
    search = (search or "").strip()
    if search:
        rows = rows.filter(Q(title__icontains=search) | Q(body__icontains=search))
    return rows


def unread_count(user) -> int:
    return notifications_of(user, state="unread").count()


@dataclass(frozen=True)
class Choice:
    kind: str
    label: str
    email: bool
    webhook: bool


def preferences_of(user) -> list[Choice]:
    """Every kind with the user's choice, the settings' defaults where they chose nothing."""
    stored = {p.kind: p for p in NotificationPreference.objects.filter(user=user)}
    choices = []
    for kind in NotificationKind:
        row = stored.get(kind.value)
        choices.append(
            Choice(
                kind=kind.value,
                label=str(kind.label),
                email=row.email if row else settings.NOTIFY_DEFAULT_EMAIL,
                webhook=row.webhook if row else settings.NOTIFY_DEFAULT_WEBHOOK,
            )
        )
    return choices


def channels_for(user, kind: str) -> tuple[bool, bool]:
    """(email, webhook) for one kind."""
    row = NotificationPreference.objects.filter(user=user, kind=kind).first()
    if row is None:
        return settings.NOTIFY_DEFAULT_EMAIL, settings.NOTIFY_DEFAULT_WEBHOOK
    return row.email, row.webhook

"""Writing notifications: `notify` for every app, reading marks and preferences for the user.

`notify` is the one way to tell staff something. It masks personal numbers first (a citizen ID
or a phone number never reaches a mail, a chat or the page), stores the in-app notification at
most once per recipient and dedupe key, and only then tries the extra channels: a mail server
or robot that fails is logged and never takes the stored notification with it. Call it outside
a transaction that may still roll back, or a mail may tell of something that never happened.
"""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from backend.audit.services import record_event
from backend.notifications import delivery
from backend.notifications.actions import NotificationAction
from backend.notifications.models import Notification, NotificationKind, NotificationPreference
from backend.notifications.selectors import channels_for, notifications_of, preferences_of
from backend.personal_numbers import scrub

logger = logging.getLogger(__name__)


def _recipients(users) -> list:
    if users is None:
        return []
    if not isinstance(users, Iterable):
        users = [users]
    seen, unique = set(), []
    for user in users:
        if user is not None and user.is_active and user.pk not in seen:
            seen.add(user.pk)
            unique.append(user)
    return unique


def notify(
    users,
    *,
    kind: str,
    title: str,
    body: str = "",
    link: str = "",
    dedupe_key: str = "",
) -> list[Notification]:
    """Tell `users` (one user or several): the notifications created, none for a recipient
    who already has one with this `dedupe_key`."""
    if kind not in NotificationKind.values:
        raise ValueError(f"unknown notification kind {kind!r}")
    title = scrub(title)[:200]
    body = scrub(body)
    created = []
    to_the_group = []
    for user in _recipients(users):
        notification = _store(
            user=user, kind=kind, title=title, body=body, link=link, dedupe_key=dedupe_key
        )
        if notification is None:
            continue
        created.append(notification)
        email, webhook = channels_for(user, kind)
        if email and user.email:
            _mail(user, notification)
        if webhook:
            to_the_group.append(user)
    if to_the_group and settings.NOTIFY_WEBHOOK_URL:
        # The robot posts to one group: one message naming everyone it is for, not one each.
        names = "、".join(str(user) for user in to_the_group)
        try:
            delivery.send_webhook(scrub(delivery.message_text(f"致{names}：{title}", body, link)))
        except Exception:
            logger.exception("notification %s: webhook failed", created[0].pk)
    return created


def _store(*, user, kind, title, body, link, dedupe_key) -> Notification | None:
    if dedupe_key and Notification.objects.filter(recipient=user, dedupe_key=dedupe_key).exists():
        return None
    try:
        with transaction.atomic():
            return Notification.objects.create(
                recipient=user,
                kind=kind,
                title=title,
                body=body,
                link=link[:500],
                dedupe_key=dedupe_key[:200],
            )
    except IntegrityError:
        # Two runs at once: the other one stored it first.
        return None


def _mail(user, notification: Notification) -> None:
    try:
        delivery.send_email(
            address=user.email,
            title=notification.title,
            body=notification.body,
            link=notification.link,
        )
    except Exception:
        logger.exception("notification %s: mail to user %s failed", notification.pk, user.pk)


# The reading marks are not audited: a notification read is the user's own view of their
# inbox, not an act of the department, and one event per click would bury the trail.
def mark_read(*, user, notification_id: int) -> Notification:
    """Mark one of the user's own notifications read (Notification.DoesNotExist otherwise)."""
    notification = notifications_of(user).get(pk=notification_id)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def mark_all_read(*, user) -> int:
    return notifications_of(user, state="unread").update(read_at=timezone.now())


@transaction.atomic
def set_preferences(*, actor, choices: dict[str, tuple[bool, bool]]) -> None:
    """Store the actor's own (email, webhook) choice per kind; audited when anything changed."""
    unknown = set(choices) - set(NotificationKind.values)
    if unknown:
        raise ValueError(f"unknown notification kinds {sorted(unknown)}")
    before = {c.kind: (c.email, c.webhook) for c in preferences_of(actor)}
    changed = {}
    for kind, (email, webhook) in choices.items():
        if before[kind] == (bool(email), bool(webhook)):
            continue
        NotificationPreference.objects.update_or_create(
            user=actor, kind=kind, defaults={"email": bool(email), "webhook": bool(webhook)}
        )
        changed[kind] = {"email": bool(email), "webhook": bool(webhook)}
    if changed:
        record_event(
            action=NotificationAction.PREFERENCES,
            actor=actor,
            object_type="accounts.user",
            object_id=actor.pk,
            detail={"changed": changed},
        )

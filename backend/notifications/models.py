"""Notifications to staff, and what each user chooses to receive by which channel.

The in-app notification is always stored; e-mail and the group robot's webhook are extra
channels each user turns on per kind (`NotificationPreference`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    """What a notification is about: each kind is a line of the preferences page."""

    CERTIFICATE_EXPIRING = "certificate_expiring", _("执法证即将到期")
    TRAINING_SHORT = "training_short", _("年度培训学时不足")
    LEGAL_REVIEW_DUE = "legal_review_due", _("法制审核即将到期或已超期")
    PUBLICATION_DUE = "publication_due", _("检查结果公示即将到期或已超期")
    FOLLOW_UP_OVERDUE = "follow_up_overdue", _("后续处置已超过完成期限")
    APPROVAL_OVERDUE = "approval_overdue", _("紧急先行检查待补办审批")
    SYSTEM = "system", _("系统通知")


class Channel(models.TextChoices):
    IN_APP = "in_app", _("站内通知")
    EMAIL = "email", _("电子邮件")
    WEBHOOK = "webhook", _("工作群机器人")


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("类别"), max_length=40, choices=NotificationKind.choices)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=500, blank=True)
    # The same reminder about the same thing on the same day is stored (and sent) once: the
    # caller names it, e.g. "certificate:12:2027-09-30".
    dedupe_key = models.CharField(_("去重标识"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("通知时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="notification_once_per_key",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=NotificationKind.values), name="notification_kind_known"
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """One user's choice for one kind; without a row the settings' defaults apply
    (NOTIFY_DEFAULT_EMAIL, NOTIFY_DEFAULT_WEBHOOK). The in-app notification is always kept."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(_("类别"), max_length=40, choices=NotificationKind.choices)
    email = models.BooleanField(_("电子邮件"), default=False)
    webhook = models.BooleanField(_("工作群机器人"), default=False)

    class Meta:
        verbose_name = _("通知接收设置")
        verbose_name_plural = _("通知接收设置")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once"),
            models.CheckConstraint(
                condition=Q(kind__in=NotificationKind.values),
                name="notification_preference_kind_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.get_kind_display()}"

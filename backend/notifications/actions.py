"""The audit actions of the notifications."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from backend.audit.actions import register


@register
class NotificationAction(models.TextChoices):
    PREFERENCES = "notifications.preferences", _("修改通知接收设置")

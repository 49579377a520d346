"""The audit actions of the signed checkpoints."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from backend.audit.actions import register


@register
class CheckpointAction(models.TextChoices):
    CREATE = "checkpoint.create", _("签发检查点")
    NIGHTLY_PASSED = "checkpoint.nightly_passed", _("夜间校验通过")
    NIGHTLY_ALERT = "checkpoint.nightly_alert", _("夜间校验发现问题并告警")

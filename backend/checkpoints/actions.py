"""The audit actions of the signed checkpoints."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from backend.audit.actions import register


@register
class CheckpointAction(models.TextChoices):
    CREATE = "checkpoint.create", _("签发检查点")

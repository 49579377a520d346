"""The audit actions of the keys."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from backend.audit.actions import register


@register
class CryptoAction(models.TextChoices):
    ROTATE_FIELD_KEYS = "crypto.field_keys.rotate", _("轮换数据加密密钥")

"""The audit actions of publication."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from backend.audit.actions import register


@register
class DisclosureAction(models.TextChoices):
    PUBLISH = "disclosure.publish", _("公示检查结果")
    CORRECT = "disclosure.correct", _("更正已公示结果")
    WITHDRAW = "disclosure.withdraw", _("撤下已公示结果")
    DEADLINES = "disclosure.deadlines", _("设置公示期限")

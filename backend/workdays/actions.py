"""The audit actions of the working-day calendar."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from backend.audit.actions import register


@register
class CalendarAction(models.TextChoices):
    ENTER_YEAR = "calendar.enter_year", _("录入年度工作日历")

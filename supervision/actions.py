"""The audit actions of 行政执法监督."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from backend.audit.actions import register


@register
class SupervisionAction(models.TextChoices):
    OPINION_ISSUE = "supervision.opinion.issue", _("提出监督意见")
    OPINION_ANSWER = "supervision.opinion.answer", _("答复监督意见")
    WARNINGS_EXPORT = "supervision.warnings.export", _("导出监督预警")
    ANNUAL_EXPORT = "supervision.annual.export", _("导出行政检查年度统计")

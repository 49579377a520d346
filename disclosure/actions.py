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
    STATISTICS_SNAPSHOT = "disclosure.statistics_snapshot", _("生成年度统计快照")
    RESULTS_FILE = "disclosure.results_file", _("生成年度结果文件")
    ANNUAL_CHECK = "disclosure.annual_check", _("核对上年度统计和结果文件")

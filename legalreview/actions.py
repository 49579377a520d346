"""The audit actions of the legal review gate and its decisions."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from backend.audit.actions import register


@register
class LegalReviewAction(models.TextChoices):
    REVIEW_OPINION = "legalreview.review.opinion", _("出具法制审核意见")
    REVIEW_EXTEND = "legalreview.review.extend", _("延长法制审核期限")
    DECISION_DRAFT = "legalreview.decision.draft", _("起草处理决定")
    DECISION_UPDATE = "legalreview.decision.update", _("修改处理决定")
    DECISION_SUBMIT = "legalreview.decision.submit", _("提交处理决定审核")
    DECISION_ISSUE = "legalreview.decision.issue", _("作出处理决定")
    DECISION_WITHDRAW = "legalreview.decision.withdraw", _("撤回处理决定")
    CATALOGUE_ADD = "legalreview.catalogue.add", _("新增法制审核目录事项")
    CATALOGUE_UPDATE = "legalreview.catalogue.update", _("修改法制审核目录事项")
    CATALOGUE_RETIRE = "legalreview.catalogue.retire", _("停用法制审核目录事项")
    CATALOGUE_RESTORE = "legalreview.catalogue.restore", _("恢复法制审核目录事项")

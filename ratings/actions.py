"""The audit actions of the firms' ratings and the complaints that follow them."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from backend.audit.actions import register


@register
class RatingAction(models.TextChoices):
    LINK_ISSUE = "ratings.link.issue", _("生成企业评价链接")
    SUBMIT = "ratings.submit", _("检查对象提交评价")
    VIEW = "ratings.view", _("查看单条企业评价")
    EXPORT = "ratings.export", _("导出评价统计")
    COMPLAINT_OPEN = "ratings.complaint.open", _("立案投诉并转检查部门答复")
    COMPLAINT_ANSWER = "ratings.complaint.answer", _("检查部门答复投诉")
    COMPLAINT_CLOSE = "ratings.complaint.close", _("办结投诉")

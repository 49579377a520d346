"""The audit actions of the draws."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from backend.audit.actions import register


@register
class DrawAction(models.TextChoices):
    ANNOUNCE = "draws.announce", _("公告抽取")
    PERFORM = "draws.perform", _("执行抽取")
    ABANDON = "draws.abandon", _("作废抽取")
    EXPORT = "draws.export", _("导出抽取文件")
    NOTICES_EXPORT = "tasks.notices.export", _("导出抽查通知书")

"""The audit actions of the directory: inspection items and firms."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from backend.audit.actions import register


@register
class DirectoryAction(models.TextChoices):
    ITEM_CREATE = "items.create", _("新增抽查事项")
    ITEM_UPDATE_DRAFT = "items.update_draft", _("修改抽查事项草稿")
    ITEM_REVISE = "items.revise", _("修订抽查事项")
    ITEM_PUBLISH = "items.publish", _("发布抽查事项")
    ITEM_RETIRE = "items.retire", _("停用抽查事项")
    ITEM_FIRM_LIST = "items.firm_list", _("设置事项检查对象清单")
    FIRM_CREATE = "firms.create", _("新增检查对象")
    FIRM_UPDATE = "firms.update", _("修改检查对象")
    FIRM_EXPORT = "firms.export", _("导出检查对象名录")
    FIRM_IMPORT = "import.firms", _("导入检查对象名录")
    ITEM_FIRMS_IMPORT = "import.item-firms", _("导入事项指定对象名单")
    FIRMS_GENERATE = "firms.generate", _("生成演示检查对象")

"""The audit actions of imports: each kind of import is recorded under "import.<kind>"
(`ImportAction.of_kind`); the kinds are those of the importers registered by the apps above."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from backend.audit.actions import register


@register
class ImportAction(models.TextChoices):
    UPLOAD = "import.upload", _("上传导入文件")
    RERUN = "import.rerun", _("重新导入")
    REPORT_DOWNLOAD = "import.report_download", _("下载导入报告")
    FIRMS = "import.firms", _("导入检查对象名录")
    ITEM_FIRMS = "import.item-firms", _("导入检查事项对象清单")
    OFFICERS = "import.officers", _("导入执法人员名录")

    @classmethod
    def of_kind(cls, kind: str) -> "ImportAction":
        """The action recorded when an import of `kind` (an importer's `kind`) is applied."""
        return cls(f"import.{kind}")

"""The audit actions of imports. Applying a file is recorded under the action its importer names
(`Importer.audit_action`, in the enumeration of the app that owns the importer)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from backend.audit.actions import register


@register
class ImportAction(models.TextChoices):
    UPLOAD = "import.upload", _("上传导入文件")
    REFUSED = "import.refused", _("拒绝导入的文件（工作簿检查未通过）")
    RERUN = "import.rerun", _("重新导入")
    REPORT_DOWNLOAD = "import.report_download", _("下载导入报告")

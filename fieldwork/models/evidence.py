"""Evidence files (证据材料): photos, documents, audio and video attached to the record.

Each upload is one `evidence` record in the inspection's chain (its SHA-256 is in the chained
content) plus this row, which says where the bytes are. Stored under a server-generated name;
the SHA-256 is checked again on every download.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class EvidenceKind(models.TextChoices):
    PHOTO = "photo", _("照片")
    DOCUMENT = "document", _("文书")
    AUDIO = "audio", _("录音")
    VIDEO = "video", _("录像")


class EvidenceFile(models.Model):
    record = models.OneToOneField(
        "fieldwork.InspectionRecord",
        verbose_name=_("记录"),
        on_delete=models.PROTECT,
        related_name="evidence",
    )
    inspection = models.ForeignKey(
        "fieldwork.Inspection",
        verbose_name=_("检查"),
        on_delete=models.PROTECT,
        related_name="evidence_files",
    )
    kind = models.CharField(_("类型"), max_length=10, choices=EvidenceKind.choices)
    content_type = models.CharField(_("文件格式"), max_length=100)
    original_name = models.CharField(_("原文件名"), max_length=255, blank=True)
    storage_name = models.CharField(_("存储名"), max_length=255, unique=True)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"))

    class Meta:
        verbose_name = _("证据材料")
        verbose_name_plural = _("证据材料")
        ordering = ["inspection_id", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=EvidenceKind.values), name="evidence_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.original_name or self.storage_name}"

"""Signed checkpoints of every chain: append-only, each linked to the one before."""

import json

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Trigger(models.TextChoices):
    SCHEDULED = "scheduled", _("定时生成")
    ON_DEMAND = "on_demand", _("按需生成")


class Checkpoint(models.Model):
    """One signed checkpoint (CP-1, docs/checkpoints-and-encryption.md).

    `document` is the canonical JSON that was signed, kept as text so that it is verified byte
    for byte; `signature` is over exactly those bytes. On PostgreSQL a trigger refuses UPDATE,
    DELETE and TRUNCATE; every checkpoint is also written as a file outside the database.
    """

    sequence = models.PositiveIntegerField(_("序号"), unique=True)
    made_at = models.DateTimeField(_("生成时间"))
    document = models.TextField(_("签名内容"))
    sha256 = models.CharField(_("摘要"), max_length=64, unique=True)
    previous_sha256 = models.CharField(_("前一检查点摘要"), max_length=64, blank=True)
    algorithm = models.CharField(_("签名算法"), max_length=10)
    key_id = models.CharField(_("密钥标识"), max_length=16)
    signature = models.CharField(_("签名"), max_length=256)
    trigger = models.CharField(_("生成方式"), max_length=10, choices=Trigger.choices)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("生成人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("检查点")
        verbose_name_plural = _("检查点")
        ordering = ["-sequence"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sequence__gte=1), name="checkpoint_sequence_positive"
            ),
            # The first links to nothing; every later one to its predecessor.
            models.CheckConstraint(
                condition=Q(sequence=1, previous_sha256="")
                | Q(sequence__gt=1) & ~Q(previous_sha256=""),
                name="checkpoint_links_to_previous",
            ),
            models.UniqueConstraint(
                fields=["previous_sha256"],
                condition=~Q(previous_sha256=""),
                name="checkpoint_chain_has_no_fork",
            ),
            models.CheckConstraint(
                condition=Q(trigger__in=Trigger.values), name="checkpoint_trigger_known"
            ),
        ]

    def __str__(self) -> str:
        return f"检查点 #{self.sequence}"

    @property
    def body(self) -> dict:
        return json.loads(self.document)

    def published(self) -> dict:
        """The checkpoint as published and as written to its file."""
        return {"checkpoint": self.body, "signature": self.signature, "sha256": self.sha256}

"""Frequency caps (频次上限): how often one body may inspect one firm in a calendar year.

A department's administrator sets them per enforcement field and level, and they are published
beside the item list. The arithmetic is in `inspections.planning.frequency`; the writes in
`inspections.planning.services.caps`.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from inspections.planning import frequency
from inspections.planning.models.tasks import InspectionType


class CapLevel(models.TextChoices):
    CITY = frequency.CITY, _("市级")
    COUNTY = frequency.COUNTY, _("区县级")
    COMBINED = frequency.COMBINED, _("各层级合计")


class FrequencyCap(models.Model):
    department = models.ForeignKey(
        "organisation.Department",
        verbose_name=_("设定部门"),
        on_delete=models.PROTECT,
        related_name="frequency_caps",
    )
    enforcement_field = models.ForeignKey(
        "personnel.EnforcementField",
        verbose_name=_("执法领域"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="frequency_caps",
        help_text=_("留空表示本部门所有执法领域（仅限各层级合计）"),
    )
    level = models.CharField(_("层级"), max_length=10, choices=CapLevel.choices)
    # An IntegerField, not a PositiveIntegerField: a negative cap gets the service's Chinese
    # refusal, and the constraint below keeps the table right whatever writes it.
    limit = models.IntegerField(_("每户每年检查次数上限"))
    counts_routine = models.BooleanField(_("计入日常检查"), default=True)
    counts_campaign = models.BooleanField(_("计入专项检查"), default=True)
    counts_case = models.BooleanField(_("计入个案检查"), default=True)
    exempt_higher_campaigns = models.BooleanField(_("上级部署的专项检查不计入"), default=True)
    note = models.CharField(_("依据或说明"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("设定人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("检查频次上限")
        verbose_name_plural = _("检查频次上限")
        ordering = ["department__code", "enforcement_field__code", "level"]
        constraints = [
            models.CheckConstraint(condition=Q(limit__gte=0), name="frequency_cap_not_negative"),
            models.CheckConstraint(
                condition=Q(level__in=[frequency.CITY, frequency.COUNTY, frequency.COMBINED]),
                name="frequency_cap_level_known",
            ),
            models.CheckConstraint(
                condition=Q(enforcement_field__isnull=False) | Q(level=frequency.COMBINED),
                name="frequency_cap_level_has_field",
            ),
            models.UniqueConstraint(
                fields=["department", "enforcement_field", "level"],
                name="frequency_cap_one_per_field_level",
            ),
            models.UniqueConstraint(
                fields=["department", "level"],
                condition=Q(enforcement_field__isnull=True),
                name="frequency_cap_one_for_all_fields",
            ),
        ]

    def __str__(self) -> str:
        field = self.enforcement_field.name if self.enforcement_field_id else "所有领域"
        return f"{field} {self.get_level_display()} 每年不超过{self.limit}次"

    def clean(self) -> None:
        if self.limit is not None and self.limit < 0:
            raise ValidationError(
                {"limit": ValidationError("频次上限不能小于0", code="cap_negative")}
            )
        if self.level in (frequency.CITY, frequency.COUNTY) and not self.enforcement_field_id:
            raise ValidationError(
                {
                    "enforcement_field": ValidationError(
                        "按市级或区县级设定的上限须指定执法领域", code="level_without_field"
                    )
                }
            )

    @property
    def kinds(self) -> frozenset[str]:
        pairs = (
            (InspectionType.ROUTINE, self.counts_routine),
            (InspectionType.CAMPAIGN, self.counts_campaign),
            (InspectionType.CASE, self.counts_case),
        )
        return frozenset(str(kind) for kind, counted in pairs if counted)

    @property
    def kinds_label(self) -> str:
        labels = (
            ("日常", self.counts_routine),
            ("专项", self.counts_campaign),
            ("个案", self.counts_case),
        )
        return "、".join(label for label, counted in labels if counted) or "无"

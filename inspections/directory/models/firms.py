from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from backend.codes import CodeError, check_region_code, check_uscc
from backend.text import StripsInvisibleText
from inspections.directory.classifications import normalise_industry_code


class TargetType(models.TextChoices):
    """What kind of target (检查对象类型); GB 32100 encodes it in the 2nd character of the code."""

    ENTERPRISE = "enterprise", _("企业")
    INDIVIDUAL = "individual", _("个体工商户")
    COOPERATIVE = "cooperative", _("农民专业合作社")
    ORGANISATION = "organisation", _("其他组织")


# GB 32100-2015 positions 1–2 for the market-regulation registrations (登记管理部门 9).
_TYPE_BY_USCC_HEAD = {
    "91": TargetType.ENTERPRISE,
    "92": TargetType.INDIVIDUAL,
    "93": TargetType.COOPERATIVE,
}


def target_type_from_uscc(uscc: str) -> str:
    return _TYPE_BY_USCC_HEAD.get(uscc[:2], TargetType.ORGANISATION)


class FirmStatus(models.TextChoices):
    ACTIVE = "active", _("存续")
    DEREGISTERED = "deregistered", _("注销")
    LICENSE_REVOKED = "revoked", _("吊销")
    CANCELLED = "cancelled", _("撤销")
    MOVED_OUT = "moved_out", _("迁出")


class RiskClass(models.TextChoices):
    """Credit-risk class (国市监信发〔2022〕6号). Internal: never published as a rating."""

    A = "A", _("A类（低风险）")
    B = "B", _("B类（一般风险）")
    C = "C", _("C类（较高风险）")
    D = "D", _("D类（高风险）")


# The flags a planner filters on, as (field name, label).
FIRM_FLAGS = (
    ("abnormal_operation", _("列入经营异常名录")),
    ("serious_violation", _("列入严重违法失信名单")),
    ("complaints", _("有投诉举报")),
)

# Known keys of a tag's detail, with their labels, for display.
TAG_DETAIL_LABELS = {"foreign_staff": _("外籍员工人数")}


class Firm(StripsInvisibleText, models.Model):
    """A target in the directory (检查对象名录库). The directory is shared by all departments.

    Indexes are the list page's filters and nothing more: each one costs load throughput
    (see ../shared/baselines.md). The region and industry indexes use varchar_pattern_ops on
    PostgreSQL so that a prefix (LIKE '2201%') can use them whatever the database's collation;
    the code's uniqueness is a plain UniqueConstraint with the same operator class, which serves
    both the exact and the prefix search by code (unique=True would add a second `_like` index).
    Risk class and status are paired with the id, the list's order, so that one class is read in
    order without sorting; the three flags are rare, so each gets a small partial index.
    """

    uscc = models.CharField(_("统一社会信用代码"), max_length=18)
    name = models.CharField(_("名称"), max_length=200)
    target_type = models.CharField(
        _("对象类型"), max_length=20, choices=TargetType.choices, default=TargetType.ENTERPRISE
    )
    region_code = models.CharField(_("行政区划代码"), max_length=6)
    industry_code = models.CharField(_("行业代码"), max_length=5, blank=True)
    address = models.CharField(_("住所（经营场所）"), max_length=300, blank=True)
    # A natural person's name: shown to staff, never published.
    legal_representative = models.CharField(_("法定代表人（负责人）"), max_length=100, blank=True)
    registered_on = models.DateField(_("成立日期"), null=True, blank=True)
    status = models.CharField(
        _("登记状态"), max_length=20, choices=FirmStatus.choices, default=FirmStatus.ACTIVE
    )
    risk_class = models.CharField(
        _("信用风险分类"), max_length=1, choices=RiskClass.choices, default=RiskClass.B
    )
    abnormal_operation = models.BooleanField(_("列入经营异常名录"), default=False)
    serious_violation = models.BooleanField(_("列入严重违法失信名单"), default=False)
    complaints = models.BooleanField(_("有投诉举报"), default=False)
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("检查对象")
        verbose_name_plural = _("检查对象")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["uscc"], name="firm_uscc_unique", opclasses=["varchar_pattern_ops"]
            ),
            models.CheckConstraint(
                condition=models.Q(risk_class__in=RiskClass.values), name="firm_risk_class_known"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=FirmStatus.values), name="firm_status_known"
            ),
            models.CheckConstraint(
                condition=models.Q(target_type__in=TargetType.values),
                name="firm_target_type_known",
            ),
        ]
        indexes = [
            models.Index(
                fields=["region_code"], name="firm_region_idx", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(
                fields=["industry_code"],
                name="firm_industry_idx",
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(fields=["risk_class", "id"], name="firm_risk_class_idx"),
            models.Index(fields=["status", "id"], name="firm_status_idx"),
            models.Index(
                fields=["id"],
                name="firm_abnormal_idx",
                condition=models.Q(abnormal_operation=True),
            ),
            models.Index(
                fields=["id"],
                name="firm_serious_violation_idx",
                condition=models.Q(serious_violation=True),
            ),
            models.Index(
                fields=["id"], name="firm_complaints_idx", condition=models.Q(complaints=True)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.uscc}）"

    def clean_fields(self, exclude=None) -> None:
        # Fold " 91220102ma0y… " to its 18 characters before the length check sees it.
        try:
            self.uscc = check_uscc(self.uscc)
        except CodeError:
            pass  # clean() names the problem
        super().clean_fields(exclude=exclude)

    def clean(self) -> None:
        """Normalise and check the codes; a region must exist in the region table."""
        from inspections.directory.models.reference import Region

        errors: dict[str, str] = {}
        try:
            self.uscc = check_uscc(self.uscc or "")
        except CodeError as exc:
            errors["uscc"] = exc.message
        try:
            self.region_code = check_region_code(self.region_code or "")
        except CodeError as exc:
            errors["region_code"] = exc.message
        else:
            if not Region.objects.filter(code=self.region_code).exists():
                errors["region_code"] = (
                    f"行政区划代码{self.region_code}不存在（或不在本系统的区划表中）"
                )
        if self.industry_code:
            try:
                self.industry_code = normalise_industry_code(self.industry_code)
            except CodeError as exc:
                errors["industry_code"] = exc.message
        if errors:
            raise ValidationError(errors)

    @property
    def flags(self) -> list[str]:
        return [str(label) for field, label in FIRM_FLAGS if getattr(self, field)]


class FirmTag(StripsInvisibleText, models.Model):
    """A free tag on a firm (e.g. 外籍员工用人单位), with optional figures ({"foreign_staff": 12}).

    A table rather than a JSON column: a tag filter is then an indexed lookup on PostgreSQL and
    SQLite alike, where a JSON key test needs a PostgreSQL-only GIN index to avoid reading every
    firm.
    """

    firm = models.ForeignKey(
        Firm, verbose_name=_("检查对象"), on_delete=models.CASCADE, related_name="tags"
    )
    name = models.CharField(_("标签"), max_length=30)
    detail = models.JSONField(_("说明"), default=dict, blank=True)

    class Meta:
        verbose_name = _("对象标签")
        verbose_name_plural = _("对象标签")
        ordering = ["firm_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["firm", "name"], name="firmtag_once_per_firm"),
        ]
        indexes = [models.Index(fields=["name", "firm"], name="firmtag_name_idx")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """外籍员工用人单位（外籍员工人数 12）"""
        parts = [f"{TAG_DETAIL_LABELS.get(key, key)} {value}" for key, value in self.detail.items()]
        return f"{self.name}（{'，'.join(parts)}）" if parts else self.name

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from backend.text import StripsInvisibleText
from inspections.directory.models.firms import TargetType


class ItemCategory(models.TextChoices):
    """重点 items have no upper ratio limit; 一般 items are capped (国发〔2019〕5号)."""

    KEY = "key", _("重点检查事项")
    GENERAL = "general", _("一般检查事项")


class InspectionMethod(models.TextChoices):
    ONSITE = "onsite", _("实地检查")
    DOCUMENTS = "documents", _("书面检查")
    ONLINE = "online", _("网络监测")
    TESTING = "testing", _("检验检测")
    THIRD_PARTY = "third_party", _("委托专业机构")
    OTHER_DEPARTMENT = "other_department", _("采用其他部门结果")
    # 非现场监管 (国办发〔2024〕54号: 能通过书面核查、信息共享、智慧监管等方式监管的，不得入企).
    DATA_SHARING = "data_sharing", _("信息共享比对")
    REMOTE_VIDEO = "remote_video", _("远程视频")


# The methods that take officers into the firm; the others are non-site (非现场), which the
# 2025 rules put first: choosing a visit where an item allows a non-site method needs a reason.
SITE_VISITS = frozenset(
    {InspectionMethod.ONSITE, InspectionMethod.TESTING, InspectionMethod.THIRD_PARTY}
)
NON_SITE = frozenset(InspectionMethod.values) - SITE_VISITS


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    SUPERSEDED = "superseded", _("已被新版本替代")
    RETIRED = "retired", _("已停用")


class InspectionItem(StripsInvisibleText, models.Model):
    """A random-inspection item (随机抽查事项): the stable identity its versions share.

    What the item says lives in its versions; an inspection keeps the version it used. Only a
    published version may be used by a task: "行政检查事项未经公布的，不得实施"
    (国办发〔2024〕54号).
    """

    code = models.CharField(
        _("事项编码"),
        max_length=40,
        unique=True,
        help_text=_("本部门清单中的编号，例如 KJ-2021-001"),
    )
    department = models.ForeignKey(
        "organisation.Department",
        verbose_name=_("责任部门"),
        on_delete=models.PROTECT,
        related_name="inspection_items",
    )
    enforcement_field = models.ForeignKey(
        "personnel.EnforcementField",
        verbose_name=_("执法领域"),
        on_delete=models.PROTECT,
        related_name="inspection_items",
        help_text=_("检查人员的执法证须涵盖此领域"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("随机抽查事项")
        verbose_name_plural = _("随机抽查事项")
        ordering = ["department__code", "code"]

    def __str__(self) -> str:
        return self.code


class InspectionItemVersion(StripsInvisibleText, models.Model):
    """One version of an item. Drafts may be edited; a published version never changes.

    Publishing a draft supersedes the version published before it, which stays on record.
    """

    item = models.ForeignKey(
        InspectionItem, verbose_name=_("事项"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("版本号"))
    name = models.CharField(_("事项名称"), max_length=200)
    category = models.CharField(_("事项类别"), max_length=10, choices=ItemCategory.choices)
    legal_basis = models.TextField(_("检查依据"))
    target_type = models.CharField(
        _("检查对象类型"), max_length=20, choices=TargetType.choices, default=TargetType.ENTERPRISE
    )
    methods = models.JSONField(_("检查方式"), default=list)
    ratio_cap = models.DecimalField(
        _("抽查比例上限"),
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("一般检查事项的抽查比例上限，0 到 1 之间，例如 0.05 表示 5%；重点事项不设上限"),
    )
    frequency = models.CharField(_("抽查频次"), max_length=100, help_text=_("例如：每年不少于1次"))
    status = models.CharField(
        _("状态"), max_length=20, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    change_reason = models.TextField(_("修订说明"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    retired_at = models.DateTimeField(_("停用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("事项版本")
        verbose_name_plural = _("事项版本")
        ordering = ["item_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="item_version_number_unique"),
            models.UniqueConstraint(
                fields=["item"],
                condition=models.Q(status="published"),
                name="item_one_published_version",
            ),
            models.UniqueConstraint(
                fields=["item"], condition=models.Q(status="draft"), name="item_one_draft_version"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=VersionStatus.values), name="item_version_status"
            ),
            # 重点: no cap. 一般: a cap in (0, 1].
            models.CheckConstraint(
                condition=(
                    models.Q(category="key", ratio_cap__isnull=True)
                    | models.Q(category="general", ratio_cap__gt=0, ratio_cap__lte=1)
                ),
                name="item_version_ratio_cap_by_category",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(published_at__isnull=False),
                name="item_version_published_at_once_published",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.code} v{self.number} {self.name}"

    def clean(self) -> None:
        errors = {}
        methods = self.methods if isinstance(self.methods, list) else None
        if not methods:
            errors["methods"] = "请至少选择一种检查方式"
        else:
            unknown = [m for m in methods if m not in InspectionMethod.values]
            if unknown:
                errors["methods"] = f"未知的检查方式：{'、'.join(map(str, unknown))}"
            elif len(set(methods)) != len(methods):
                errors["methods"] = "检查方式不能重复"
        if self.category == ItemCategory.KEY and self.ratio_cap is not None:
            errors["ratio_cap"] = "重点检查事项不设抽查比例上限"
        if self.category == ItemCategory.GENERAL:
            if self.ratio_cap is None:
                errors["ratio_cap"] = "一般检查事项须设定抽查比例上限"
            elif not (Decimal(0) < self.ratio_cap <= Decimal(1)):
                errors["ratio_cap"] = "抽查比例上限应大于0且不超过100%"
        if errors:
            raise ValidationError(errors)

    @property
    def is_published(self) -> bool:
        return self.status == VersionStatus.PUBLISHED

    @property
    def method_labels(self) -> list[str]:
        return [str(InspectionMethod(m).label) for m in self.methods if m in InspectionMethod]

    @property
    def ratio_cap_percent(self) -> str:
        if self.ratio_cap is None:
            return ""
        return f"{(self.ratio_cap * 100).normalize():f}%"


class CheckPoint(StripsInvisibleText, models.Model):
    """One line of a version's checklist (检查内容), in order."""

    version = models.ForeignKey(
        InspectionItemVersion,
        verbose_name=_("事项版本"),
        on_delete=models.CASCADE,
        related_name="checkpoints",
    )
    position = models.PositiveSmallIntegerField(_("序号"))
    text = models.CharField(_("检查要点"), max_length=500)

    class Meta:
        verbose_name = _("检查要点")
        verbose_name_plural = _("检查要点")
        ordering = ["version_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "position"], name="checkpoint_position_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.text}"


class ItemScopeRule(models.Model):
    """Which firms a version applies to, by rule. A firm matches a rule when it meets every
    condition the rule sets; it matches the version when it matches any of its rules."""

    version = models.ForeignKey(
        InspectionItemVersion,
        verbose_name=_("事项版本"),
        on_delete=models.CASCADE,
        related_name="scope_rules",
    )
    target_type = models.CharField(
        _("对象类型"),
        max_length=20,
        choices=TargetType.choices,
        blank=True,
        help_text=_("留空则为事项的检查对象类型"),
    )
    region_code = models.CharField(
        _("行政区划"),
        max_length=6,
        blank=True,
        help_text=_("含下级区划，例如 220100 含长春市各区县"),
    )
    industry_prefix = models.CharField(
        _("行业代码（前缀）"), max_length=5, blank=True, help_text=_("例如 C36 表示汽车制造业")
    )
    tag = models.CharField(_("标签"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("适用范围规则")
        verbose_name_plural = _("适用范围规则")
        ordering = ["version_id", "id"]

    def __str__(self) -> str:
        parts = [self.get_target_type_display(), self.region_code, self.industry_prefix, self.tag]
        return " / ".join(str(p) for p in parts if p) or "全部"


class ItemFirmListEntry(models.Model):
    """An explicitly listed firm for an item (imported from Excel), named by its code.

    By code rather than by foreign key: a list may name a firm before the directory has it, and
    it applies from the moment the firm arrives.
    """

    item = models.ForeignKey(
        InspectionItem,
        verbose_name=_("事项"),
        on_delete=models.CASCADE,
        related_name="firm_list",
    )
    uscc = models.CharField(_("统一社会信用代码"), max_length=18)

    class Meta:
        verbose_name = _("事项指定对象")
        verbose_name_plural = _("事项指定对象")
        ordering = ["item_id", "uscc"]
        constraints = [
            models.UniqueConstraint(fields=["item", "uscc"], name="item_firm_list_once"),
        ]

    def __str__(self) -> str:
        return self.uscc

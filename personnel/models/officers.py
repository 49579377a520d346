"""Officers (执法检查人员名录库) and the expert pool (专家库)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from backend.codes import CodeError, check_citizen_id, gender_from_citizen_id
from backend.crypto.fields import BlindIndexField, SealedCharField
from backend.organisation.models import Department, EntrustedOrganisation
from backend.text import StripsInvisibleText
from personnel.validators import validate_citizen_id, validate_phone, validate_region_code

# --------------------------------------------------------------------------- officers


class OfficerCategory(models.TextChoices):
    CIVIL_SERVANT = "civil_servant", _("行政执法类公务员")
    CERTIFIED_STAFF = "certified_staff", _("具有行政执法资格的工作人员")
    ROUTINE = "routine", _("从事日常监管工作的人员")


class OfficerStatus(models.TextChoices):
    ON_DUTY = "on_duty", _("在岗")
    OFF_DUTY = "off_duty", _("离岗")
    TRANSFERRED = "transferred", _("调离")
    RETIRED = "retired", _("退休")


# Officers still on a department's roster: the pools list them. 离岗 (leave, secondment) stays on
# the roster and is excluded at the draw with its reason; 调离 and 退休 have left the roster.
ON_ROSTER = (OfficerStatus.ON_DUTY, OfficerStatus.OFF_DUTY)


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


# Bound into the ciphertexts and the index: never change it (the stored values would no longer
# decrypt or be found).
CITIZEN_ID_PURPOSE = "personnel.officer.citizen_id"


class Officer(StripsInvisibleText, models.Model):
    """Someone who may be drawn as an inspector (执法检查人员名录库).

    The citizen ID number and the phone are personal data: pages, the API and exports show them
    through `personnel.selectors.shown_citizen_id` / `shown_phone`, never directly. Both are
    stored encrypted with SM4 (backend.crypto.fields); `Officer.objects.filter(citizen_id=…)`
    finds an officer through the number's keyed SM3 index, which the unique constraint holds.
    """

    name = models.CharField(_("姓名"), max_length=50)
    # Stored normalised (18 characters, upper-case X), so that the index is of one spelling.
    citizen_id = SealedCharField(
        _("公民身份号码"),
        max_length=18,
        validators=[validate_citizen_id],
        purpose=CITIZEN_ID_PURPOSE,
        blind_index="citizen_id_index",
    )
    citizen_id_index = BlindIndexField(
        _("公民身份号码索引"), source="citizen_id", purpose=CITIZEN_ID_PURPOSE
    )
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    phone = SealedCharField(
        _("联系电话"),
        max_length=20,
        blank=True,
        validators=[validate_phone],
        purpose="personnel.officer.phone",
    )
    department = models.ForeignKey(
        Department, verbose_name=_("所属部门"), on_delete=models.PROTECT, related_name="officers"
    )
    position = models.CharField(_("职务"), max_length=50, blank=True)
    category = models.CharField(_("人员类别"), max_length=20, choices=OfficerCategory.choices)
    expertise = models.CharField(
        _("业务专长"), max_length=200, blank=True, help_text=_("多个专长用顿号“、”分隔")
    )
    jurisdiction_area = models.CharField(
        _("管辖片区"),
        max_length=6,
        blank=True,
        validators=[validate_region_code],
        help_text=_("6位行政区划代码，如220102；交叉检查时不检查本片区企业"),
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=OfficerStatus.choices, default=OfficerStatus.ON_DUTY
    )
    # Someone of an entrusted organisation (受委托组织) inspects in the department's name, only
    # within the 委托's period and scope (personnel.eligibility, docs/rules-2025.md).
    entrusted_organisation = models.ForeignKey(
        EntrustedOrganisation,
        verbose_name=_("所属受委托组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="officers",
        help_text=_("本部门委托的组织的人员；只能在委托期内、委托范围内实施检查"),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="officer",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("执法人员")
        verbose_name_plural = _("执法人员")
        ordering = ["department__code", "name", "pk"]
        constraints = [
            # One officer per ID number, held on the number's index (the ciphertexts all differ).
            models.UniqueConstraint(fields=["citizen_id_index"], name="officer_citizen_id_unique"),
            models.CheckConstraint(
                condition=models.Q(category__in=OfficerCategory.values),
                name="officer_category_is_known",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=OfficerStatus.values),
                name="officer_status_is_known",
            ),
            models.CheckConstraint(
                condition=models.Q(gender__in=Gender.values), name="officer_gender_is_known"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, update_fields=None, **kwargs):
        # The index follows the number: a save of the number alone saves its index too.
        if update_fields is not None and "citizen_id" in update_fields:
            update_fields = {*update_fields, "citizen_id_index"}
        super().save(*args, update_fields=update_fields, **kwargs)

    @property
    def expertise_tags(self) -> list[str]:
        return [tag for tag in self.expertise.split("、") if tag]

    def clean(self):
        errors = {}
        if self.citizen_id:
            try:
                self.citizen_id = check_citizen_id(self.citizen_id)
            except CodeError:
                pass  # the field validator reports it
            else:
                if self.gender and self.gender != gender_from_citizen_id(self.citizen_id):
                    errors["gender"] = _("性别与公民身份号码第17位不符")
        if self.user_id and self.department_id and self.user.department_id != self.department_id:
            errors["user"] = _("登录账号必须属于同一部门")
        if (
            self.entrusted_organisation_id
            and self.department_id
            and self.entrusted_organisation.department_id != self.department_id
        ):
            errors["entrusted_organisation"] = _("只能选择本部门委托的受委托组织")
        if errors:
            raise ValidationError(errors)


# --------------------------------------------------------------------------- experts


class Expert(StripsInvisibleText, models.Model):
    """Someone in the expert pool (专家库): advises on an inspection, never counts as an inspector.

    Deliberately not an `Officer`: nothing that draws or counts inspectors can pick an expert.
    """

    department = models.ForeignKey(
        Department, verbose_name=_("所属部门"), on_delete=models.PROTECT, related_name="experts"
    )
    name = models.CharField(_("姓名"), max_length=50)
    field = models.CharField(_("专业领域"), max_length=100)
    organisation = models.CharField(_("工作单位"), max_length=100)
    title = models.CharField(_("职称"), max_length=50, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("专家")
        verbose_name_plural = _("专家")
        ordering = ["department__code", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "name", "organisation"], name="expert_unique_per_department"
            ),
        ]

    def __str__(self) -> str:
        return self.name

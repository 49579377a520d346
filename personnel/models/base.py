from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class EnforcementField(models.Model):
    """An enforcement field (执法领域): what a certificate covers and what an item belongs to.

    An officer may inspect for an item only if a valid certificate covers the item's field.
    """

    code = models.CharField(
        _("领域代码"),
        max_length=30,
        unique=True,
        validators=[
            RegexValidator(
                r"^[A-Z0-9][A-Z0-9_-]{0,29}$", _("领域代码只能包含大写字母、数字、下划线和连字符")
            )
        ],
    )
    name = models.CharField(_("领域名称"), max_length=100, unique=True)
    # The structured scope of the 委托书s (受委托组织): the fields an entrusted organisation's
    # officers may inspect in. Held here because the organisation app sits below personnel and
    # knows no fields; read it as `organisation.enforcement_fields`.
    entrusted_organisations = models.ManyToManyField(
        "organisation.EntrustedOrganisation",
        verbose_name=_("受委托组织"),
        blank=True,
        related_name="enforcement_fields",
    )

    class Meta:
        verbose_name = _("执法领域")
        verbose_name_plural = _("执法领域")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

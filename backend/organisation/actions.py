"""What the organisation app records: the inspection bodies' registration and their entrusted
organisations (docs/rules-2025.md, 执法主体)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from backend.audit.actions import register


@register
class OrganisationAction(models.TextChoices):
    BODY_REGISTER = "organisation.body.register", _("登记执法主体")
    BODY_CHANGE = "organisation.body.change", _("修改执法主体登记")
    ENTRUSTED_ADD = "organisation.entrusted.add", _("登记受委托组织")
    ENTRUSTED_CHANGE = "organisation.entrusted.change", _("修改受委托组织")

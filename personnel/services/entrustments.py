"""The 委托's structured scope: which enforcement fields an entrusted organisation (受委托组织)
may inspect in. The organisation and its 委托书 are backend.organisation's; the fields are
personnel's, so the page's one save goes through here."""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from backend.audit.services import record_event
from backend.organisation import services as organisation_services
from backend.organisation.models import Department, EntrustedOrganisation
from personnel.actions import PersonnelAction
from personnel.models import EnforcementField


@transaction.atomic
def record_entrusted_organisation(
    *,
    actor,
    enforcement_fields: Iterable[EnforcementField],
    department: Department | None = None,
    organisation: EntrustedOrganisation | None = None,
    name: str,
    uscc: str,
    entrustment_number: str,
    scope: str,
    valid_from: date,
    valid_until: date,
    published: bool = False,
) -> EntrustedOrganisation:
    """Register (`department`) or change (`organisation`) an entrusted organisation with the
    fields its 委托 covers. The 委托书 is audited by the organisation app; a change of the
    fields is audited here, with the fields before and after. At least one field: a 委托 that
    covers none would let its officers inspect nothing."""
    fields = list(dict.fromkeys(enforcement_fields))
    if not fields:
        raise ValidationError(
            {"enforcement_fields": "请选择委托范围涵盖的执法领域"}, code="scope_fields_required"
        )
    values = {
        "name": name,
        "uscc": uscc,
        "entrustment_number": entrustment_number,
        "scope": scope,
        "valid_from": valid_from,
        "valid_until": valid_until,
        "published": published,
    }
    if organisation is None:
        organisation = organisation_services.add_entrusted_organisation(
            actor=actor, department=department, **values
        )
        before: list[str] = []
    else:
        organisation = organisation_services.change_entrusted_organisation(
            actor=actor, organisation=organisation, **values
        )
        before = sorted(organisation.enforcement_fields.values_list("code", flat=True))
    after = sorted(f.code for f in fields)
    if before != after:
        organisation.enforcement_fields.set(fields)
        record_event(
            action=PersonnelAction.ENTRUSTMENT_FIELDS,
            actor=actor,
            obj=organisation,
            detail={
                "department": organisation.department.code,
                "entrustment_number": organisation.entrustment_number,
                "before": before,
                "after": after,
            },
        )
    return organisation

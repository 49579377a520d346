"""Writes to the inspection bodies' register (执法主体) and their entrusted organisations
(受委托组织). Each is one audited step; refused input records nothing."""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction

from backend.audit.services import record_event
from backend.organisation.actions import OrganisationAction
from backend.organisation.bodies import may_keep
from backend.organisation.models import Department, EntrustedOrganisation, InspectionBody

BODY_FIELDS = ("legal_status", "legal_basis", "confirmed_on", "announcement_number")
ENTRUSTED_FIELDS = (
    "name",
    "uscc",
    "entrustment_number",
    "scope",
    "valid_from",
    "valid_until",
    "published",
)


def _require_keeper(actor, department: Department) -> None:
    if not may_keep(actor, department):
        raise PermissionDenied("只有本部门的部门管理员或系统管理员可以维护执法主体信息")


def _values(obj, fields) -> dict:
    return {field: getattr(obj, field) for field in fields}


@transaction.atomic
def register_inspection_body(
    *,
    actor,
    department: Department,
    legal_status: str,
    legal_basis: str,
    confirmed_on: date | None = None,
    announcement_number: str = "",
) -> InspectionBody:
    """Record or change `department`'s registration as an inspection body. A changed record
    keeps its before in the audit trail."""
    _require_keeper(actor, department)
    body = InspectionBody.objects.select_for_update().filter(
        department=department
    ).first() or InspectionBody(department=department)
    before = _values(body, BODY_FIELDS) if body.pk else None
    body.legal_status = legal_status or ""
    body.legal_basis = (legal_basis or "").strip()
    body.confirmed_on = confirmed_on
    body.announcement_number = (announcement_number or "").strip()
    body.full_clean()
    if before is None:
        body.save(force_insert=True)
    else:
        body.save(update_fields=[*BODY_FIELDS, "updated_at"])
    record_event(
        action=(
            OrganisationAction.BODY_REGISTER if before is None else OrganisationAction.BODY_CHANGE
        ),
        actor=actor,
        obj=body,
        detail={
            "department": department.code,
            "before": before,
            "after": _values(body, BODY_FIELDS),
        },
    )
    return body


@transaction.atomic
def add_entrusted_organisation(
    *,
    actor,
    department: Department,
    name: str,
    uscc: str,
    entrustment_number: str,
    scope: str,
    valid_from: date,
    valid_until: date,
    published: bool = False,
) -> EntrustedOrganisation:
    _require_keeper(actor, department)
    organisation = EntrustedOrganisation(
        department=department,
        name=(name or "").strip(),
        uscc=uscc or "",
        entrustment_number=(entrustment_number or "").strip(),
        scope=(scope or "").strip(),
        valid_from=valid_from,
        valid_until=valid_until,
        published=published,
    )
    organisation.full_clean()
    organisation.save(force_insert=True)
    record_event(
        action=OrganisationAction.ENTRUSTED_ADD,
        actor=actor,
        obj=organisation,
        detail={"department": department.code, "after": _values(organisation, ENTRUSTED_FIELDS)},
    )
    return organisation


@transaction.atomic
def change_entrusted_organisation(
    *,
    actor,
    organisation: EntrustedOrganisation,
    name: str,
    uscc: str,
    entrustment_number: str,
    scope: str,
    valid_from: date,
    valid_until: date,
    published: bool,
) -> EntrustedOrganisation:
    """Change an entrusted organisation (e.g. end its 委托 early); never deleted, so the period
    still says when it could inspect. The before is kept in the audit trail."""
    organisation = EntrustedOrganisation.objects.select_for_update().get(pk=organisation.pk)
    _require_keeper(actor, organisation.department)
    before = _values(organisation, ENTRUSTED_FIELDS)
    organisation.name = (name or "").strip()
    organisation.uscc = uscc or ""
    organisation.entrustment_number = (entrustment_number or "").strip()
    organisation.scope = (scope or "").strip()
    organisation.valid_from = valid_from
    organisation.valid_until = valid_until
    organisation.published = published
    organisation.full_clean()
    organisation.save(update_fields=[*ENTRUSTED_FIELDS, "updated_at"])
    record_event(
        action=OrganisationAction.ENTRUSTED_CHANGE,
        actor=actor,
        obj=organisation,
        detail={
            "department": organisation.department.code,
            "before": before,
            "after": _values(organisation, ENTRUSTED_FIELDS),
        },
    )
    return organisation

"""The department's review catalogue (审核目录清单), kept by its administrator."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from backend.audit.services import record_event
from legalreview.access import require_catalogue_admin
from legalreview.actions import LegalReviewAction
from legalreview.models import CatalogueEntry
from personnel.models import EnforcementField


def _describe(entry: CatalogueEntry) -> dict:
    return {
        "name": entry.name,
        "decision_type": entry.decision_type,
        "enforcement_field": entry.enforcement_field.code if entry.enforcement_field_id else None,
        "min_amount": None if entry.min_amount is None else str(entry.min_amount),
        "basis": entry.basis,
        "active": entry.active,
    }


def _fill(
    entry: CatalogueEntry,
    *,
    name: str,
    decision_type: str,
    enforcement_field: EnforcementField | None,
    min_amount: Decimal | None,
    basis: str,
) -> None:
    entry.name = (name or "").strip()
    entry.decision_type = decision_type
    entry.enforcement_field = enforcement_field
    entry.min_amount = min_amount
    entry.basis = (basis or "").strip()
    if min_amount is not None and min_amount < 0:
        raise ValidationError(
            {"min_amount": ValidationError("金额下限不能为负数", code="negative_amount")}
        )
    entry.full_clean()


@transaction.atomic
def add_catalogue_entry(
    *,
    actor,
    name: str,
    decision_type: str,
    enforcement_field: EnforcementField | None = None,
    min_amount: Decimal | None = None,
    basis: str = "",
) -> CatalogueEntry:
    """A new line in the actor's department's catalogue."""
    department = actor.department
    require_catalogue_admin(actor, department)
    entry = CatalogueEntry(department=department, created_by=actor)
    _fill(
        entry,
        name=name,
        decision_type=decision_type,
        enforcement_field=enforcement_field,
        min_amount=min_amount,
        basis=basis,
    )
    entry.save()
    record_event(
        action=LegalReviewAction.CATALOGUE_ADD, actor=actor, obj=entry, detail=_describe(entry)
    )
    return entry


@transaction.atomic
def update_catalogue_entry(
    *,
    actor,
    entry: CatalogueEntry,
    name: str,
    decision_type: str,
    enforcement_field: EnforcementField | None = None,
    min_amount: Decimal | None = None,
    basis: str = "",
) -> CatalogueEntry:
    """Change a line. Submissions already made keep the wording they matched."""
    entry = CatalogueEntry.objects.select_for_update().get(pk=entry.pk)
    require_catalogue_admin(actor, entry.department)
    before = _describe(entry)
    _fill(
        entry,
        name=name,
        decision_type=decision_type,
        enforcement_field=enforcement_field,
        min_amount=min_amount,
        basis=basis,
    )
    entry.save(
        update_fields=[
            "name",
            "decision_type",
            "enforcement_field",
            "min_amount",
            "basis",
            "updated_at",
        ]
    )
    record_event(
        action=LegalReviewAction.CATALOGUE_UPDATE,
        actor=actor,
        obj=entry,
        detail={"before": before, "after": _describe(entry)},
    )
    return entry


def _set_active(*, actor, entry: CatalogueEntry, active: bool) -> CatalogueEntry:
    entry = CatalogueEntry.objects.select_for_update().get(pk=entry.pk)
    require_catalogue_admin(actor, entry.department)
    if entry.active == active:
        state = "有效" if active else "停用"
        raise ValidationError(f"目录事项“{entry.name}”已经是{state}状态", code="unchanged")
    entry.active = active
    entry.full_clean()
    entry.save(update_fields=["active", "updated_at"])
    record_event(
        action=LegalReviewAction.CATALOGUE_RESTORE
        if active
        else LegalReviewAction.CATALOGUE_RETIRE,
        actor=actor,
        obj=entry,
        detail={"name": entry.name},
    )
    return entry


@transaction.atomic
def retire_catalogue_entry(*, actor, entry: CatalogueEntry) -> CatalogueEntry:
    """Stop a line from matching new submissions; it stays in the list, marked 停用."""
    return _set_active(actor=actor, entry=entry, active=False)


@transaction.atomic
def restore_catalogue_entry(*, actor, entry: CatalogueEntry) -> CatalogueEntry:
    return _set_active(actor=actor, entry=entry, active=True)

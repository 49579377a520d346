"""Writes to the target directory (检查对象名录库).

The bulk paths (the import, `generate_firms`) validate rows the same way but write in batches;
every path ends with `directory_changed()` so that the cached counts of the list page are
recomputed.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from backend.accounts.roles import Role
from backend.audit.services import record_event
from inspections.directory.actions import DirectoryAction
from inspections.directory.models import Firm, FirmTag, target_type_from_uscc
from inspections.directory.selectors import directory_changed

FIRM_FIELDS = (
    "uscc", "name", "target_type", "region_code", "industry_code", "address",
    "legal_representative", "registered_on", "status", "risk_class", "abnormal_operation",
    "serious_violation", "complaints",
)  # fmt: skip


def _require_planner(actor) -> None:
    """The directory is shared; any department's planner keeps it. `actor=None` is the system."""
    if actor is not None and not actor.has_role(Role.PLANNER):
        raise PermissionDenied("只有计划人员可以维护检查对象名录库")


def _write_tags(firm: Firm, tags: dict[str, dict[str, Any]]) -> None:
    firm.tags.all().delete()
    built = []
    for name, detail in tags.items():
        tag = FirmTag(firm=firm, name=name.strip(), detail=detail or {})
        tag.full_clean(exclude=["firm"])
        built.append(tag)
    FirmTag.objects.bulk_create(built)


@transaction.atomic
def create_firm(*, actor, tags: dict[str, dict[str, Any]] | None = None, **fields: Any) -> Firm:
    """Add one firm. The target type follows from the code unless given."""
    _require_planner(actor)
    unknown = set(fields) - set(FIRM_FIELDS)
    if unknown:
        raise ValidationError({"non_field_errors": f"未知字段：{sorted(unknown)}"})
    firm = Firm(**fields)
    firm.full_clean()
    if "target_type" not in fields:
        firm.target_type = target_type_from_uscc(firm.uscc)
    firm.save(force_insert=True)
    if tags:
        _write_tags(firm, tags)
    transaction.on_commit(directory_changed)
    record_event(
        action=DirectoryAction.FIRM_CREATE,
        actor=actor,
        obj=firm,
        detail={"uscc": firm.uscc, "name": firm.name, "tags": sorted(tags or {})},
    )
    return firm


@transaction.atomic
def update_firm(
    *, actor, firm: Firm, tags: dict[str, dict[str, Any]] | None = None, **changes: Any
) -> Firm:
    """Change some fields of a firm (and, when `tags` is given, replace its tags)."""
    _require_planner(actor)
    unknown = set(changes) - set(FIRM_FIELDS)
    if unknown:
        raise ValidationError({"non_field_errors": f"未知字段：{sorted(unknown)}"})
    firm = Firm.objects.select_for_update().get(pk=firm.pk)
    before = {key: getattr(firm, key) for key in changes}
    for key, value in changes.items():
        setattr(firm, key, value)
    firm.full_clean()
    firm.save(update_fields=[*changes, "updated_at"])
    if tags is not None:
        _write_tags(firm, tags)
    transaction.on_commit(directory_changed)
    record_event(
        action=DirectoryAction.FIRM_UPDATE,
        actor=actor,
        obj=firm,
        detail={
            "changes": {
                k: [before[k], getattr(firm, k)] for k in changes if before[k] != getattr(firm, k)
            },
            "tags": sorted(tags) if tags is not None else None,
        },
    )
    return firm

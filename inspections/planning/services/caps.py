"""Writes to the frequency caps (频次上限): the department administrator sets them, per field and
level, for the department and those under it. Each write is audited with what it set."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from backend.accounts.roles import Role
from backend.audit.services import record_event
from backend.organisation.models import Department
from inspections.planning.actions import PlanningAction
from inspections.planning.models import FrequencyCap

EDITABLE = (
    "enforcement_field",
    "level",
    "limit",
    "counts_routine",
    "counts_campaign",
    "counts_case",
    "exempt_higher_campaigns",
    "note",
)


def _require_admin(actor, department: Department) -> None:
    if actor is None:
        return
    if not actor.has_role(Role.DEPARTMENT_ADMIN) or actor.department_id != department.pk:
        raise PermissionDenied(f"只有{department.name}的部门管理员可以设定检查频次上限")


def _detail(cap: FrequencyCap) -> dict[str, Any]:
    return {
        "field": cap.enforcement_field.code if cap.enforcement_field_id else "",
        "level": cap.level,
        "limit": cap.limit,
        "counts": sorted(cap.kinds),
        "exempt_higher_campaigns": cap.exempt_higher_campaigns,
    }


def _save(cap: FrequencyCap, *, update_fields=None) -> None:
    cap.full_clean(validate_constraints=False)
    # The same field and level twice is a constraint; its refusal in the user's words.
    duplicate = FrequencyCap.objects.filter(
        department_id=cap.department_id,
        enforcement_field_id=cap.enforcement_field_id,
        level=cap.level,
    ).exclude(pk=cap.pk)
    if duplicate.exists():
        raise ValidationError(
            {
                "level": ValidationError(
                    "该执法领域在这一层级已设定上限，请修改原有设定", code="duplicate"
                )
            }
        )
    try:
        with transaction.atomic():
            cap.save(update_fields=update_fields)
    except IntegrityError:
        raise ValidationError(
            {
                "level": ValidationError(
                    "该执法领域在这一层级已设定上限，请修改原有设定", code="duplicate"
                )
            }
        ) from None


@transaction.atomic
def set_frequency_cap(*, actor, department: Department, **values: Any) -> FrequencyCap:
    """A new cap of `department` (values: the EDITABLE fields)."""
    _require_admin(actor, department)
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise TypeError(f"not a cap's field: {sorted(unknown)}")
    cap = FrequencyCap(department=department, updated_by=actor, **values)
    _save(cap)
    record_event(action=PlanningAction.CAP_CREATE, actor=actor, obj=cap, detail=_detail(cap))
    return cap


@transaction.atomic
def update_frequency_cap(*, actor, cap: FrequencyCap, **values: Any) -> FrequencyCap:
    cap = FrequencyCap.objects.select_for_update().get(pk=cap.pk)
    _require_admin(actor, cap.department)
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise TypeError(f"not a cap's field: {sorted(unknown)}")
    before = _detail(cap)
    for name, value in values.items():
        setattr(cap, name, value)
    cap.updated_by = actor
    _save(cap, update_fields=[*values, "updated_by", "updated_at"])
    record_event(
        action=PlanningAction.CAP_UPDATE,
        actor=actor,
        obj=cap,
        detail={"before": before, "after": _detail(cap)},
    )
    return cap

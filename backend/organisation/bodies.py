"""Reads and checks of the inspection bodies (执法主体): who is registered, and the refusal the
tasks use (docs/rules-2025.md).

A department is registered on a day when its `InspectionBody` was confirmed and announced on or
before that day. With `REQUIRE_REGISTERED_BODIES` off (the default, so that an upgraded
installation keeps inspecting) an unregistered department is shown as 未登记 but not refused.
"""

from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from backend.organisation.models import Department, EntrustedOrganisation, InspectionBody


def registered_bodies(on: date) -> QuerySet[InspectionBody]:
    return InspectionBody.objects.filter(confirmed_on__isnull=False, confirmed_on__lte=on)


def is_registered(on: date) -> Exists:
    """An annotation/filter for departments: registered as an inspection body on `on`."""
    return Exists(registered_bodies(on).filter(department=OuterRef("pk")))


def unregistered(departments: Iterable[Department], *, on: date | None = None) -> list[Department]:
    """Those of `departments` not registered on `on` (today by default), in the order given."""
    departments = list(departments)
    on = on or timezone.localdate()
    registered = set(
        registered_bodies(on)
        .filter(department__in=[d.pk for d in departments])
        .values_list("department_id", flat=True)
    )
    return [d for d in departments if d.pk not in registered]


def check_registered(departments: Iterable[Department], *, on: date | None = None) -> None:
    """Refuse, in Chinese, departments that are not registered inspection bodies, when the
    setting requires registration; nothing otherwise."""
    if not settings.REQUIRE_REGISTERED_BODIES:
        return
    missing = unregistered(departments, on=on)
    if missing:
        names = "、".join(d.name for d in missing)
        raise ValidationError(
            {
                "non_field_errors": f"{names}尚未登记为执法主体（未经确认公告），"
                "不能发起或公告抽查任务"
            },
            code="body_not_registered",
        )


def entrusted_valid_on(on: date) -> QuerySet[EntrustedOrganisation]:
    return EntrustedOrganisation.objects.filter(valid_from__lte=on, valid_until__gte=on)


def bodies_for_staff(user) -> QuerySet[Department]:
    """The departments whose registration `user` keeps: all for the system administrator, the
    own department for a 部门管理员, none for anyone else."""
    from backend.accounts.roles import Role

    departments = Department.objects.select_related("inspection_body")
    if user.role == Role.SYSTEM_ADMIN:
        return departments
    if user.role == Role.DEPARTMENT_ADMIN and user.department_id:
        return departments.filter(pk=user.department_id)
    return departments.none()


def may_keep(user, department: Department) -> bool:
    return bodies_for_staff(user).filter(pk=department.pk).exists()


def public_bodies(on: date) -> QuerySet[Department]:
    """The departments registered on `on`, with their published entrusted organisations valid
    that day; what the portal shows (no person is named)."""
    return (
        Department.objects.filter(is_registered(on))
        .select_related("inspection_body")
        .order_by("code")
    )


def public_entrusted(on: date) -> QuerySet[EntrustedOrganisation]:
    return entrusted_valid_on(on).filter(Q(published=True)).order_by("department__code", "name")

"""Who sees which officers, and who sees their ID numbers and phones.

Every page, API and export of the personnel app reads through these functions:

- a department administrator, a planner and a legal reviewer see their own department's
  officers; an inspector sees their own officer record; the other roles see none;
- only a department administrator manages officers, and only their own department's;
- only the officer's own department administrator sees the full ID number and phone; everyone
  else, the officer included, sees them masked.
"""

from django.db.models import QuerySet
from django.http import Http404

from backend.accounts.roles import Role
from backend.accounts.selectors import departments_visible_to, scope_to_department
from backend.codes import CodeError, check_citizen_id, mask_citizen_id, mask_phone
from backend.organisation.models import Department
from personnel.models import (
    Certificate,
    Expert,
    Officer,
    RecusalRequest,
)

# The roles that work with their department's officer directory.
DIRECTORY_ROLES = (Role.DEPARTMENT_ADMIN, Role.PLANNER, Role.LEGAL_REVIEWER)
# The roles that see the pools' counts: the directory roles for their department, the system
# administrator for every department.
POOL_ROLES = (*DIRECTORY_ROLES, Role.SYSTEM_ADMIN)


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def officers_visible_to(user) -> QuerySet[Officer]:
    officers = Officer.objects.select_related("department", "user")
    if not _active(user):
        return officers.none()
    if user.role in DIRECTORY_ROLES:
        return scope_to_department(officers, user)
    if user.role == Role.INSPECTOR:
        return officers.filter(user=user)
    return officers.none()


def officers_managed_by(user) -> QuerySet[Officer]:
    officers = Officer.objects.select_related("department", "user")
    if not (_active(user) and user.role == Role.DEPARTMENT_ADMIN):
        return officers.none()
    return scope_to_department(officers, user)


def may_manage(user, officer: Officer) -> bool:
    """Whether `user` may change `officer` and their records (the services check it again)."""
    return (
        _active(user)
        and user.role == Role.DEPARTMENT_ADMIN
        and user.department_id == officer.department_id
    )


def get_officer_for_user(user, pk: int) -> Officer:
    """The officer, if `user` may see them; 404 otherwise (not 403: do not confirm it exists)."""
    try:
        return officers_visible_to(user).get(pk=pk)
    except Officer.DoesNotExist:
        raise Http404("未找到该执法人员") from None


def get_officer_for_manager(user, pk: int) -> Officer:
    try:
        return officers_managed_by(user).get(pk=pk)
    except Officer.DoesNotExist:
        raise Http404("未找到该执法人员") from None


def certificates_visible_to(user) -> QuerySet[Certificate]:
    return Certificate.objects.filter(officer__in=officers_visible_to(user)).select_related(
        "officer__department"
    )


def get_certificate_for_manager(user, pk: int) -> Certificate:
    certificates = Certificate.objects.filter(officer__in=officers_managed_by(user))
    try:
        return certificates.select_related("officer__department").get(pk=pk)
    except Certificate.DoesNotExist:
        raise Http404("未找到该执法证") from None


def get_recusal_for_manager(user, pk: int) -> RecusalRequest:
    recusals = RecusalRequest.objects.filter(officer__in=officers_managed_by(user))
    try:
        return recusals.select_related("officer__department").get(pk=pk)
    except RecusalRequest.DoesNotExist:
        raise Http404("未找到该回避申请") from None


def experts_visible_to(user) -> QuerySet[Expert]:
    experts = Expert.objects.select_related("department")
    if not (_active(user) and user.role in DIRECTORY_ROLES):
        return experts.none()
    return scope_to_department(experts, user)


def pool_departments_visible_to(user) -> QuerySet[Department]:
    """The departments whose pool counts `user` sees."""
    if not (_active(user) and user.role in POOL_ROLES):
        return Department.objects.none()
    return departments_visible_to(user)


# --------------------------------------------------------------------------- personal data


def may_see_personal_data(viewer, officer: Officer) -> bool:
    """Only the officer's own department administrator sees the full ID number and phone."""
    return (
        _active(viewer)
        and viewer.role == Role.DEPARTMENT_ADMIN
        and viewer.department_id == officer.department_id
    )


def shown_citizen_id(viewer, officer: Officer) -> str:
    if may_see_personal_data(viewer, officer):
        return officer.citizen_id
    return mask_citizen_id(officer.citizen_id)


def shown_phone(viewer, officer: Officer) -> str:
    if not officer.phone:
        return ""
    if may_see_personal_data(viewer, officer):
        return officer.phone
    return mask_phone(officer.phone)


def find_officer_by_citizen_id(user, citizen_id: str) -> Officer | None:
    """For a department administrator only: their own department's officer with that number.

    The number arrives in a POST body, never in a URL, and is not logged.
    """
    try:
        number = check_citizen_id(citizen_id)
    except CodeError:
        return None
    return officers_managed_by(user).filter(citizen_id=number).first()

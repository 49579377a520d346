"""Reads of the result code table (检查结果代码) for the people who keep it."""

from backend.accounts.roles import Role
from fieldwork.models import Inspection, ResultCode


def parents_for(user):
    """The codes under which `user` may add a child."""
    shared = ResultCode.objects.filter(parent__isnull=True, department__isnull=True, active=True)
    if user.has_role(Role.SYSTEM_ADMIN):
        return shared
    if user.has_role(Role.DEPARTMENT_ADMIN):
        # Only a category that already has shared sub-codes: a first child would force every
        # department to pick a child of a code that had none.
        shared_children = ResultCode.objects.filter(parent__isnull=False, department__isnull=True)
        return shared.filter(pk__in=shared_children.values("parent_id"))
    return ResultCode.objects.none()


def is_used(result_code: ResultCode) -> bool:
    """Whether any inspection's current result carries the code."""
    # Read in Python: SQLite has no JSON containment, and the table is edited rarely.
    results = Inspection.objects.exclude(result_codes=[]).values_list("result_codes", flat=True)
    return any(result_code.code in codes for codes in results.iterator())

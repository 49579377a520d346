"""Who publishes a department's results: the access check of disclosure's services and pages."""

from django.core.exceptions import PermissionDenied

from backend.accounts.roles import Role
from backend.organisation.models import Department

PUBLISHERS = (Role.PLANNER, Role.DEPARTMENT_ADMIN)


def require_publisher(actor, department: Department) -> None:
    """A planner or the department administrator of the department that inspected."""
    if not actor.has_role(*PUBLISHERS) or actor.department_id != department.pk:
        raise PermissionDenied(
            f"检查结果由实施检查的部门（{department.name}）的计划人员或部门管理员公示"
        )

"""Who may change a department's personnel."""

from django.core.exceptions import PermissionDenied

from backend.accounts.models import User
from backend.accounts.roles import Role
from backend.organisation.models import Department


def ensure_manages(actor: User | None, department: Department) -> None:
    """Only a department administrator manages a department's personnel, and only their own."""
    if actor is None:
        return
    if not (actor.has_role(Role.DEPARTMENT_ADMIN) and actor.department_id == department.pk):
        raise PermissionDenied("只能由本部门的部门管理员管理本部门的执法人员")

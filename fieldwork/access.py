"""Who may do what to an inspection: the access checks of fieldwork's services and pages.

Each `require_*` raises PermissionDenied with the reason in Chinese; each `is_*`/`may_*` answers
the same question for a page that shows or hides a button. `lock_inspection` is the row lock
every append to an inspection's chain takes first (as `inspections.planning.access.lock_task`
for a task).
"""

from django.core.exceptions import PermissionDenied, ValidationError

from backend.accounts.roles import Role
from fieldwork.models import Inspection, ResultCode


def _refuse(message: str, code: str, field: str = "non_field_errors") -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def officer_of(user):
    """The officer record linked to a login, or None."""
    return getattr(user, "officer", None) if user is not None else None


def is_member(user, inspection: Inspection) -> bool:
    officer = officer_of(user)
    return officer is not None and inspection.members.filter(officer=officer).exists()


def require_member(user, inspection: Inspection) -> None:
    """Only the inspection's drawn team writes its record (a replacement draw counts at once)."""
    if not user.has_role(Role.INSPECTOR):
        raise PermissionDenied("只有执法人员可以记录检查过程")
    if is_member(user, inspection):
        return
    from fieldwork.services.inspections import sync_teams

    if sync_teams(task=inspection.task) and is_member(user, inspection):
        return
    raise PermissionDenied(f"您不是检查{inspection.code}的检查组成员，不能记录")


def require_result_reviewer(user, inspection: Inspection) -> None:
    """The lead department's head (部门管理员) reviews results; never a member of the team."""
    task = inspection.task
    if not user.has_role(Role.DEPARTMENT_ADMIN) or user.department_id != task.department_id:
        raise PermissionDenied(f"检查结果须由发起部门（{task.department.name}）负责人审核")
    if is_member(user, inspection):
        raise PermissionDenied("检查组成员不能审核本组的检查结果")


def require_approval(inspection: Inspection) -> None:
    """No stage is recorded before the head's approval (行政检查审批), unless the team started
    in an emergency (fieldwork/services/approvals.py)."""
    if not inspection.may_proceed:
        raise _refuse(
            f"检查{inspection.code}尚未经发起部门负责人审批，不能开始实施；"
            "确因紧急情况需要先行检查的，请选择“紧急先行检查”并说明理由",
            "not_approved",
        )


def lock_inspection(inspection: Inspection) -> Inspection:
    """The inspection row, locked: appends to one chain happen one at a time."""
    return (
        Inspection.objects.select_for_update()
        .select_related("task", "task__department", "firm")
        .get(pk=inspection.pk)
    )


def require_head(user, inspection: Inspection) -> None:
    """The lead department's head (部门管理员) approves; never a member of the team."""
    department = inspection.task.department
    if (
        user is None
        or not user.has_role(Role.DEPARTMENT_ADMIN)
        or user.department_id != department.pk
    ):
        raise PermissionDenied(f"行政检查须由发起部门（{department.name}）负责人审批，您无权审批")
    if is_member(user, inspection):
        raise PermissionDenied("检查组成员不能审批本组的检查")


# Roles of the lead department that record follow-ups and close and archive inspections.
LEAD_ROLES = (Role.PLANNER, Role.DEPARTMENT_ADMIN)


def is_lead_staff(user, inspection: Inspection) -> bool:
    return (
        user is not None
        and user.is_authenticated
        and user.has_role(*LEAD_ROLES)
        and user.department_id == inspection.task.department_id
    )


def may_record_follow_ups(user, inspection: Inspection) -> bool:
    if is_lead_staff(user, inspection):
        return True
    return user is not None and user.has_role(Role.INSPECTOR) and is_member(user, inspection)


def require_follow_up_recorder(user, inspection: Inspection) -> None:
    if not may_record_follow_ups(user, inspection):
        raise PermissionDenied(
            f"后续处置须由检查组成员或发起部门（{inspection.task.department.name}）的"
            "计划人员、部门管理员登记"
        )


def require_lead_staff(user, inspection: Inspection, what: str) -> None:
    if not is_lead_staff(user, inspection):
        raise PermissionDenied(
            f"{what}须由发起部门（{inspection.task.department.name}）的计划人员或部门管理员办理"
        )


def may_manage_result_code(user, result_code: ResultCode) -> bool:
    """Shared codes: the system administrator. A department's codes: its administrator."""
    if user is None or not user.is_authenticated:
        return False
    if result_code.department_id is None:
        return user.has_role(Role.SYSTEM_ADMIN)
    return user.has_role(Role.DEPARTMENT_ADMIN) and user.department_id == result_code.department_id


def require_result_code_manager(user, result_code: ResultCode) -> None:
    if not may_manage_result_code(user, result_code):
        if result_code.department_id is None:
            raise PermissionDenied("通用的检查结果代码由系统管理员维护")
        raise PermissionDenied("部门专用的检查结果代码由该部门的部门管理员维护")

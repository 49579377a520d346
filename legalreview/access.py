"""Who may do what in legal review: the few checks every service and page goes through.

- A decision is drafted by a seated member of the inspection's team (an inspector) or by the
  department administrator of a department taking part in the task; it belongs to the
  drafter's department, whose administrator (the head, 负责人) issues it.
- It is reviewed by a legal reviewer (法制审核人员) of that department who has no conflict:
  not on the inspection's team, not its drafter or submitter, and no declared conflict of
  interest with the firm (personnel's ConflictOfInterest, by 统一社会信用代码, valid today).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone

from backend.accounts.roles import Role
from backend.organisation.models import Department
from fieldwork.access import is_member, officer_of
from fieldwork.models import Inspection
from legalreview.models import Decision, LegalReview
from personnel.models import ConflictOfInterest


def task_departments(inspection: Inspection) -> set[int]:
    task = inspection.task
    return {task.department_id, *task.participations.values_list("department_id", flat=True)}


def drafting_department(user, inspection: Inspection) -> Department:
    """The department a decision drafted by `user` for `inspection` belongs to, or a refusal."""
    if user.has_role(Role.INSPECTOR) and is_member(user, inspection):
        return user.department
    if user.has_role(Role.DEPARTMENT_ADMIN) and user.department_id in task_departments(inspection):
        return user.department
    raise PermissionDenied(
        f"只有检查{inspection.code}的检查组成员或参与部门的负责人（部门管理员）可以拟定执法决定"
    )


def may_write(user, decision: Decision) -> bool:
    """The drafter's department: its administrator, or its officers on the inspection's team."""
    if user is None or user.department_id != decision.department_id:
        return False
    if user.has_role(Role.DEPARTMENT_ADMIN):
        return True
    return user.has_role(Role.INSPECTOR) and is_member(user, decision.inspection)


def require_writer(user, decision: Decision) -> None:
    if not may_write(user, decision):
        raise PermissionDenied(
            f"只有{decision.department.name}的检查组成员或部门管理员可以修改、提交或撤回该决定"
        )


def may_issue(user, decision: Decision) -> bool:
    return (
        user is not None
        and user.has_role(Role.DEPARTMENT_ADMIN)
        and user.department_id == decision.department_id
    )


def require_issuer(user, decision: Decision) -> None:
    if not may_issue(user, decision):
        raise PermissionDenied(f"执法决定须由{decision.department.name}负责人（部门管理员）作出")


def recusal_reasons(user, decision: Decision) -> list[str]:
    """Why `user` must not review `decision` (回避), in Chinese; empty when nothing stands."""
    inspection = decision.inspection
    reasons = []
    if is_member(user, inspection):
        reasons.append(f"您是检查{inspection.code}的检查组成员")
    if decision.drafted_by_id == user.pk:
        reasons.append("您是该决定的拟稿人")
    elif decision.reviews.filter(submitted_by=user).exists():
        reasons.append("您曾提交该决定送审")
    officer = officer_of(user)
    if officer is not None:
        today = timezone.localdate()
        conflict = (
            ConflictOfInterest.objects.filter(
                officer=officer, firm_uscc=inspection.firm_uscc, valid_from__lte=today
            )
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
            .first()
        )
        if conflict is not None:
            reasons.append(
                f"您与{inspection.firm_name}存在利害关系（{conflict.get_relation_display()}，"
                f"{conflict.get_source_display()}）"
            )
    return reasons


def is_reviewer_for(user, decision: Decision) -> bool:
    """Holds the legal-review role in the deciding department (conflicts aside)."""
    return (
        user is not None
        and user.has_role(Role.LEGAL_REVIEWER)
        and user.department_id == decision.department_id
    )


def require_reviewer(user, decision: Decision) -> None:
    if not is_reviewer_for(user, decision):
        raise PermissionDenied(
            f"该决定须由{decision.department.name}的法制审核人员审核，您没有审核权限"
        )
    reasons = recusal_reasons(user, decision)
    if reasons:
        raise PermissionDenied(f"您应当回避，不能审核该决定：{'；'.join(reasons)}")


def require_catalogue_admin(user, department: Department) -> None:
    if not (user.has_role(Role.DEPARTMENT_ADMIN) and user.department_id == department.pk):
        raise PermissionDenied(f"只有{department.name}的部门管理员可以维护审核目录清单")


def may_extend(user, review: LegalReview) -> bool:
    decision = review.decision
    if user is None or user.department_id != decision.department_id:
        return False
    if user.has_role(Role.DEPARTMENT_ADMIN):
        return True
    return is_reviewer_for(user, decision) and not recusal_reasons(user, decision)

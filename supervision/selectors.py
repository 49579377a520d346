"""Who reads what of 行政执法监督: the supervisor reads every department's inspections and every
opinion; a department's 部门管理员 reads only the opinions addressed to the department."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from backend.accounts.roles import Role
from fieldwork.models import Inspection
from supervision.models import OpinionState, SupervisionOpinion


def is_supervisor(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_role(Role.SUPERVISOR))


def require_supervisor(user) -> None:
    if not is_supervisor(user):
        raise PermissionDenied("只有执法监督人员可以提出监督意见")


def opinions_visible_to(user) -> QuerySet[SupervisionOpinion]:
    opinions = SupervisionOpinion.objects.select_related(
        "department", "issued_by", "inspection", "task", "answer", "answer__answered_by"
    )
    if is_supervisor(user):
        return opinions
    if getattr(user, "is_authenticated", False) and user.has_role(Role.DEPARTMENT_ADMIN):
        return opinions.filter(department_id=user.department_id)
    return opinions.none()


def get_opinion_for_user(user, pk: int) -> SupervisionOpinion:
    try:
        return opinions_visible_to(user).get(pk=pk)
    except SupervisionOpinion.DoesNotExist:
        raise Http404("未找到该监督意见") from None


def filter_opinions(
    opinions: QuerySet[SupervisionOpinion],
    *,
    today: date,
    state: str = "",
    q: str = "",
    department: int | None = None,
) -> QuerySet[SupervisionOpinion]:
    if state == OpinionState.ANSWERED:
        opinions = opinions.filter(answer__isnull=False)
    elif state == OpinionState.OVERDUE:
        opinions = opinions.filter(answer__isnull=True, due_on__lt=today)
    elif state == OpinionState.PENDING:
        opinions = opinions.filter(answer__isnull=True, due_on__gte=today)
    if department:
        opinions = opinions.filter(department_id=department)
    q = (q or "").strip()
    if q:
        opinions = opinions.filter(
            Q(text__icontains=q)
            | Q(warning_text__icontains=q)
            | Q(inspection__code__icontains=q)
            | Q(inspection__firm_name__icontains=q)
            | Q(task__code__icontains=q)
        )
    return opinions


def inspections_for_supervisor(user) -> QuerySet[Inspection]:
    """Every department's inspections for the supervisor; nothing for anyone else."""
    rows = Inspection.objects.select_related("task", "task__department")
    return rows if is_supervisor(user) else rows.none()


def get_inspection_for_supervisor(user, pk: int) -> Inspection:
    try:
        return inspections_for_supervisor(user).get(pk=pk)
    except Inspection.DoesNotExist:
        raise Http404("未找到该检查") from None

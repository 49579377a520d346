"""The writes of 行政执法监督: the supervisor's opinion and the department's answer. Both are
final records, each audited; nothing here edits or deletes one."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from backend.accounts.roles import Role
from backend.audit.services import record_event
from backend.organisation.models import Department
from backend.workdays.selectors import working_day_deadline
from fieldwork.models import Inspection
from inspections.planning.models import SamplingTask
from supervision.actions import SupervisionAction
from supervision.models import OpinionAnswer, OpinionSubject, SupervisionOpinion, WarningKind
from supervision.selectors import require_supervisor

MAX_WORKING_DAYS = 60


def _refuse(message: str, code: str, field: str = "non_field_errors") -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _task_departments(task: SamplingTask) -> set[int]:
    return {task.department_id, *task.departments.values_list("pk", flat=True)}


@transaction.atomic
def issue_opinion(
    *,
    actor,
    department: Department | None,
    text: str,
    working_days: int,
    inspection: Inspection | None = None,
    task: SamplingTask | None = None,
    warning_kind: str = "",
    warning_text: str = "",
) -> SupervisionOpinion:
    """The supervisor records an opinion to a department about an inspection, a task or a
    warning; it is due `working_days` working days after today (the working-day calendar)."""
    require_supervisor(actor)
    text = (text or "").strip()
    warning_text = (warning_text or "").strip()
    if not text:
        raise _refuse("请填写监督意见", "text_required", "text")
    if not isinstance(working_days, int) or not 1 <= working_days <= MAX_WORKING_DAYS:
        raise _refuse(
            f"答复期限须为1至{MAX_WORKING_DAYS}个工作日", "working_days_range", "working_days"
        )
    if department is None:
        raise _refuse("请选择被监督部门", "department_required", "department")
    if inspection is not None:
        subject, task = OpinionSubject.INSPECTION, inspection.task
    elif task is not None:
        subject = OpinionSubject.TASK
    elif warning_kind:
        subject = OpinionSubject.WARNING
    else:
        raise _refuse("请说明监督意见针对的检查、抽查任务或监督预警", "subject_required")
    if warning_kind and warning_kind not in WarningKind.values:
        raise _refuse("预警类型不存在", "warning_kind_unknown", "warning_kind")
    if subject == OpinionSubject.WARNING and not warning_text:
        raise _refuse("请写明所针对的预警内容", "warning_text_required", "warning_text")
    if task is not None and department.pk not in _task_departments(task):
        raise _refuse(
            "被监督部门须为该抽查任务的发起或参与部门", "department_not_involved", "department"
        )
    today = timezone.localdate()
    deadline = working_day_deadline(today, working_days)
    opinion = SupervisionOpinion(
        department=department,
        subject=subject,
        inspection=inspection,
        task=task,
        warning_kind=warning_kind,
        warning_text=warning_text,
        text=text,
        issued_on=today,
        due_on=deadline.due,
        working_days=working_days,
        issued_by=actor,
    )
    opinion.full_clean()
    opinion.save()
    record_event(
        action=SupervisionAction.OPINION_ISSUE,
        actor=actor,
        obj=opinion,
        detail={
            "number": opinion.number,
            "department": department.code,
            "subject": subject,
            "inspection": inspection.code if inspection else "",
            "task": task.code if task else "",
            "warning_kind": warning_kind,
            "due_on": opinion.due_on.isoformat(),
            "working_days": working_days,
            "calendar_warning": deadline.warning,
        },
    )
    return opinion


@transaction.atomic
def answer_opinion(*, actor, opinion: SupervisionOpinion, text: str) -> OpinionAnswer:
    """The addressed department's 部门管理员 answers, once; a late answer is still received and
    stays marked late."""
    if not (
        getattr(actor, "is_authenticated", False)
        and actor.has_role(Role.DEPARTMENT_ADMIN)
        and actor.department_id == opinion.department_id
    ):
        raise PermissionDenied("只有被监督部门的部门管理员可以答复监督意见")
    text = (text or "").strip()
    if not text:
        raise _refuse("请填写答复内容", "text_required", "text")
    locked = SupervisionOpinion.objects.select_for_update().get(pk=opinion.pk)
    if OpinionAnswer.objects.filter(opinion=locked).exists():
        raise _refuse("该监督意见已答复，答复不能修改", "already_answered")
    answer = OpinionAnswer(
        opinion=locked, text=text, answered_on=timezone.localdate(), answered_by=actor
    )
    answer.full_clean()
    answer.save()
    record_event(
        action=SupervisionAction.OPINION_ANSWER,
        actor=actor,
        obj=locked,
        detail={
            "number": locked.number,
            "department": locked.department.code,
            "answered_on": answer.answered_on.isoformat(),
            "due_on": locked.due_on.isoformat(),
            "late": answer.late,
        },
    )
    return answer


def record_warnings_export(*, actor, filters: dict, rows: int) -> None:
    """An export of the warnings leaves a trace, like the audit log's own export."""
    record_event(
        action=SupervisionAction.WARNINGS_EXPORT,
        actor=actor,
        detail={"filters": filters, "rows": rows},
    )


def record_annual_export(*, actor, year: int, departments: list[str]) -> None:
    """An export of the year's statistics leaves a trace, like the warnings' export."""
    record_event(
        action=SupervisionAction.ANNUAL_EXPORT,
        actor=actor,
        detail={"year": year, "departments": departments},
    )

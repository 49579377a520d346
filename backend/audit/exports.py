"""The audit trail as a spreadsheet: at once for a small filter, by a background job for a large
one (more than EXPORT_INLINE_MAX_ROWS events), which the audit administrator downloads from
我的导出 (backend/jobs/work.py). Both write the same rows."""

from django.core.exceptions import ValidationError
from django.utils import timezone

from backend.audit.actions import AuditTrailAction
from backend.audit.filters import AuditEventFilter
from backend.audit.selectors import events_visible_to
from backend.jobs.dispatch import job_task
from backend.jobs.work import (
    Outcome,
    WorkKind,
    atomic_file,
    counted,
    job_file_path,
    register_work_kind,
    run_work,
    start_work,
    write_table,
)

EXPORT_HEADERS = [
    "编号", "时间", "账号", "角色", "部门", "IP地址", "操作", "操作代码", "对象类型", "对象标识",
    "结果", "请求编号", "哈希",
]  # fmt: skip
SHEET_TITLE = "审计日志"
AUDIT_EXPORT_JOB = "audit.export"


def event_rows(queryset):
    local = timezone.get_current_timezone()
    for e in queryset.order_by("id").iterator(chunk_size=2000):
        yield [
            e.id,
            e.created_at.astimezone(local).replace(tzinfo=None),
            e.actor_username,
            e.role_label,
            e.department_code,
            e.ip or "",
            e.action_label,
            e.action,
            e.object_type,
            e.object_id,
            e.get_outcome_display(),
            e.request_id,
            e.hash,
        ]


def _run_export_job(job, progress) -> Outcome:
    event_filter = AuditEventFilter(
        job.params["filters"], queryset=events_visible_to(job.created_by)
    )
    if not event_filter.is_valid():
        raise ValidationError("筛选条件有误，无法导出。")
    fmt = job.params["format"]
    path = job_file_path(job, f".{fmt}")
    with atomic_file(path) as out:
        count = write_table(
            out,
            fmt=fmt,
            headers=EXPORT_HEADERS,
            rows=counted(event_rows(event_filter.qs), job, progress),
            sheet_title=SHEET_TITLE,
        )
    stamp = timezone.localtime(job.created_at).strftime("%Y%m%d%H%M%S")
    return Outcome(
        message=f"已导出 {count} 条审计日志。",
        file=path,
        filename=f"audit-{stamp}.{fmt}",
        rows=count,
    )


@job_task("backend.audit.export_events", kind="export")
def export_events_task(job_id: int) -> None:
    run_work(job_id)


def start_export_job(*, actor, filters: dict, fmt: str, total: int):
    return start_work(
        kind=AUDIT_EXPORT_JOB,
        params={"format": fmt, "filters": filters},
        actor=actor,
        total=total,
    )


def register_export_job() -> None:
    register_work_kind(
        WorkKind(
            AUDIT_EXPORT_JOB,
            "审计日志导出",
            _run_export_job,
            export_events_task,
            "export",
            audit_action=AuditTrailAction.EXPORT,
        )
    )

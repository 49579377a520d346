from django.db.models import Q, QuerySet

from backend.accounts.selectors import scope_to_department
from backend.imports.models import ImportJob, Status
from backend.imports.registry import all_importers
from backend.jobs.registry import JobRow, JobState


def import_jobs_visible_to(user) -> QuerySet:
    """A department's imports are seen by its own staff who may run that kind of import.

    The role matters too: an error report holds the rows as they were sent (for officers, the
    full ID numbers and phones), which the department's other roles see only masked.
    """
    jobs = scope_to_department(ImportJob.objects.select_related("created_by"), user)
    if not getattr(user, "is_authenticated", False):
        return jobs
    kinds = [
        kind for kind, importer in all_importers().items() if user.has_role(*importer.allowed_roles)
    ]
    return jobs.filter(kind__in=kinds)


_STATES = {
    Status.QUEUED: JobState.QUEUED,
    Status.READING: JobState.RUNNING,
    Status.APPLYING: JobState.RUNNING,
    Status.DONE: JobState.DONE,
    Status.REJECTED: JobState.FAILED,
    Status.FAILED: JobState.FAILED,
}


def import_job_rows(*, query: str, state: str, limit: int) -> list[JobRow]:
    """Every department's imports, for the system administrator's jobs page: the file's name,
    state and outcome, never its rows (the error report stays with the department)."""
    jobs = ImportJob.objects.select_related("created_by", "department")
    if state:
        jobs = jobs.filter(status__in=[s for s, js in _STATES.items() if js == state])
    if query:
        jobs = jobs.filter(
            Q(filename__icontains=query)
            | Q(created_by__username__icontains=query)
            | Q(created_by__display_name__icontains=query)
            | Q(department__name__icontains=query)
            | Q(worker__icontains=query)
            | Q(message__icontains=query)
        )
    importers = all_importers()
    rows = []
    for job in jobs[:limit]:
        importer = importers.get(job.kind)
        what = importer.label if importer is not None else "数据导入"
        by = job.created_by
        rows.append(
            JobRow(
                kind_label="导入",
                id=job.pk,
                title=f"{what}：{job.filename}" + ("（试算）" if job.dry_run else ""),
                state=_STATES[job.status],
                status_label=job.get_status_display(),
                created_at=job.created_at,
                started_at=job.started_at,
                finished_at=job.finished_at,
                created_by=(by.display_name or by.username) if by else "命令行",
                worker=job.worker,
                attempts=job.attempts,
                message=job.message,
            )
        )
    return rows

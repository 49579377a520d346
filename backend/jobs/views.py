"""The system administrator's page of background jobs: every kind, with state, duration and
failures, searched and filtered."""

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render

from backend.accounts.decorators import role_required
from backend.accounts.roles import Role
from backend.audit.services import record_event
from backend.jobs.health import queue_health
from backend.jobs.models import WorkJob, WorkStatus
from backend.jobs.registry import JobState, job_kinds
from backend.jobs.sweep import sweep_stale_jobs
from backend.jobs.work import job_file, work_kind, work_kinds

SHOWN = 200


@role_required(Role.SYSTEM_ADMIN)
def job_list(request):
    # Listing is one of the two moments (beat is the other) a job whose process died is marked
    # failed, so that the page never shows it running.
    sweep_stale_jobs()
    kinds = job_kinds()
    query = request.GET.get("q", "").strip()[:100]
    kind = request.GET.get("kind", "")
    state = request.GET.get("state", "")
    if state not in JobState.values:
        state = ""
    rows = []
    for job_kind in kinds:
        if kind and job_kind.key != kind:
            continue
        rows.extend(job_kind.rows(query=query, state=state, limit=SHOWN))
    rows.sort(key=lambda row: row.created_at, reverse=True)
    return render(
        request,
        "jobs/list.html",
        {
            "rows": rows[:SHOWN],
            "kinds": kinds,
            "states": JobState.choices,
            "q": query,
            "kind": kind,
            "state": state,
            "queue": queue_health(),
            "shown": SHOWN,
        },
    )


# --- the user's own exports ---------------------------------------------------------------------


def own_jobs(user):
    """A user's jobs that made a file to download: theirs alone, in their present department
    (an export made for another department stays there if they move)."""
    keys = [kind.key for kind in work_kinds() if kind.audit_action]
    return WorkJob.objects.filter(
        created_by=user, department_id=user.department_id, kind__in=keys
    ).order_by("-id")


@login_required
def my_exports(request):
    kinds = [kind for kind in work_kinds() if kind.audit_action]
    q = request.GET.get("q", "").strip()[:100]
    kind = request.GET.get("kind", "")
    status = request.GET.get("status", "")
    chosen = own_jobs(request.user)
    if kind in {k.key for k in kinds}:
        chosen = chosen.filter(kind=kind)
    if status in WorkStatus.values:
        chosen = chosen.filter(status=status)
    if q:
        chosen = chosen.filter(Q(filename__icontains=q) | Q(message__icontains=q))
    jobs = list(chosen[:SHOWN])
    return render(
        request,
        "jobs/mine.html",
        {
            "jobs": [(job, work_kind(job.kind).label) for job in jobs],
            "total": chosen.count(),
            "shown": SHOWN,
            "kinds": kinds,
            "statuses": WorkStatus.choices,
            "q": q,
            "kind": kind,
            "status": status,
            "refresh": any(not job.finished for job in jobs),
        },
    )


@login_required
def download(request, pk: int):
    job = get_object_or_404(own_jobs(request.user), pk=pk, status=WorkStatus.DONE)
    path = job_file(job)
    if path is None:
        raise Http404("文件已不存在，请重新导出")
    spec = work_kind(job.kind)
    record_event(
        action=spec.audit_action,
        actor=request.user,
        obj=job,
        detail={"job": job.pk, "rows": job.done, **job.params},
    )
    return FileResponse(path.open("rb"), as_attachment=True, filename=job.filename)

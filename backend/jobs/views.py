"""The system administrator's page of background jobs: every kind, with state, duration and
failures, searched and filtered."""

from django.shortcuts import render

from backend.accounts.decorators import role_required
from backend.accounts.roles import Role
from backend.jobs.health import queue_health
from backend.jobs.registry import JobState, job_kinds
from backend.jobs.sweep import sweep_stale_jobs

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

"""The scheduled tasks of Celery beat (CELERY_BEAT_SCHEDULE in the settings)."""

from backend.checkpoints.nightly import report, run_checks
from backend.jobs import sweep
from backend.jobs.dispatch import job_task


@job_task("backend.jobs.verify_nightly", kind="nightly")
def verify_nightly() -> int:
    """`manage.py verify_nightly` on a worker: alerts the security and audit administrators on
    any break (backend/checkpoints/nightly.py); returns the number of checks that failed."""
    outcomes = run_checks()
    report(outcomes)
    return sum(1 for outcome in outcomes if outcome.problems)


@job_task("backend.jobs.sweep_stale_jobs", kind="sweep")
def sweep_stale_jobs() -> int:
    return sweep.sweep_stale_jobs()

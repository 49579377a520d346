"""Jobs whose process died are marked failed, never left "running"."""

import logging

from backend.jobs.registry import job_kinds

log = logging.getLogger(__name__)


def sweep_stale_jobs() -> int:
    """Run every kind's sweep (when the jobs page is opened, and by beat every five minutes)."""
    swept = 0
    for kind in job_kinds():
        count = kind.sweep()
        if count:
            log.warning("%s: %d job(s) whose process died marked failed", kind.key, count)
        swept += count
    return swept

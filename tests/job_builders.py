"""Waiting for a background job that `backend.jobs.dispatch` ran in a thread (no broker in the
tests): the thread is joined, never polled with `time.sleep`, which libfaketime (the CI pass at
23:30 UTC) answers with EINVAL."""

import threading

from backend.jobs.models import WorkJob


def finished_job(job_id: int) -> WorkJob:
    """The job once every thread dispatch started for it ("<task name>-<job id>") has ended."""
    for thread in threading.enumerate():
        task, _, arg = thread.name.rpartition("-")
        if thread is not threading.current_thread() and "." in task and arg == str(job_id):
            thread.join()
    job = WorkJob.objects.get(pk=job_id)
    assert job.finished, f"job {job_id} is still {job.status} with no thread running it"
    return job

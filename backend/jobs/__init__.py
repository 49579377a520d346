"""Long jobs (draws, imports, the nightly verification) and where they run.

One dispatch function (dispatch.py) sends a job's task to a Celery worker when a broker is
configured, or runs the same function in a thread of the web process when none is; a lease
(lease.py) keeps two processes off one job; the sweep (sweep.py) marks a job whose process died
as failed; the system administrator's page lists every kind of job (views.py).
"""

"""The daily reminders as a Celery task, for beat (settings.CELERY_BEAT_SCHEDULE)."""

from backend.jobs.dispatch import job_task
from reminders.daily import send_daily_reminders


@job_task("reminders.send_daily", kind="reminders")
def send_daily() -> int:
    """Today's reminders (reminders/daily.py); how many notifications were created. A kind that
    fails raises after the others are sent; running again sends only what is missing."""
    return sum(send_daily_reminders().values())

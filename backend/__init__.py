# The Celery app is loaded with Django, so that the tasks' @shared_task binds to it.
from backend.celery import app as celery_app

__all__ = ["celery_app"]

"""The Celery application: `celery -A backend worker` and `celery -A backend beat`.

Configured from Django's settings (the CELERY_* names); the tasks are in the modules of
CELERY_IMPORTS. Without CELERY_BROKER_URL nothing is sent to it: the same task functions run in a
thread of the web process (backend/jobs/dispatch.py).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")

app = Celery("shuangsui")
app.config_from_object("django.conf:settings", namespace="CELERY")

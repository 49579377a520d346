from django.db.models import QuerySet

from backend.accounts.selectors import scope_to_department
from backend.imports.models import ImportJob


def import_jobs_visible_to(user) -> QuerySet:
    """A department's imports are seen by its own staff, as everything else of theirs."""
    return scope_to_department(ImportJob.objects.select_related("created_by"), user)

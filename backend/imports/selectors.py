from django.db.models import QuerySet

from backend.accounts.selectors import scope_to_department
from backend.imports.models import ImportJob
from backend.imports.registry import all_importers


def import_jobs_visible_to(user) -> QuerySet:
    """A department's imports are seen by its own staff who may run that kind of import.

    The role matters too: an error report holds the rows as they were sent (for officers, the
    full ID numbers and phones), which the department's other roles see only masked.
    """
    jobs = scope_to_department(ImportJob.objects.select_related("created_by"), user)
    if not getattr(user, "is_authenticated", False):
        return jobs
    kinds = [
        kind for kind, importer in all_importers().items() if user.has_role(*importer.allowed_roles)
    ]
    return jobs.filter(kind__in=kinds)

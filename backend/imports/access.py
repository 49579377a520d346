"""Who may run an import: the access check of the import services and the upload page."""

from django.core.exceptions import PermissionDenied

from backend.imports.registry import get_importer


def check_may_import(*, actor, kind: str) -> None:
    """Each importer names the roles that may run it (`Importer.allowed_roles`)."""
    importer = get_importer(kind)
    if not (actor.is_authenticated and actor.has_role(*importer.allowed_roles)):
        raise PermissionDenied(f"您的角色无权导入{importer.label}")

"""Who sees what. Every page, API and export scopes its queries through these functions."""

from django.db.models import QuerySet

from backend.accounts.roles import Role

# These roles look after the whole installation rather than one department's work.
_INSTALLATION_WIDE = {Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN}


def scope_to_department(queryset: QuerySet, user, *, field: str = "department") -> QuerySet:
    """Rows of the user's own department only; nothing for anonymous or inactive users."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    return queryset.filter(**{field: user.department_id})


def users_visible_to(user) -> QuerySet:
    from backend.accounts.models import User

    users = User.objects.select_related("department")
    if getattr(user, "is_authenticated", False) and user.role in _INSTALLATION_WIDE:
        return users if user.is_active else users.none()
    return scope_to_department(users, user)


def departments_visible_to(user) -> QuerySet:
    from backend.organisation.models import Department

    departments = Department.objects.select_related("parent")
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return departments.none()
    if user.role in _INSTALLATION_WIDE:
        return departments
    return departments.filter(pk=user.department_id)

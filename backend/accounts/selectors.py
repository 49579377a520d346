"""Who sees what. Every page, API and export scopes its queries through these functions."""

from django.db.models import QuerySet

from backend.accounts.actions import LoginStep
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


def has_second_factor(user) -> bool:
    """Whether `user` has a confirmed TOTP app (recovery codes come with it, never alone)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_login_step(user) -> str | None:
    """What this logged-in session must still do before anything else, or None.

    The second factor comes first (for the roles that require it, and for anyone who enrolled),
    then a password that an administrator set. `user` is the session's, as django-otp's
    middleware leaves it (`is_verified()`).
    """
    verified = getattr(user, "is_verified", None)
    if not (verified is not None and verified()):
        enrolled = has_second_factor(user)
        if enrolled:
            return LoginStep.SECOND_FACTOR
        if user.requires_second_factor:
            return LoginStep.ENROL
    if user.must_change_password:
        return LoginStep.PASSWORD
    return None


def api_tokens_of(user) -> QuerySet:
    """The user's own API tokens that have not expired, newest first (digests, never tokens)."""
    from django.utils import timezone
    from knox.models import AuthToken

    return AuthToken.objects.filter(user=user, expiry__gt=timezone.now()).order_by("-created")

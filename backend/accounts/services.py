"""Account writes: each one validated, atomic and audited."""

from axes.utils import reset as axes_reset
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from backend.accounts.models import User
from backend.accounts.roles import Role
from backend.audit.services import record_event


@transaction.atomic
def create_user(
    *,
    actor: User | None,
    username: str,
    password: str,
    role: str,
    department,
    display_name: str = "",
    email: str = "",
) -> User:
    """Create an account. Only the system administrator may, or the system itself (actor None)."""
    if actor is not None and actor.role != Role.SYSTEM_ADMIN:
        raise PermissionDenied("只有系统管理员可以创建账户")
    user = User(
        username=username,
        role=role,
        department=department,
        display_name=display_name,
        email=email,
        # The admin site is for the system administrator's back-office fixes only.
        is_staff=role == Role.SYSTEM_ADMIN,
    )
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save(force_insert=True)
    record_event(
        action="account.create",
        actor=actor,
        obj=user,
        detail={"username": username, "role": role, "department": department.code},
    )
    return user


@transaction.atomic
def unlock_username(*, actor: User, username: str) -> int:
    """Lift a login lockout. Returns how many lockout records were cleared."""
    if actor.role != Role.SECURITY_ADMIN:
        raise PermissionDenied("只有安全管理员可以解除锁定")
    if not username:
        raise ValidationError({"username": "请填写要解锁的账号"})
    cleared = axes_reset(username=username)
    record_event(
        action="account.unlock",
        actor=actor,
        object_type="accounts.user",
        object_id=username,
        detail={"cleared": cleared},
    )
    return cleared

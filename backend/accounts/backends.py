"""Model permissions come from the role, so that production needs no superuser."""

from django.contrib.auth.backends import ModelBackend

from backend.accounts.roles import Role

# The Django admin is for back-office fixes by the system administrator. It may not touch the
# audit trail (append-only, read by the audit administrator), axes' lockout records (the
# security administrator unlocks accounts through their own page, which is audited), nor anyone's
# credentials: API tokens (knox) and second factors (django-otp's devices).
_SYSTEM_ADMIN_EXCLUDED_APPS = {"audit", "axes", "knox", "otp_totp", "otp_static"}


class RoleModelBackend(ModelBackend):
    def get_all_permissions(self, user_obj, obj=None):
        perms = set(super().get_all_permissions(user_obj, obj))
        if user_obj.is_active and not user_obj.is_anonymous and obj is None:
            # Cached on the user object like ModelBackend's own cache: the admin asks often.
            if not hasattr(user_obj, "_role_perm_cache"):
                user_obj._role_perm_cache = _role_permissions(user_obj.role)
            perms |= user_obj._role_perm_cache
        return perms

    def has_module_perms(self, user_obj, app_label):
        if not user_obj.is_active:
            return False
        return any(p.split(".", 1)[0] == app_label for p in self.get_all_permissions(user_obj))


def _role_permissions(role: str) -> set[str]:
    from django.contrib.auth.models import Permission

    if role != Role.SYSTEM_ADMIN:
        return set()
    rows = Permission.objects.exclude(
        content_type__app_label__in=_SYSTEM_ADMIN_EXCLUDED_APPS
    ).values_list("content_type__app_label", "codename")
    return {f"{app}.{codename}" for app, codename in rows}

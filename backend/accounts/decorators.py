from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


def role_required(*roles: str):
    """Let in logged-in users holding one of `roles`; refuse everyone else with 403.

    Anonymous users are sent to the login page instead, so that an expired session reads
    as "please log in again" rather than as a refusal.
    """

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request, *args, **kwargs):
            if not request.user.has_role(*roles):
                raise PermissionDenied("您的角色无权访问此页面")
            return view(request, *args, **kwargs)

        wrapper.allowed_roles = frozenset(roles)
        return wrapper

    return decorator

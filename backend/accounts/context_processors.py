from backend.accounts.roles import NAVIGATION, Role


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "role_label": ""}
    if getattr(request, "pending_login_step", None):
        return {"nav_items": [], "role_label": Role(user.role).label}
    return {
        "nav_items": NAVIGATION.get(user.role, []),
        "role_label": Role(user.role).label if user.role in Role.values else "",
    }

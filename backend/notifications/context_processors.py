from backend.notifications.selectors import unread_count


def notifications(request):
    """The bell's count on every staff page (none before the login's last step)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or getattr(request, "pending_login_step", None):
        return {"unread_notifications": 0}
    return {"unread_notifications": unread_count(user)}

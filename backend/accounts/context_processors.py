from django.urls import NoReverseMatch, reverse

from backend.accounts.roles import HOME_URL_NAME, NAVIGATION, Role


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "role_label": "", "breadcrumbs": None}
    if getattr(request, "pending_login_step", None):
        return {"nav_items": [], "role_label": Role(user.role).label, "breadcrumbs": None}
    nav_items = NAVIGATION.get(user.role, [])
    return {
        "nav_items": nav_items,
        "role_label": Role(user.role).label if user.role in Role.values else "",
        "breadcrumbs": breadcrumbs(request, user.role, nav_items),
    }


def breadcrumbs(request, role: str, nav_items) -> list[tuple[str, str]] | None:
    """The trail below 首页 of a staff page (base.html shows it, a page adds its own name in the
    `breadcrumbs` block): the menu entry the page belongs to, found by the longest menu address
    the page's address starts with, linked unless it is the page itself. None on the role's home
    page, on the public pages and on the inspector's phone app (its pages link back themselves)."""
    match = getattr(request, "resolver_match", None)
    if match is None or role == Role.INSPECTOR or request.path.startswith("/public/"):
        return None
    home = HOME_URL_NAME.get(role)
    if match.view_name == home:
        return None
    home_url = reverse(home) if home else "/"
    best = None
    for label, name in nav_items:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        if url in ("/", home_url) or not request.path.startswith(url):
            continue
        if best is None or len(url) > len(best[1]):
            best = (str(label), url)
    if best is None:
        return []
    label, url = best
    return [(label, "" if request.path == url else url)]

from manual.sections import help_url


def help_link(request):
    """`help_url`: the 操作手册's topic for the page being shown (base.html's 帮助 link)."""
    match = getattr(request, "resolver_match", None)
    user = getattr(request, "user", None)
    role = getattr(user, "role", "") if user is not None and user.is_authenticated else ""
    return {"help_url": help_url(match.view_name if match else "", role)}

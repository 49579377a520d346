"""What every public page shares: caching for the public, and reading the URL safely."""

from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe


def public_page(view):
    """GET/HEAD only, and cacheable by anyone when the visitor is the public.

    A logged-in member of staff sees their name in the page header, so their copy is private.
    """

    @require_safe
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 200:
            if request.user.is_authenticated:
                patch_cache_control(response, private=True, max_age=0)
            else:
                patch_cache_control(response, public=True, max_age=settings.PUBLIC_CACHE_SECONDS)
        return response

    return wrapper


def query_without(request, *names: str) -> str:
    """The current query string without `names` (the pager's own parameters)."""
    pairs = [(k, v) for k, v in request.GET.items() if k not in names and v]
    return urlencode(pairs)


def url_code(value: str) -> str:
    """A code from the URL; PostgreSQL refuses a NUL in a string literal, so none has it."""
    if "\x00" in value:
        raise Http404("未找到")
    return value


def int_param(request, name: str) -> int | None:
    """A non-negative integer query parameter (a pager's id), or None for anything else."""
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() and len(value) < 19 else None

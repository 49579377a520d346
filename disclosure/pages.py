"""What every public page shares: caching for the public, the rate limit of the list and
search pages, and reading the URL safely."""

import math
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from disclosure.throttling import PublicListThrottle


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


def public_list_page(view):
    """A public page that lists or searches, counted with the open-data API's lists.

    The same data answers through /public/ and /api/v1/public/, so one count per client
    address covers both (PublicListThrottle: settings.PUBLIC_API_RATE, the default cache);
    otherwise a scraper held back by the API would simply read the pages. Past the limit the
    page says in Chinese when to come back, with Retry-After, as the API does.
    """

    @wraps(view)
    def counted(request, *args, **kwargs):
        throttle = PublicListThrottle()
        if not throttle.allow_request(request, None):
            return too_many_requests(request, throttle.wait())
        return view(request, *args, **kwargs)

    # Inside public_page: a POST is refused (405) before it is counted.
    return public_page(counted)


def too_many_requests(request, wait: float | None):
    seconds = max(1, math.ceil(wait or 1))
    response = render(request, "portal/429.html", {"seconds": seconds}, status=429)
    response["Retry-After"] = str(seconds)
    # Never kept by a shared cache: the refusal is this address's, and only for now.
    patch_cache_control(response, no_store=True)
    return response


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

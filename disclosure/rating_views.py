"""/public/pj/: the firm rates a closed inspection through its one-time link (企业评价); and
/public/ratings/: the ratings' aggregates on the portal.

No login, phone first, rate-limited with the code verification page (PublicListThrottle) and
never cached. A link that does not exist, has expired or was used reads the same on the page:
"链接无效或已过期"; only a second submission through a real link is told it was used.
"""

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_http_methods, require_safe

from backend.forms import apply_service_errors
from disclosure.code_views import throttled
from disclosure.pages import url_code
from ratings.forms import RatingForm
from ratings.models import MIN_SHOWN, TOO_FEW
from ratings.selectors import is_used, public_aggregates, rating_years, valid_link
from ratings.services import INVALID_LINK, submit_rating


def _page(request, context, status=200):
    response = render(request, "portal/rating.html", context, status=status)
    patch_cache_control(response, no_store=True)
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def rating(request, token: str):
    refused = throttled(request)
    if refused is not None:
        return refused
    token = url_code(token)
    link = valid_link(token, timezone.localdate())
    if link is None or (request.method != "POST" and is_used(link)):
        return _page(request, {"invalid": INVALID_LINK}, status=404)
    inspection = link.inspection
    context = {
        "department": inspection.task.department.name,
        "closed_on": timezone.localdate(inspection.closed_at),
        "last_day": link.last_day,
    }
    if request.method != "POST":
        return _page(request, {**context, "form": RatingForm()})
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            submit_rating(token=token, **form.answers())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            return _page(request, {**context, "thanks": True})
    return _page(request, {**context, "form": form}, status=400)


@require_safe
def rating_statistics(request):
    """Averages per department and per item over at least MIN_SHOWN ratings."""
    value = request.GET.get("year", "")
    year = int(value) if value.isdigit() and len(value) == 4 else None
    return render(
        request,
        "portal/rating_statistics.html",
        {
            "groups": public_aggregates(year=year),
            "year": year,
            "years": rating_years(),
            "min_shown": MIN_SHOWN,
            "too_few": TOO_FEW,
        },
    )

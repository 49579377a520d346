"""The public portal (/public/): no login, server-rendered, usable without JavaScript: the home
page, firm search, the item list, the officers, the procedures. A firm's page, with its
inspection history, is disclosure.views.firm_detail.

Every page renders records of `redaction`, never a model instance.
"""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render

from backend.codes import CodeError, check_uscc
from disclosure import redaction
from disclosure.filters import (
    SEARCH_MAX_LENGTH,
    PublicFirmFilter,
    PublicItemFilter,
    PublicOfficerFilter,
    looks_like_code,
)
from disclosure.pages import (
    int_param,
    public_list_page,
    public_page,
    query_without,
    url_code,
)

FIRMS_PER_PAGE = 20
ITEMS_PER_PAGE = 20
OFFICERS_PER_PAGE = 50


@public_page
def home(request):
    return render(request, "portal/home.html", {"q_max": SEARCH_MAX_LENGTH})


# --- firms ---------------------------------------------------------------------------------------


def _keyset_page(queryset, *, after: int | None, before: int | None, size: int):
    """One page in id order and whether pages lie on either side; no COUNT(*), no OFFSET."""
    if before is not None:
        rows = list(queryset.filter(id__lt=before).order_by("-id")[: size + 1])
        return list(reversed(rows[:size])), len(rows) > size, True
    if after is not None:
        queryset = queryset.filter(id__gt=after)
    rows = list(queryset.order_by("id")[: size + 1])
    return rows[:size], after is not None, len(rows) > size


@public_list_page
def firm_search(request):
    """Search by name or code; a complete, existing code goes straight to the firm's page."""
    q = request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]
    notice = ""
    if q and looks_like_code(q) and len(q) == 18:
        try:
            code = check_uscc(q)
        except CodeError as exc:
            notice = exc.message
        else:
            if redaction.public_firms().filter(uscc=code).exists():
                return redirect("public:firm", uscc=code)
            notice = f"未找到统一社会信用代码为 {code} 的检查对象。"

    firm_filter = PublicFirmFilter(request.GET, queryset=redaction.public_firms())
    searched = any(request.GET.get(name) for name in firm_filter.filters)
    firms, has_previous, has_next = [], False, False
    if searched and not notice and firm_filter.is_valid():
        rows, has_previous, has_next = _keyset_page(
            firm_filter.qs,
            after=int_param(request, "after"),
            before=int_param(request, "before"),
            size=FIRMS_PER_PAGE,
        )
        firms = [(row.pk, redaction.public_firm(row)) for row in rows]
    return render(
        request,
        "portal/firm_search.html",
        {
            "filter": firm_filter,
            "searched": searched,
            "notice": notice,
            "firms": [firm for _pk, firm in firms],
            "first_id": firms[0][0] if firms else None,
            "last_id": firms[-1][0] if firms else None,
            "has_previous": has_previous,
            "has_next": has_next,
            "query": query_without(request, "after", "before"),
        },
    )


# --- items ---------------------------------------------------------------------------------------


@public_list_page
def item_list(request):
    item_filter = PublicItemFilter(request.GET, queryset=redaction.public_items())
    rows = item_filter.qs if item_filter.is_valid() else redaction.public_items().none()
    page = Paginator(rows, ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/item_list.html",
        {
            "filter": item_filter,
            "page": page,
            "items": [redaction.public_item(row) for row in page.object_list],
            "query": query_without(request, "page"),
            # Published beside the items they restrain (国办发〔2024〕54号).
            "caps": redaction.public_caps(),
        },
    )


@public_page
def item_detail(request, code: str):
    row = redaction.public_items().filter(code=url_code(code)).first()
    if row is None:
        raise Http404("未找到该事项")
    return render(request, "portal/item_detail.html", {"item": redaction.public_item(row)})


# --- officers ------------------------------------------------------------------------------------


@public_list_page
def officer_list(request):
    officer_filter = PublicOfficerFilter(request.GET, queryset=redaction.public_officers())
    rows = officer_filter.qs if officer_filter.is_valid() else redaction.public_officers().none()
    page = Paginator(rows, OFFICERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/officer_list.html",
        {
            "filter": officer_filter,
            "page": page,
            "officers": [redaction.public_officer(row) for row in page.object_list],
            "query": query_without(request, "page"),
        },
    )


@public_page
def inspection_bodies(request):
    """执法主体: the registered inspection bodies and their entrusted organisations."""
    return render(
        request, "portal/inspection_bodies.html", {"bodies": redaction.public_inspection_bodies()}
    )


# --- procedures ----------------------------------------------------------------------------------


@public_page
def procedures(request):
    departments = [redaction.public_department(d) for d in redaction.public_departments()]
    return render(request, "portal/procedures.html", {"departments": departments})


@public_page
def open_data(request):
    """开放数据: the read-only API for those who build on the public data (developers, not the
    citizens the home page speaks to): what it offers, CORS, the rate limit."""
    return render(request, "portal/open_data.html")

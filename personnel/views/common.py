from django.core.paginator import Paginator
from django.shortcuts import render

PAGE_SIZE = 30


def form_page(request, form, *, title: str, back_url: str, officer=None, submit="保存", intro=""):
    return render(
        request,
        "personnel/form.html",
        {
            "form": form,
            "title": title,
            "back_url": back_url,
            "officer": officer,
            "submit": submit,
            "intro": intro,
        },
    )


def paginate(request, queryset, per_page: int = PAGE_SIZE):
    """The page asked for, and the query string without the page (for the pager's links)."""
    page = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()

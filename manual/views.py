"""The 操作手册: read by anyone, logged in or not (a manual holds no secret, and the firms and
the public read their sections without an account)."""

from django.http import Http404
from django.shortcuts import render

from manual.sections import SECTIONS, by_slug


def index(request):
    return render(request, "manual/index.html", {"sections": SECTIONS})


def section(request, slug):
    current = by_slug(slug)
    if current is None:
        raise Http404("手册没有这一部分")
    return render(
        request,
        "manual/section.html",
        {"section": current, "sections": SECTIONS, "body": f"manual/sections/{slug}.html"},
    )

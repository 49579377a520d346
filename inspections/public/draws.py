"""Public verification of draws (DR-1, "What is published, and to whom").

Anyone, without logging in, sees a draw's announcement from the moment it is announced, and its
reveal, seed and result once performed; firms draws also publish their pool. The nonce is part
of the reveal and is never shown before it. For teams draws the officer pool and the conflicts
file are for auditors only; officers appear in the result by name and certificate number, as
行政执法公示 allows, and nothing else about them.
"""

import json
from pathlib import Path
from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import render

from inspections import dr1
from inspections.models import Draw, DrawPurpose, Firm
from inspections.public.views import _code, public_page
from personnel.models import Certificate

VERIFIER = Path(dr1.__file__).with_name("verify_draw.py")


def public_draws():
    return Draw.objects.select_related("task", "replaces").order_by("-announced_at", "-id")


def _get(public_id: str) -> Draw:
    draw = public_draws().filter(public_id=_code(public_id)).first()
    if draw is None:
        raise Http404("未找到该抽取")
    return draw


def _result_rows(draw: Draw) -> list[dict[str, Any]]:
    if not draw.is_performed:
        return []
    result = bytes(draw.result)
    if draw.purpose == DrawPurpose.FIRMS:
        picks = dr1.parse_firms_result(result)
        names = dict(
            Firm.objects.filter(uscc__in=[p.key for p in picks]).values_list("uscc", "name")
        )
        return [
            {
                "stratum": p.stratum,
                "rank": p.rank,
                "key": p.key,
                "name": names.get(p.key, ""),
                "ticket": p.ticket,
            }
            for p in picks
        ]
    seats = dr1.parse_teams_result(result)
    officers = dict(
        Certificate.objects.filter(number__in={s.officer for s in seats}).values_list(
            "number", "officer__name"
        )
    )
    return [
        {
            "firm": s.firm,
            "department": s.department,
            "seat": s.seat,
            "officer": s.officer,
            "officer_name": officers.get(s.officer, ""),
            "ticket": s.ticket,
        }
        for s in seats
    ]


def public_draw(draw: Draw, *, with_result: bool = True) -> dict[str, Any]:
    """What the public may know of a draw; the reveal (with the nonce) only once performed."""
    record = {
        "id": draw.public_id,
        "task": draw.task.code,
        "task_name": draw.task.name,
        "purpose": draw.purpose,
        "purpose_label": draw.get_purpose_display(),
        "status": draw.status,
        "status_label": draw.get_status_display(),
        "announcement": draw.announcement,
        "announcement_sha256": draw.announcement_sha256,
        "replaces": draw.replaces.public_id if draw.replaces else None,
        "reason": draw.reason,
        "abandoned_reason": draw.abandoned_reason,
        "performed_at": draw.performed_at,
        "reveal": draw.reveal if draw.is_performed else None,
        "seed": draw.seed if draw.is_performed else None,
    }
    if with_result:
        record["result"] = _result_rows(draw)
    return record


def _file(data: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


def _json_bytes(obj: Any) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


@public_page
def draw_detail(request, public_id: str):
    draw = _get(public_id)
    record = public_draw(draw)
    first_key = record["result"][0].get("key") if record["result"] else ""
    return render(
        request,
        "portal/draw_detail.html",
        {
            "draw": record,
            "announcement_text": _json_bytes(draw.announcement).decode(),
            "reveal_text": _json_bytes(draw.reveal).decode() if draw.is_performed else "",
            "pool_public": draw.purpose == DrawPurpose.FIRMS,
            "example_key": first_key,
        },
    )


@public_page
def draw_announcement(request, public_id: str):
    draw = _get(public_id)
    return _file(
        _json_bytes(draw.announcement), f"{draw.public_id}.announcement.json", "application/json"
    )


@public_page
def draw_reveal(request, public_id: str):
    draw = _get(public_id)
    if not draw.is_performed:
        raise Http404("该抽取尚未进行，揭示值尚未公布")
    return _file(_json_bytes(draw.reveal), f"{draw.public_id}.reveal.json", "application/json")


@public_page
def draw_pool(request, public_id: str):
    draw = _get(public_id)
    if draw.purpose != DrawPurpose.FIRMS:
        raise Http404("检查人员抽取的候选名单仅向审计人员提供")
    return _file(bytes(draw.pool), f"{draw.public_id}.pool.csv", "text/csv; charset=utf-8")


@public_page
def draw_result(request, public_id: str):
    draw = _get(public_id)
    if not draw.is_performed:
        raise Http404("该抽取尚未进行")
    return _file(bytes(draw.result), f"{draw.public_id}.result.csv", "text/csv; charset=utf-8")


@public_page
def verifier(request):
    return _file(VERIFIER.read_bytes(), "verify_draw.py", "text/x-python; charset=utf-8")

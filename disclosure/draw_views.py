"""Public verification of draws (DR-1, "What is published, and to whom").

Anyone, without logging in, sees a draw's announcement from the moment it is announced, and its
reveal, seed and result once performed; firms draws also publish their pool. The nonce is part
of the reveal and is never shown before it. For teams draws the officer pool and the conflicts
file are for auditors only (the audit administrator, and the lead department's planners and
administrators; each download is an audited export); officers appear in the result by name and
certificate number, as 行政执法公示 allows, and nothing else about them. A teams draw's firms
result (the firms it staffs) is public, like the firms draw it comes from.
"""

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from backend.audit.services import record_event
from backend.organisation.models import Department
from disclosure.pages import public_page, url_code
from disclosure.redaction import may_audit, public_draw, public_draws
from inspections.draws import dr1, draw_files
from inspections.draws.actions import DrawAction
from inspections.draws.models import Draw, DrawPurpose
from inspections.draws.selectors import firms_result_for

VERIFIER = Path(dr1.__file__).with_name("verify_draw.py")


def _get(public_id: str) -> Draw:
    draw = public_draws().filter(public_id=url_code(public_id)).first()
    if draw is None:
        raise Http404("未找到该抽取")
    return draw


def _file(data: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


def _stream(draw: Draw, name: str, filename: str) -> StreamingHttpResponse:
    """A draw's file served in slices: over millions of firms a pool is hundreds of megabytes."""
    response = StreamingHttpResponse(
        draw_files.iter_file(draw, name), content_type="text/csv; charset=utf-8"
    )
    response["Content-Length"] = str(draw_files.file_size(draw, name))
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _json_bytes(obj: Any) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


def _summary(draw: Draw) -> dict[str, Any]:
    """What a citizen reads first: what was drawn from what, when, and who witnessed it."""
    ann = draw.announcement
    summary: dict[str, Any] = {
        "pool_size": ann["pool_size"],
        "announced_at": datetime.fromisoformat(ann["announced_at"]),
        "witnesses": _witnesses(draw),
    }
    if draw.purpose == DrawPurpose.FIRMS:
        quota = ann["quota"]
        summary["firms"] = sum(quota.values())
        summary["strata"] = [(stratum, quota[stratum]) for stratum in sorted(quota)]
    else:
        names = dict(Department.objects.filter(code__in=ann["team"]).values_list("code", "name"))
        summary["team"] = [
            (names.get(code, code), ann["team"][code]) for code in sorted(ann["team"])
        ]
        summary["cap"] = ann["cap"]
        summary["firms"] = firms_result_for(draw).count(b"\n") - 1
    return summary


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
            "summary": _summary(draw),
            "announcement_text": _json_bytes(draw.announcement).decode(),
            "reveal_text": _json_bytes(draw.reveal).decode() if draw.is_performed else "",
            "pool_public": draw.purpose == DrawPurpose.FIRMS,
            "may_audit": draw.purpose == DrawPurpose.TEAMS and may_audit(request.user, draw),
            "example_key": first_key,
        },
    )


@public_page
def draw_print(request, public_id: str):
    """The draw's result on paper: facts, seed, witnesses' values and the result, no menus."""
    draw = _get(public_id)
    return render(
        request,
        "portal/draw_print.html",
        {"draw": public_draw(draw), "witnesses": _witnesses(draw)},
    )


def _witnesses(draw: Draw) -> list[tuple[str, str]]:
    values = draw.reveal["witness_values"] if draw.is_performed else []
    names = draw.announcement["witnesses"]
    return [(name, values[i] if i < len(values) else "") for i, name in enumerate(names)]


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


@require_safe
def draw_pool(request, public_id: str):
    draw = _get(public_id)
    if draw.purpose != DrawPurpose.FIRMS:
        return _auditor_file(request, public_id, "pool")
    return _public_pool(request, draw)


@public_page
def _public_pool(request, draw: Draw):
    return _stream(draw, "pool", f"{draw.public_id}.pool.csv")


@public_page
def draw_firms_result(request, public_id: str):
    """The firms result file a teams draw staffs (its `firms_result_sha256`)."""
    draw = _get(public_id)
    if draw.purpose != DrawPurpose.TEAMS:
        raise Http404("只有检查人员抽取有所依据的检查对象抽取结果")
    return _file(
        firms_result_for(draw), f"{draw.public_id}.firms_result.csv", "text/csv; charset=utf-8"
    )


def _auditor_file(request, public_id: str, name: str) -> HttpResponse:
    """A teams draw's non-public file for those who may audit it, as an audited export."""
    draw = _get(public_id)
    if draw.purpose != DrawPurpose.TEAMS or not may_audit(request.user, draw):
        raise Http404("检查人员抽取的候选名单和回避名单仅向审计人员提供")
    data = bytes(draw.pool) if name == "pool" else bytes(draw.conflicts)
    record_event(
        action=DrawAction.EXPORT,
        actor=request.user,
        obj=draw,
        detail={"draw": draw.public_id, "file": f"{name}.csv", "sha256": dr1.sha256_hex(data)},
    )
    response = HttpResponse(data, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{draw.public_id}.{name}.csv"'
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_safe
def draw_conflicts(request, public_id: str):
    return _auditor_file(request, public_id, "conflicts")


@public_page
def draw_result(request, public_id: str):
    draw = _get(public_id)
    if not draw.is_performed:
        raise Http404("该抽取尚未进行")
    return _stream(draw, "result", f"{draw.public_id}.result.csv")


@public_page
def verifier(request):
    return _file(VERIFIER.read_bytes(), "verify_draw.py", "text/x-python; charset=utf-8")

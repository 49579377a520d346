"""The draws' pages of a task, under /tasks/<id>/: announce and perform (as background jobs,
followed by the task page), abandon, the three kinds of 递补, and the list for the 随机抽查通知书;
and the draws' part of planning's task page (TASK_PAGE_SECTION, registered by
InspectionsConfig.ready()). Thin: parse, call one service, render."""

import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from backend.accounts.decorators import role_required
from backend.accounts.roles import Role
from backend.audit.services import record_event
from backend.excel import XLSX_CONTENT_TYPE, write_xlsx
from backend.forms import apply_service_errors
from inspections.draws import draw_forms, draw_jobs
from inspections.draws.actions import DrawAction
from inspections.draws.models import DrawPurpose, DrawStatus
from inspections.draws.notices import NOTICE_HEADERS, first_drawn, notice_list, notice_rows
from inspections.draws.services.draws import (
    FIRM_REPLACEMENT_STATES,
    OFFICER_REPLACEMENT_STATES,
    abandon_draw,
    announce_firms_draw,
    announce_teams_draw,
)
from inspections.draws.services.replacements import (
    announce_firm_replacement,
    announce_officer_replacement,
    announce_replacement_team,
    firms_awaiting_team,
)
from inspections.planning.models import TaskStatus
from inspections.planning.selectors import PLANNING_ROLES, get_task_for_user
from inspections.planning.task_page import TaskPageSection


def task_page_context(*, task, user, is_lead_planner: bool) -> dict:
    """The draws' part of the task page (TASK_PAGE_SECTION): the draws of the task and the
    planner's next ceremony step (announce or perform, a replacement, the team of a replacement
    firm)."""
    draws = list(task.draws.select_related("replaces", "approved_by").order_by("id"))
    pending = next((d for d in draws if d.status == DrawStatus.ANNOUNCED), None)
    announce = None
    if is_lead_planner and pending is None:
        if task.status == TaskStatus.DRAFT:
            announce = (DrawPurpose.FIRMS, "公告检查对象抽取")
        elif task.status == TaskStatus.FIRMS_DRAWN:
            announce = (DrawPurpose.TEAMS, "公告检查人员抽取")
    stalled = task.status in (TaskStatus.FIRMS_ANNOUNCED, TaskStatus.TEAMS_ANNOUNCED)
    replaceable = task.status in OFFICER_REPLACEMENT_STATES + FIRM_REPLACEMENT_STATES
    awaiting = firms_awaiting_team(task) if task.status in FIRM_REPLACEMENT_STATES else []
    job = draw_jobs.job_to_show(task)
    job_state = draw_jobs.job_state(job) if job else None
    running = job_state is not None and not job_state["finished"]  # no second button meanwhile
    return {
        "draws": draws,
        "draw_counts": {
            "abandoned": sum(d.status == DrawStatus.ABANDONED for d in draws),
            "replacements": sum(d.replaces_id is not None for d in draws),
        },
        "announce": None if running else announce,
        "pending_draw": pending if is_lead_planner and not running else None,
        "pending_witnesses": pending.announcement["witnesses"] if pending else [],
        "can_replace": is_lead_planner and pending is None and (replaceable or stalled),
        "awaiting_team": awaiting if is_lead_planner and pending is None else [],
        "has_teams": any(d.purpose == DrawPurpose.TEAMS and d.is_performed for d in draws),
        "draw_job": job,
        "draw_job_state": job_state,
        # What the draws chose, in words: the first drawn firms and, once drawn, their teams.
        **_drawn(task, draws),
    }


# The task page lists this many drawn firms; the notice list (print and Excel) has them all.
DRAWN_SHOWN = 200


def _drawn(task, draws) -> dict:
    if not any(d.purpose == DrawPurpose.FIRMS and d.is_performed for d in draws):
        return {"drawn": [], "drawn_total": 0}
    entries, total = first_drawn(task, shown=DRAWN_SHOWN)
    return {"drawn": entries, "drawn_total": total}


@require_POST
@role_required(Role.PLANNER)
def draw_announce(request, pk: int, purpose: str):
    task = get_task_for_user(request.user, pk)
    if purpose not in DrawPurpose.values:
        raise Http404("未知的抽取")
    try:
        job = draw_jobs.start_announce(actor=request.user, task=task, purpose=purpose)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        _report_job(request, job)
    return redirect("tasks:detail", pk=task.pk)


def _report_job(request, job) -> None:
    """A draw runs in the background (inspections.draws.draw_jobs) or, when configured, within the
    request; a failure is shown with its reason by the task page itself."""
    if not job.finished:
        messages.info(request, "抽取已在后台开始，本页显示进度，完成后自动刷新。")
    elif job.succeeded:
        messages.success(request, job.message)


@require_POST
@role_required(Role.PLANNER)
def draw_perform(request, pk: int, public_id: str):
    task = get_task_for_user(request.user, pk)
    draw = task.draws.filter(public_id=public_id).first()
    if draw is None:
        raise Http404("未找到该抽取")
    values = request.POST.getlist("witness_value")
    try:
        job = draw_jobs.start_perform(actor=request.user, draw=draw, witness_values=values)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        _report_job(request, job)
    return redirect("tasks:detail", pk=task.pk)


@role_required(*PLANNING_ROLES)
def draw_job_status(request, pk: int, job_id: int):
    """The state of a task's draw job, which the task page polls."""
    task = get_task_for_user(request.user, pk)
    job = task.draw_jobs.filter(pk=job_id).first()
    if job is None:
        raise Http404("未找到该抽取操作")
    return JsonResponse(draw_jobs.job_state(job))


@role_required(*PLANNING_ROLES)
def draw_job_done(request, pk: int, job_id: int):
    """Where the task page goes when its job ends: the outcome as a message, then the page (a
    failure is shown by the page itself, with its reason)."""
    task = get_task_for_user(request.user, pk)
    job = task.draw_jobs.filter(pk=job_id).first()
    if job is not None and job.succeeded:
        messages.success(request, job.message)
    return redirect("tasks:detail", pk=task.pk)


@require_POST
@role_required(Role.PLANNER)
def draw_abandon(request, pk: int, public_id: str):
    task = get_task_for_user(request.user, pk)
    draw = task.draws.filter(public_id=public_id).first()
    if draw is None:
        raise Http404("未找到该抽取")
    try:
        abandon_draw(actor=request.user, draw=draw, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"抽取 {draw.public_id} 已作废，作废记录将一直公开。")
    return redirect("tasks:detail", pk=task.pk)


def _lead_task(request, pk: int):
    task = get_task_for_user(request.user, pk)
    if task.department_id != request.user.department_id:
        raise Http404("未找到该抽查任务")
    return task


def _announce_replacement(form, task, user):
    data = form.cleaned_data
    common = {"actor": user, "reason": data["reason"], "approved_by": data["approved_by"]}
    if form.kind == draw_forms.OFFICER:
        firm, number = data["seat"].split("|", 1)
        return announce_officer_replacement(
            task=task, firm_uscc=firm, certificate_number=number, **common
        )
    if form.kind == draw_forms.FIRM:
        return announce_firm_replacement(task=task, firm_uscc=data["firm"], **common)
    replaces = task.draws.get(public_id=data["abandoned"])
    announce = announce_firms_draw if replaces.purpose == DrawPurpose.FIRMS else announce_teams_draw
    return announce(task=task, replaces=replaces, **common)


@role_required(Role.PLANNER)
def draw_replace(request, pk: int):
    """递补: the three kinds of replacement draw, each approved on the spot by the head."""
    task = _lead_task(request, pk)
    kinds = list(draw_forms.KINDS)
    posted = next((k for k in kinds if f"{k}-kind" in request.POST), None)
    forms = {
        kind: draw_forms.ReplacementForm(
            request.POST if kind == posted else None, kind=kind, task=task, request=request
        )
        for kind in kinds
    }
    if posted and forms[posted].is_valid():
        try:
            draw = _announce_replacement(forms[posted], task, request.user)
        except ValidationError as exc:
            apply_service_errors(forms[posted], exc)
        else:
            messages.success(
                request, f"已公告递补抽取 {draw.public_id}，请在见证人到场后录入见证值进行抽取。"
            )
            return redirect("tasks:detail", pk=task.pk)
    return render(
        request,
        "inspections/draw_replace.html",
        {
            "task": task,
            "forms": [f for f in forms.values() if f.available or f.kind == posted],
            "teams": notice_list(task),
        },
    )


@require_POST
@role_required(Role.PLANNER)
def draw_replacement_team(request, pk: int, public_id: str):
    task = _lead_task(request, pk)
    draw = task.draws.filter(public_id=public_id).first()
    if draw is None:
        raise Http404("未找到该抽取")
    try:
        team = announce_replacement_team(actor=request.user, draw=draw)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已公告抽取 {team.public_id}，为递补的检查对象抽取检查人员。")
    return redirect("tasks:detail", pk=task.pk)


@role_required(*PLANNING_ROLES)
def task_notices(request, pk: int):
    """The printable list for the 随机抽查通知书: each drawn firm with its items and team."""
    task = get_task_for_user(request.user, pk)
    return render(
        request,
        "inspections/task_notices.html",
        {"task": task, "entries": notice_list(task)},
    )


@role_required(*PLANNING_ROLES)
def task_notices_export(request, pk: int):
    task = get_task_for_user(request.user, pk)
    out = io.BytesIO()
    count = write_xlsx(
        out,
        headers=NOTICE_HEADERS,
        rows=notice_rows(notice_list(task)),
        sheet_title="随机抽查通知书清单",
    )
    record_event(
        action=DrawAction.NOTICES_EXPORT,
        actor=request.user,
        obj=task,
        detail={"task": task.code, "format": "xlsx", "rows": count},
    )
    response = HttpResponse(out.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="notices-{task.code}.xlsx"'
    return response


# The card of the task's draws on the task page, and the page's refresh while a draw job runs
# (for browsers without JavaScript).
TASK_PAGE_SECTION = TaskPageSection(
    template="inspections/_task_draws.html",
    head_template="inspections/_task_draws_head.html",
    context=task_page_context,
)

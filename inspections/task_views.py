"""Pages of the sampling tasks: list with filters, open and edit a draft, the task page with its
live scope counts and staffing, invitations of joint tasks, and the planner's steps.
Thin: parse, call one service, render."""

import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from backend.accounts.decorators import role_required
from backend.accounts.roles import Role
from backend.audit.services import record_event
from backend.excel import write_xlsx
from backend.forms import apply_service_errors
from backend.organisation.models import Department
from inspections import draw_forms, draw_jobs
from inspections.models import DrawPurpose, DrawStatus, PlanLine, PlanStatus, TaskStatus
from inspections.notices import NOTICE_HEADERS, notice_list, notice_rows
from inspections.plan_proposal import saved_lines
from inspections.services import (
    abandon_task,
    archive_task,
    confirm_participation,
    invite_department,
    open_task,
    update_task,
)
from inspections.services.draws import (
    FIRM_REPLACEMENT_STATES,
    OFFICER_REPLACEMENT_STATES,
    abandon_draw,
    announce_firms_draw,
    announce_teams_draw,
)
from inspections.services.replacements import (
    announce_firm_replacement,
    announce_officer_replacement,
    announce_replacement_team,
    firms_awaiting_team,
)
from inspections.staffing import task_staffing
from inspections.task_forms import ConfirmForm, InviteForm, StepForm, TaskForm
from inspections.task_selectors import (
    CONFIRMING_ROLES,
    PLANNING_ROLES,
    get_invitation_for_user,
    get_task_for_user,
    invitations_for,
    plans_visible_to,
    scope_counts,
    tasks_visible_to,
)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@role_required(*PLANNING_ROLES)
def task_list(request):
    tasks = tasks_visible_to(request.user).order_by("-window_start", "code")
    departments = Department.objects.filter(
        Q(led_tasks__in=tasks) | Q(task_participations__task__in=tasks)
    ).distinct()
    status = request.GET.get("status", "")
    department = request.GET.get("department", "")
    if status in TaskStatus.values:
        tasks = tasks.filter(status=status)
    if department:
        tasks = tasks.filter(participations__department__code=department)
    return render(
        request,
        "inspections/task_list.html",
        {
            "tasks": tasks.prefetch_related("participations__department"),
            "statuses": TaskStatus.choices,
            "status": status,
            "departments": departments.order_by("code"),
            "department": department,
            "invitations": invitations_for(request.user),
            "can_open": request.user.has_role(Role.PLANNER),
        },
    )


def _published_line(request):
    """The plan line the task is opened from (?line=), when the planner came from a plan."""
    try:
        pk = int(request.GET.get("line", ""))
    except ValueError:
        return None, None
    line = PlanLine.objects.filter(
        pk=pk, plan__in=plans_visible_to(request.user), plan__status=PlanStatus.PUBLISHED
    ).first()
    if line is None:
        return None, None
    saved = next(row for row in saved_lines(line.plan) if row.line.pk == line.pk)
    return line, saved


@role_required(Role.PLANNER)
def task_open(request):
    lead = request.user.department
    plan = (
        plans_visible_to(request.user).filter(status=PlanStatus.PUBLISHED).order_by("-year").first()
    )
    line, saved = _published_line(request)
    if line is not None:
        plan = line.plan
    if plan is None:
        messages.error(request, "本部门还没有已发布的年度计划，发布计划后方可发起抽查任务。")
        return redirect("plans:list")
    initial = TaskForm.initial_from_line(saved, plan.year) if saved else {}
    form = TaskForm(request.POST or None, initial=initial, lead=lead)
    if request.method == "POST" and form.is_valid():
        fields = form.scope_fields()
        try:
            task = open_task(
                actor=request.user,
                plan=plan,
                plan_line=line,
                code=form.cleaned_data["code"],
                items=list(form.cleaned_data["items"]),
                quotas=form.quotas(),
                seats=form.seats(lead),
                **fields,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"已发起抽查任务 {task.code}（草稿）。")
            return redirect("tasks:detail", pk=task.pk)
    return render(
        request,
        "inspections/task_form.html",
        {"form": form, "plan": plan, "line": line, "heading": "发起抽查任务"},
    )


@role_required(Role.PLANNER)
def task_edit(request, pk: int):
    task = get_task_for_user(request.user, pk)
    if task.department_id != request.user.department_id:
        raise Http404("未找到该抽查任务")
    form = TaskForm(
        request.POST or None,
        initial=TaskForm.initial_from_task(task),
        lead=task.department,
        invite=False,
    )
    if request.method == "POST" and form.is_valid():
        try:
            update_task(
                actor=request.user,
                task=task,
                items=list(form.cleaned_data["items"]),
                quotas=form.quotas(),
                lead_seats=form.cleaned_data["lead_seats"],
                **form.scope_fields(),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"已保存抽查任务 {task.code}。")
            return redirect("tasks:detail", pk=task.pk)
    return render(
        request,
        "inspections/task_form.html",
        {"form": form, "plan": task.plan, "task": task, "heading": f"修改抽查任务 {task.code}"},
    )


# The planner's steps; the draws move a task through the announced and drawn states.
STEPS = {
    "abandon": lambda user, task, reason: abandon_task(actor=user, task=task, reason=reason),
    "archive": lambda user, task, reason: archive_task(actor=user, task=task),
}
# Offered as buttons on the task page. 开始实施 (which opens the inspections) is on the task's
# inspections page (/field/tasks/<id>/); the results are reviewed per inspection and published
# from the disclosure pages, which move the task themselves.
STEP_TARGETS = {
    "abandon": TaskStatus.ABANDONED,
    "archive": TaskStatus.ARCHIVED,
}
STEP_LABELS = {
    "abandon": "终止任务",
    "archive": "归档",
}


@role_required(*PLANNING_ROLES)
def task_detail(request, pk: int):
    task = get_task_for_user(request.user, pk)
    counts = scope_counts(task)
    is_lead_planner = (
        request.user.has_role(Role.PLANNER) and request.user.department_id == task.department_id
    )
    steps = [
        (step, STEP_LABELS[step])
        for step, target in STEP_TARGETS.items()
        if is_lead_planner and target in task.allowed_next
    ]
    return render(
        request,
        "inspections/task_detail.html",
        {
            "task": task,
            "counts": counts,
            "staffing": task_staffing(task, expected_firms=counts.planned),
            "participations": task.participations.select_related("department", "confirmed_by"),
            "items": task.items.select_related("item__department", "item__enforcement_field"),
            "transitions": task.transitions.select_related("actor"),
            "is_lead": task.department_id == request.user.department_id,
            "can_edit": is_lead_planner and task.status == TaskStatus.DRAFT,
            "steps": steps,
            "invite_form": InviteForm(),
            "step_form": StepForm(),
            **_ceremony(task, is_lead_planner),
        },
    )


def _ceremony(task, is_lead_planner: bool) -> dict:
    """The draws of the task and the planner's next ceremony step (announce or perform, a
    replacement, the team of a replacement firm)."""
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
    }


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
    """A draw runs in the background (inspections.draw_jobs) or, when configured, within the
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
        action="tasks.notices.export",
        actor=request.user,
        obj=task,
        detail={"task": task.code, "format": "xlsx", "rows": count},
    )
    response = HttpResponse(out.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="notices-{task.code}.xlsx"'
    return response


@require_POST
@role_required(Role.PLANNER)
def task_invite(request, pk: int):
    task = get_task_for_user(request.user, pk)
    form = InviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择要邀请的部门并填写每组人数。")
        return redirect("tasks:detail", pk=task.pk)
    try:
        invite_department(actor=request.user, task=task, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已邀请{form.cleaned_data['department'].name}参与。")
    return redirect("tasks:detail", pk=task.pk)


@role_required(*CONFIRMING_ROLES)
def task_confirm(request, pk: int):
    """The invitation as the invited department sees it, and its confirmation."""
    invitation = get_invitation_for_user(request.user, pk)
    task = invitation.task
    form = ConfirmForm(request.POST or None, initial={"seats": invitation.seats})
    if request.method == "POST" and form.is_valid():
        try:
            confirm_participation(actor=request.user, task=task, seats=form.cleaned_data["seats"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"已确认参与抽查任务 {task.code}。")
            return redirect("tasks:detail", pk=task.pk)
    return render(
        request,
        "inspections/task_confirm.html",
        {
            "invitation": invitation,
            "task": task,
            "items": task.items.select_related("item__department"),
            "form": form,
        },
    )


@require_POST
@role_required(Role.PLANNER)
def task_step(request, pk: int, step: str):
    task = get_task_for_user(request.user, pk)
    if step not in STEPS:
        raise Http404("未知的操作")
    form = StepForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        STEPS[step](request.user, task, reason)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"抽查任务 {task.code}：{STEP_LABELS[step]}。")
    return redirect("tasks:detail", pk=task.pk)

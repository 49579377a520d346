"""Pages of the sampling tasks: list with filters, open and edit a draft, the task page with its
live scope counts and staffing, invitations of joint tasks, and the planner's steps. The draws
of a task (their part of the task page, and their own pages) are inspections.draws.views.
Thin: parse, call one service, render."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from backend.accounts.decorators import role_required
from backend.accounts.roles import Role
from backend.forms import apply_service_errors
from backend.listing import day, xlsx_export
from backend.organisation.models import Department
from inspections.planning.models import ParticipationStatus, PlanLine, PlanStatus, TaskStatus
from inspections.planning.plan_proposal import saved_lines
from inspections.planning.selectors import (
    CONFIRMING_ROLES,
    PLANNING_ROLES,
    get_invitation_for_user,
    get_task_for_user,
    invitations_for,
    plans_visible_to,
    scope_counts,
    tasks_visible_to,
)
from inspections.planning.services import (
    abandon_task,
    archive_task,
    confirm_participation,
    invite_department,
    open_task,
    update_task,
    withdraw_invitation,
)
from inspections.planning.staffing import task_staffing
from inspections.planning.task_forms import (
    ConfirmForm,
    InviteForm,
    StepForm,
    TaskForm,
    WithdrawForm,
)
from inspections.planning.task_page import task_page_sections


def _task_list(request):
    """The tasks the user may see, as the list's filters choose them (the page and its export)."""
    visible = tasks_visible_to(request.user)
    tasks = visible.order_by("-window_start", "code")
    status = request.GET.get("status", "")
    department = request.GET.get("department", "")
    q = request.GET.get("q", "").strip()[:100]
    if status in TaskStatus.values:
        tasks = tasks.filter(status=status)
    if department:
        tasks = tasks.filter(participations__department__code=department).distinct()
    if q:
        tasks = tasks.filter(Q(code__icontains=q) | Q(name__icontains=q))
    filters = {"status": status, "department": department, "q": q}
    return visible, tasks.select_related("department"), filters


@role_required(*PLANNING_ROLES)
def task_list(request):
    visible, tasks, filters = _task_list(request)
    departments = Department.objects.filter(
        Q(led_tasks__in=visible) | Q(task_participations__task__in=visible)
    ).distinct()
    return render(
        request,
        "inspections/task_list.html",
        {
            "tasks": tasks.prefetch_related("participations__department"),
            "total": tasks.count(),
            "statuses": TaskStatus.choices,
            "departments": departments.order_by("code"),
            "invitations": invitations_for(request.user),
            "can_open": request.user.has_role(Role.PLANNER),
            **filters,
        },
    )


TASK_EXPORT_HEADERS = [
    "任务编号", "任务名称", "发起部门", "参与部门", "检查开始日期", "检查结束日期", "状态",
]  # fmt: skip


@role_required(*PLANNING_ROLES)
def task_list_export(request):
    _visible, tasks, _filters = _task_list(request)

    def row(task):
        joint = [p.department.name for p in task.participations.all() if not p.is_lead]
        return [
            task.code,
            task.name,
            task.department.name,
            "、".join(joint),
            day(task.window_start),
            day(task.window_end),
            task.get_status_display(),
        ]

    return xlsx_export(
        request,
        name="tasks",
        title="抽查任务",
        headers=TASK_EXPORT_HEADERS,
        rows=tasks.prefetch_related("participations__department"),
        row=row,
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
                **form.basis_fields(),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc, field_map={"case_firm": "case_firm_uscc"})
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
        {
            "form": form,
            "plan": task.plan,
            "task": task,
            "heading": f"修改抽查任务 {task.code}",
            # Invitations not confirmed, which the lead may withdraw while the task is a draft.
            "pending_invitations": (
                task.participations.filter(is_lead=False, status=ParticipationStatus.INVITED)
                .select_related("department")
                .order_by("department__code")
                if task.status == TaskStatus.DRAFT
                else []
            ),
            "withdraw_form": WithdrawForm(),
        },
    )


@require_POST
@role_required(Role.PLANNER)
def task_withdraw(request, pk: int, code: str):
    """Withdraw the invitation of the department `code` (not confirmed), with a reason."""
    task = get_task_for_user(request.user, pk)
    department = Department.objects.filter(code=code).first()
    if department is None:
        raise Http404("未找到该部门")
    form = WithdrawForm(request.POST)
    reason = form.data.get("reason", "")
    try:
        withdraw_invitation(actor=request.user, task=task, department=department, reason=reason)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        if task.status == TaskStatus.DRAFT:
            return redirect("tasks:edit", pk=task.pk)
        return redirect("tasks:detail", pk=task.pk)
    messages.success(request, f"已撤回对{department.name}的联合抽查邀请。")
    return redirect("tasks:detail", pk=task.pk)


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
    # The later steps' parts of the page (the draws), which they register (task_page).
    sections = task_page_sections(task=task, user=request.user, is_lead_planner=is_lead_planner)
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
            **sections,
        },
    )


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

"""Pages of the annual plans: list, generator, plan page with its lines and staffing warnings,
the workflow steps, the plan table as .xlsx and as a printable page, and the settings.
Thin: parse, call one service, render."""

import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from backend.accounts.decorators import role_required
from backend.accounts.roles import Role
from backend.audit.services import record_event
from backend.excel import XLSX_CONTENT_TYPE
from backend.forms import apply_service_errors
from backend.listing import day, xlsx_export
from inspections.planning import rules
from inspections.planning.actions import PlanningAction
from inspections.planning.models import AnnualPlan, PlanStatus
from inspections.planning.plan_exports import PLAN_HEADERS, plan_rows, write_plan_xlsx
from inspections.planning.plan_forms import (
    FilingForm,
    GenerateForm,
    PlanLineForm,
    PlanTitleForm,
    ReasonForm,
    SettingsForm,
)
from inspections.planning.plan_proposal import per_quarter_totals, plan_warnings, saved_lines
from inspections.planning.selectors import PLANNING_ROLES, get_plan_for_user, plans_visible_to
from inspections.planning.services import (
    add_plan_line,
    approve_plan,
    file_plan,
    generate_annual_plan,
    publish_plan,
    remove_plan_line,
    return_plan,
    revise_plan,
    submit_plan,
    update_plan,
    update_plan_line,
    update_planning_settings,
)
from inspections.planning.staffing import settings_for


def _refused(request, exc: ValidationError) -> None:
    messages.error(request, "；".join(exc.messages))


@role_required(*PLANNING_ROLES)
def plan_list(request):
    plans, filters = _plan_list(request)
    return render(
        request,
        "inspections/plan_list.html",
        {
            "plans": plans,
            "total": plans.count(),
            "statuses": PlanStatus.choices,
            "years": plans_visible_to(request.user)
            .order_by("-year")
            .values_list("year", flat=True)
            .distinct(),
            **filters,
            "form": GenerateForm(),
            "can_generate": request.user.has_role(Role.PLANNER),
        },
    )


def _plan_list(request):
    """The plans the user may see, as the list's filters choose them (the page, its export)."""
    plans = plans_visible_to(request.user).order_by("-year", "-version")
    status = request.GET.get("status", "")
    year = request.GET.get("year", "")
    q = request.GET.get("q", "").strip()[:100]
    if status in PlanStatus.values:
        plans = plans.filter(status=status)
    if year.isdigit() and len(year) == 4:
        plans = plans.filter(year=int(year))
    if q:
        plans = plans.filter(title__icontains=q)
    return plans, {"status": status, "year": year, "q": q}


PLAN_EXPORT_HEADERS = [
    "年度",
    "计划名称",
    "版本",
    "状态",
    "生成日期",
    "发布日期",
    "备案日期",
    "备案机关",
]


@role_required(*PLANNING_ROLES)
def plan_list_export(request):
    plans, _filters = _plan_list(request)

    def row(plan):
        filing = getattr(plan, "filing", None)
        return [
            plan.year,
            plan.title,
            plan.version,
            plan.get_status_display(),
            day(timezone.localdate(plan.created_at)),
            day(timezone.localdate(plan.published_at)) if plan.published_at else "",
            day(filing.filed_on) if filing else "",
            filing.authority if filing else "",
        ]

    return xlsx_export(
        request,
        name="plans",
        title="年度抽查计划",
        headers=PLAN_EXPORT_HEADERS,
        rows=plans,
        row=row,
    )


@require_POST
@role_required(Role.PLANNER)
def plan_generate(request):
    form = GenerateForm(request.POST)
    if form.is_valid():
        try:
            plan = generate_annual_plan(
                actor=request.user,
                department=request.user.department,
                year=form.cleaned_data["year"],
                title=form.cleaned_data["title"],
            )
        except ValidationError as exc:
            _refused(request, exc)
        else:
            messages.success(request, "已生成计划草稿，请核对计划任务后提交审批。")
            return redirect("plans:detail", pk=plan.pk)
    else:
        messages.error(request, "请填写正确的计划年度。")
    return redirect("plans:list")


@role_required(*PLANNING_ROLES)
def plan_detail(request, pk: int):
    plan = get_plan_for_user(request.user, pk)
    lines = saved_lines(plan)
    user = request.user
    is_planner = user.has_role(Role.PLANNER)
    return render(
        request,
        "inspections/plan_detail.html",
        {
            "plan": plan,
            "lines": lines,
            "warnings": plan_warnings(plan, lines),
            "quarters": [
                (rules.QUARTER_NAMES[q], n)
                for q, n in per_quarter_totals(row.view for row in lines).items()
            ],
            "total": sum(row.view.total for row in lines),
            "versions": plans_visible_to(user)
            .filter(year=plan.year)
            .exclude(pk=plan.pk)
            .order_by("-version"),
            "tasks": plan.tasks.order_by("code"),
            "can_edit": is_planner and plan.status == PlanStatus.DRAFT,
            "can_submit": is_planner and plan.status == PlanStatus.DRAFT,
            "can_approve": user.has_role(Role.DEPARTMENT_ADMIN)
            and plan.status == PlanStatus.SUBMITTED,
            "can_publish": is_planner and plan.status == PlanStatus.APPROVED,
            "can_revise": is_planner and plan.status == PlanStatus.PUBLISHED,
            "can_open_tasks": is_planner and plan.status == PlanStatus.PUBLISHED,
            "can_file": user.has_role(Role.PLANNER, Role.DEPARTMENT_ADMIN)
            and plan.status == PlanStatus.PUBLISHED
            and not hasattr(plan, "filing"),
            "title_form": PlanTitleForm(initial={"title": plan.title}),
            "reason_form": ReasonForm(),
            "filing_form": FilingForm(),
        },
    )


def _line_form_page(request, plan, form, heading):
    return render(
        request,
        "inspections/plan_line_form.html",
        {"plan": plan, "form": form, "heading": heading},
    )


@role_required(Role.PLANNER)
def plan_line_edit(request, pk: int, line_pk: int):
    plan = get_plan_for_user(request.user, pk)
    saved = next((row for row in saved_lines(plan) if row.line.pk == line_pk), None)
    if saved is None:
        raise Http404("未找到该计划任务")
    form = PlanLineForm(request.POST or None, initial=PlanLineForm.initial_from(saved))
    if request.method == "POST" and form.is_valid():
        try:
            update_plan_line(actor=request.user, line=saved.line, **form.line_fields())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"已保存计划任务「{form.cleaned_data['name']}」。")
            return redirect("plans:detail", pk=plan.pk)
    return _line_form_page(request, plan, form, f"修改计划任务：{saved.line.name}")


@role_required(Role.PLANNER)
def plan_line_add(request, pk: int):
    plan = get_plan_for_user(request.user, pk)
    quarter = rules.INSPECTION_QUARTERS[0]
    form = PlanLineForm(
        request.POST or None, initial={"start_quarter": quarter, "end_quarter": quarter}
    )
    if request.method == "POST" and form.is_valid():
        fields = form.line_fields()
        if not fields["quotas"]:
            fields["quotas"] = None  # the department's default ratios under the items' caps
        try:
            add_plan_line(actor=request.user, plan=plan, **fields)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "已新增计划任务。")
            return redirect("plans:detail", pk=plan.pk)
    return _line_form_page(request, plan, form, "新增计划任务")


@require_POST
@role_required(Role.PLANNER)
def plan_line_remove(request, pk: int, line_pk: int):
    plan = get_plan_for_user(request.user, pk)
    line = get_object_or_404(plan.lines, pk=line_pk)
    try:
        remove_plan_line(actor=request.user, line=line)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, f"已删除计划任务「{line.name}」。")
    return redirect("plans:detail", pk=plan.pk)


# step: (form, service call, message). Each service checks the actor's role and the state.
STEPS = {
    "title": (
        PlanTitleForm,
        lambda user, plan, data: update_plan(actor=user, plan=plan, title=data["title"]),
        "已修改计划名称。",
    ),
    "submit": (None, lambda user, plan, data: submit_plan(actor=user, plan=plan), "已提交审批。"),
    "approve": (None, lambda user, plan, data: approve_plan(actor=user, plan=plan), "已批准。"),
    "return": (
        ReasonForm,
        lambda user, plan, data: return_plan(actor=user, plan=plan, reason=data["reason"]),
        "已退回计划人员修改。",
    ),
    "publish": (None, lambda user, plan, data: publish_plan(actor=user, plan=plan), "已发布。"),
    "revise": (
        ReasonForm,
        lambda user, plan, data: revise_plan(actor=user, plan=plan, reason=data["reason"]),
        "已生成修订草稿。",
    ),
    "file": (
        FilingForm,
        lambda user, plan, data: file_plan(actor=user, plan=plan, **data),
        "已登记备案。",
    ),
}


@require_POST
@role_required(Role.PLANNER, Role.DEPARTMENT_ADMIN)
def plan_step(request, pk: int, step: str):
    plan = get_plan_for_user(request.user, pk)
    if step not in STEPS:
        raise Http404("未知的操作")
    form_class, call, done = STEPS[step]
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
        return redirect("plans:detail", pk=plan.pk)
    try:
        result = call(request.user, plan, form.cleaned_data if form else {})
    except ValidationError as exc:
        _refused(request, exc)
        return redirect("plans:detail", pk=plan.pk)
    messages.success(request, done)
    target = result if isinstance(result, AnnualPlan) else plan
    return redirect("plans:detail", pk=target.pk)


@role_required(*PLANNING_ROLES)
def plan_export(request, pk: int):
    plan = get_plan_for_user(request.user, pk)
    rows = plan_rows(plan, saved_lines(plan))
    out = io.BytesIO()
    count = write_plan_xlsx(out, rows)
    record_event(
        action=PlanningAction.PLAN_EXPORT,
        actor=request.user,
        obj=plan,
        detail={"format": "xlsx", "rows": count, "version": plan.version},
    )
    response = HttpResponse(out.getvalue(), content_type=XLSX_CONTENT_TYPE)
    name = f"plan-{plan.department.code}-{plan.year}-v{plan.version}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@role_required(*PLANNING_ROLES)
def plan_print(request, pk: int):
    plan = get_plan_for_user(request.user, pk)
    return render(
        request,
        "inspections/plan_print.html",
        {"plan": plan, "headers": PLAN_HEADERS, "rows": plan_rows(plan, saved_lines(plan))},
    )


@role_required(*PLANNING_ROLES)
def planning_settings(request):
    department = request.user.department
    current = settings_for(department)
    can_edit = request.user.has_role(Role.DEPARTMENT_ADMIN)
    form = SettingsForm(request.POST or None, initial=SettingsForm.initial_from(current))
    if request.method == "POST" and can_edit and form.is_valid():
        try:
            update_planning_settings(
                actor=request.user, department=department, **form.settings_fields()
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "已保存本部门的抽查计划参数。")
            return redirect("plans:settings")
    return render(
        request,
        "inspections/planning_settings.html",
        {"form": form, "can_edit": can_edit, "department": department},
    )

"""The department's publication pages (/disclosure/): what is due and overdue, publishing,
correcting and withdrawing, and the department's time limits."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from backend.accounts.decorators import role_required
from backend.accounts.roles import Role
from backend.forms import apply_service_errors
from backend.listing import day, xlsx_export
from disclosure import selectors, services
from disclosure.access import PUBLISHERS
from disclosure.deadlines import working_days_for
from disclosure.forms import CorrectForm, DeadlinesForm, PublishForm, WithdrawForm
from disclosure.selectors import snapshot

RECENT = 50


DUE_STATES = [("overdue", "已逾期"), ("due", "待公开")]


def _due(request):
    """The results the department must still publish, as the list's filter chooses them (the
    page and its export)."""
    results = selectors.due_results(request.user.department)
    q = request.GET.get("q", "").strip()[:100]
    state = request.GET.get("state", "")
    if q:
        results = [
            d
            for d in results
            if any(
                q in text
                for text in (d.inspection.code, d.inspection.firm_name, d.inspection.firm_uscc)
            )
        ]
    if state == "overdue":
        results = [d for d in results if d.overdue]
    elif state == "due":
        results = [d for d in results if not d.overdue]
    return results, {"q": q, "state": state}


@role_required(*PUBLISHERS)
def due(request, form=None):
    department = request.user.department
    results, filters = _due(request)
    return render(
        request,
        "publishing/due.html",
        {
            "total": len(results),
            "states": DUE_STATES,
            **filters,
            "overdue": [d for d in results if d.overdue],
            "due": [d for d in results if not d.overdue],
            "form": form or PublishForm(queryset=selectors.unpublished(department)),
            "recent": selectors.department_publications(department)[:RECENT],
            "days": working_days_for(department),
            "today": timezone.localdate(),
        },
    )


DUE_EXPORT_HEADERS = [
    "检查编号",
    "检查对象",
    "统一社会信用代码",
    "抽查任务",
    "审核日期",
    "公示期限",
    "是否逾期",
    "暂不能公示的原因",
]


@role_required(*PUBLISHERS)
def due_export(request):
    results, _filters = _due(request)
    return xlsx_export(
        request,
        name="publication-due",
        title="待公示的检查结果",
        headers=DUE_EXPORT_HEADERS,
        rows=results,
        row=lambda d: [
            d.inspection.code,
            d.inspection.firm_name,
            d.inspection.firm_uscc,
            d.inspection.task.code,
            day(timezone.localdate(d.inspection.reviewed_at)) if d.inspection.reviewed_at else "",
            day(d.due),
            "已逾期" if d.overdue else "",
            "；".join(d.blockers),
        ],
        list_url=reverse("publishing:due"),
    )


@require_POST
@role_required(*PUBLISHERS)
def publish(request):
    form = PublishForm(request.POST, queryset=selectors.unpublished(request.user.department))
    if form.is_valid():
        try:
            rows = services.publish_results(
                actor=request.user, inspections=form.cleaned_data["inspections"]
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"已公示 {len(rows)} 条检查结果。")
            return redirect("publishing:due")
    return due(request, form=form)


@role_required(*PUBLISHERS)
def correct(request, code: str):
    result = selectors.get_publication_for_user(request.user, code)
    form = CorrectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            row = services.correct_result(
                actor=request.user, result=result, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request, f"已发布更正 {row.code}，原公示 {result.code} 保留并注明已更正。"
            )
            return redirect("publishing:due")
    return render(
        request,
        "publishing/replace.html",
        {
            "form": form,
            "result": result,
            "what": "更正",
            "current": snapshot(result.inspection),
        },
    )


@role_required(*PUBLISHERS)
def withdraw(request, code: str):
    result = selectors.get_publication_for_user(request.user, code)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            row = services.withdraw_result(
                actor=request.user,
                result=result,
                reason=form.cleaned_data["reason"],
                revoked_on=form.cleaned_data["revoked_on"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"已发布撤回公告 {row.code}（期限 {row.due_on}）。")
            return redirect("publishing:due")
    return render(
        request, "publishing/replace.html", {"form": form, "result": result, "what": "撤回"}
    )


@role_required(Role.DEPARTMENT_ADMIN)
def deadlines(request):
    department = request.user.department
    form = DeadlinesForm(request.POST or None, current=working_days_for(department))
    if request.method == "POST" and form.is_valid():
        try:
            services.set_publication_deadlines(
                actor=request.user, department=department, working_days=form.cleaned_data
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "已保存本部门的公示期限。")
            return redirect("publishing:due")
    return render(request, "publishing/deadlines.html", {"form": form})

"""The supervision pages: the supervisor's warnings (and their .xlsx), an inspection and a firm as
the supervisor reads them, the opinions; the department's opinions and its answer; and the
warnings' part of planning's task page (TASK_PAGE_SECTION, registered by SupervisionConfig).
Thin: parse, call one selector or service, render."""

import io

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from backend.accounts.decorators import role_required
from backend.accounts.roles import Role
from backend.excel import XLSX_CONTENT_TYPE, write_xlsx
from backend.forms import apply_service_errors
from backend.listing import day, xlsx_export
from backend.organisation.models import Department
from backend.text import chinese_date
from inspections.planning.models import FINISHED, SamplingTask
from inspections.planning.task_page import TaskPageSection
from supervision import alerts, selectors, services
from supervision import annual as annual_figures
from supervision.forms import AnswerForm, OpinionFilterForm, OpinionForm, WarningFilterForm
from supervision.models import WarningKind

EXPORT_HEADERS = [
    "预警类型",
    "检查对象",
    "统一社会信用代码",
    "涉及部门",
    "涉及检查",
    "日期",
    "说明",
]
# The page lists this many warnings at a time, kind by kind, newest first.
WARNINGS_PER_PAGE = 50
# An export holds at most this many warnings of each kind.
EXPORT_LIMIT = 50_000


def _filters(request) -> tuple[WarningFilterForm, alerts.Filters]:
    today = timezone.localdate()
    data = request.GET.copy()
    if not data.get("since") and not data.get("until"):
        data["since"] = alerts.default_since(today).isoformat()
    form = WarningFilterForm(data)
    if not form.is_valid():
        return form, alerts.Filters(since=alerts.default_since(today))
    c = form.cleaned_data
    department = c["department"]
    return form, alerts.Filters(
        kind=c["kind"],
        department=department.pk if department else None,
        q=c["q"],
        since=c["since"],
        until=c["until"],
    )


def _url_head(name: str) -> str:
    """The URL named `name` up to its one argument, to which a page of hundreds of links appends
    each argument and "/" (one reversal, not one per link)."""
    url = reverse(name, args=["0"])
    if not url.endswith("/0/"):
        raise ValueError(f"{name}: {url} does not end with its argument")
    return url[:-2]


@role_required(Role.SUPERVISOR)
def warnings(request):
    form, filters = _filters(request)
    found = alerts.find_warnings(filters, today=timezone.localdate(), limit=None)
    page = Paginator(found.rows(), WARNINGS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "supervision/warnings.html",
        {
            "form": form,
            "found": found,
            "page": page,
            "firm_url_head": _url_head("supervision:firm"),
            "inspection_url_head": _url_head("supervision:inspection"),
            "kinds": [(k, label, found.totals.get(k)) for k, label in WarningKind.choices],
            "days": settings.SUPERVISION_MULTIPLE_BODIES_DAYS,
            "query": query.urlencode(),
        },
    )


@role_required(Role.SUPERVISOR)
def warnings_export(request):
    _form, filters = _filters(request)
    found = alerts.find_warnings(filters, today=timezone.localdate(), limit=EXPORT_LIMIT)
    rows = [
        [
            w.kind_label,
            w.firm_name,
            w.firm_uscc,
            "、".join(dict.fromkeys(i.department for i in w.inspections)),
            "、".join(i.code for i in w.inspections),
            w.day.isoformat(),
            w.text,
        ]
        for w in found.rows()
    ]
    out = io.BytesIO()
    write_xlsx(out, headers=EXPORT_HEADERS, rows=rows, sheet_title="监督预警")
    services.record_warnings_export(
        actor=request.user,
        filters={
            "kind": filters.kind,
            "department": filters.department,
            "q": filters.q,
            "since": filters.since,
            "until": filters.until,
        },
        rows=len(rows),
    )
    response = HttpResponse(
        out.getvalue(),
        content_type=XLSX_CONTENT_TYPE,
    )
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="supervision-warnings-{stamp}.xlsx"'
    return response


@role_required(Role.SUPERVISOR)
def inspection(request, pk: int):
    found = selectors.get_inspection_for_supervisor(request.user, pk)
    opinions = selectors.opinions_visible_to(request.user).filter(inspection=found)
    return render(
        request,
        "supervision/inspection.html",
        {
            "inspection": found,
            "members": found.members.select_related("officer", "department"),
            "opinions": opinions,
            "overdue": found.approval_overdue(timezone.localdate()),
            "today": timezone.localdate(),
        },
    )


@role_required(Role.SUPERVISOR)
def firm(request, uscc: str):
    rows = (
        selectors.inspections_for_supervisor(request.user)
        .filter(firm_uscc=uscc.upper())
        .order_by("-window_start", "-pk")
    )
    first = rows.first()
    if first is None:
        raise Http404("未找到该检查对象的检查")
    return render(
        request,
        "supervision/firm.html",
        {"firm_name": first.firm_name, "uscc": first.firm_uscc, "inspections": rows[:500]},
    )


@role_required(Role.SUPERVISOR)
def opinions(request):
    return _opinion_list(request, "supervision/opinions.html")


@role_required(Role.DEPARTMENT_ADMIN)
def department_opinions(request):
    return _opinion_list(request, "supervision/department_opinions.html")


def _opinions(request, today):
    """The opinions the list shows under its filters (the page and its export)."""
    form = OpinionFilterForm(request.GET)
    form.is_valid()
    c = getattr(form, "cleaned_data", {})
    rows = selectors.filter_opinions(
        selectors.opinions_visible_to(request.user),
        today=today,
        state=c.get("state", ""),
        q=c.get("q", ""),
    )
    return form, rows.select_related("department", "inspection", "task")


def _opinion_list(request, template: str):
    today = timezone.localdate()
    form, rows = _opinions(request, today)
    export = "supervision:opinions-export"
    if request.resolver_match.url_name == "department-opinions":
        export = "supervision:department-opinions-export"
    return render(
        request,
        template,
        {
            "form": form,
            "rows": [(o, o.state(today), o.state_label(today)) for o in rows[:500]],
            "total": rows.count(),
            "export_url": reverse(export),
        },
    )


OPINION_EXPORT_HEADERS = [
    "编号", "被监督部门", "针对", "监督意见", "提出日期", "答复期限", "答复情况",
]  # fmt: skip


def _opinion_export(request):
    today = timezone.localdate()
    _form, rows = _opinions(request, today)

    def subject(o):
        if o.inspection_id:
            return f"检查 {o.inspection.code}"
        if o.task_id:
            return f"任务 {o.task.code}"
        return o.get_warning_kind_display()

    return xlsx_export(
        request,
        name="supervision-opinions",
        title="监督意见",
        headers=OPINION_EXPORT_HEADERS,
        rows=rows,
        row=lambda o: [
            o.number,
            o.department.name,
            subject(o),
            o.text,
            day(o.issued_on),
            day(o.due_on),
            str(o.state_label(today)),
        ],
    )


@role_required(Role.SUPERVISOR)
def opinions_export(request):
    return _opinion_export(request)


@role_required(Role.DEPARTMENT_ADMIN)
def department_opinions_export(request):
    return _opinion_export(request)


@role_required(Role.SUPERVISOR)
def opinion_new(request):
    source = request.POST if request.method == "POST" else None
    initial = {}
    subject = None
    inspection_pk = request.GET.get("inspection") or (source or {}).get("inspection")
    task_pk = request.GET.get("task") or (source or {}).get("task")
    found_inspection = found_task = None
    if inspection_pk and str(inspection_pk).isdigit() and len(str(inspection_pk)) <= 18:
        found_inspection = selectors.get_inspection_for_supervisor(request.user, int(inspection_pk))
        subject = f"检查 {found_inspection.code} {found_inspection.firm_name}"
        initial.update(inspection=found_inspection.pk, department=found_inspection.task.department)
    elif task_pk and str(task_pk).isdigit() and len(str(task_pk)) <= 18:
        found_task = get_object_or_404(SamplingTask, pk=int(task_pk))
        subject = f"抽查任务 {found_task.code} {found_task.name}"
        initial.update(task=found_task.pk, department=found_task.department)
    else:
        kind = request.GET.get("warning_kind", "")
        text = request.GET.get("warning_text", "")
        if kind in WarningKind.values:
            subject = f"{WarningKind(kind).label}：{text}"
            initial.update(warning_kind=kind, warning_text=text)
        if request.GET.get("department", "").isdigit():
            initial["department"] = request.GET["department"]
    form = OpinionForm(source, initial=initial)
    status = 200
    if source is not None and form.is_valid():
        c = form.cleaned_data
        try:
            opinion = services.issue_opinion(
                actor=request.user,
                department=c["department"],
                text=c["text"],
                working_days=c["working_days"],
                inspection=found_inspection,
                task=found_task,
                warning_kind=c["warning_kind"] if not (found_inspection or found_task) else "",
                warning_text=c["warning_text"] if not (found_inspection or found_task) else "",
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
            status = 400
        else:
            messages.success(
                request, f"监督意见{opinion.number}已提出，答复期限{chinese_date(opinion.due_on)}。"
            )
            return redirect("supervision:opinion", pk=opinion.pk)
    elif source is not None:
        status = 400
    return render(
        request, "supervision/opinion_form.html", {"form": form, "subject": subject}, status=status
    )


@role_required(Role.SUPERVISOR, Role.DEPARTMENT_ADMIN)
def opinion(request, pk: int, answer_form=None, status=200):
    found = selectors.get_opinion_for_user(request.user, pk)
    today = timezone.localdate()
    may_answer = request.user.has_role(Role.DEPARTMENT_ADMIN) and not hasattr(found, "answer")
    return render(
        request,
        "supervision/opinion.html",
        {
            "opinion": found,
            "state": found.state(today),
            "state_label": found.state_label(today),
            "answer_form": (answer_form or AnswerForm()) if may_answer else None,
            "is_supervisor": request.user.has_role(Role.SUPERVISOR),
        },
        status=status,
    )


@require_POST
@role_required(Role.DEPARTMENT_ADMIN)
def opinion_answer(request, pk: int):
    found = selectors.get_opinion_for_user(request.user, pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.answer_opinion(
                actor=request.user, opinion=found, text=form.cleaned_data["text"]
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"监督意见{found.number}已答复。")
            return redirect("supervision:opinion", pk=found.pk)
    return opinion(request, pk, answer_form=form, status=400)


# --- the task page's section ---------------------------------------------------------------------


def task_page_context(*, task, user, is_lead_planner: bool) -> dict:
    """The same warnings for one task, informational: they never keep a draw from being
    announced. Not computed for a finished task."""
    if task.status in FINISHED:
        return {"task_warnings": None}
    found = alerts.warnings_for_task(task, today=timezone.localdate())
    return {
        "task_warnings": found,
        "task_warning_rows": found.rows(),
        "task_warning_totals": [
            (label, found.totals[kind]) for kind, label in WarningKind.choices if found.totals[kind]
        ],
        "task_warning_days": settings.SUPERVISION_MULTIPLE_BODIES_DAYS,
    }


TASK_PAGE_SECTION = TaskPageSection(
    template="supervision/_task_warnings.html", context=task_page_context
)


# --- 行政执法统计年报 -------------------------------------------------------------------------


def _annual_scope(request) -> tuple[int, list[int], list[Department]]:
    """The year asked for (last year by default) and the departments the user may read: every
    department for the supervisor (or the one chosen), their own for a department head."""
    today = timezone.localdate()
    years = annual_figures.report_years(today)
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() and int(raw) in years else today.year - 1
    if request.user.has_role(Role.SUPERVISOR):
        departments = Department.objects.order_by("code")
        chosen = request.GET.get("department", "")
        if chosen.isdigit():
            departments = departments.filter(pk=int(chosen))
    else:
        departments = Department.objects.filter(pk=request.user.department_id)
    return year, years, list(departments)


@role_required(Role.SUPERVISOR, Role.DEPARTMENT_ADMIN)
def annual(request):
    """The year's figures per department: on the page, and the public part for comparison."""
    year, years, departments = _annual_scope(request)
    today = timezone.localdate()
    reports = [annual_figures.department_year(d, year, today=today) for d in departments]
    return render(
        request,
        "supervision/annual.html",
        {
            "year": year,
            "years": years,
            "reports": reports,
            "lines": _columns(reports),
            "all_departments": Department.objects.order_by("code")
            if request.user.has_role(Role.SUPERVISOR)
            else None,
            "department": request.GET.get("department", ""),
            "query": request.GET.urlencode(),
        },
    )


def _columns(reports: list[annual_figures.DepartmentYear]) -> list[tuple[str, list]]:
    """Figures as rows, departments as columns (the 年报's layout)."""
    if not reports:
        return []
    labels = [label for label, _value in reports[0].rows]
    values = [dict(r.rows) for r in reports]
    return [(label, [v[label] for v in values]) for label in labels]


@role_required(Role.SUPERVISOR, Role.DEPARTMENT_ADMIN)
def annual_export(request):
    year, _years, departments = _annual_scope(request)
    today = timezone.localdate()
    reports = [annual_figures.department_year(d, year, today=today) for d in departments]
    out = io.BytesIO()
    write_xlsx(
        out,
        headers=["统计项目", *(r.department.name for r in reports)],
        rows=[[label, *values] for label, values in _columns(reports)],
        sheet_title=f"{year}年行政检查统计",
    )
    services.record_annual_export(
        actor=request.user, year=year, departments=[d.code for d in departments]
    )
    response = HttpResponse(
        out.getvalue(),
        content_type=XLSX_CONTENT_TYPE,
    )
    response["Content-Disposition"] = f'attachment; filename="annual-{year}.xlsx"'
    return response

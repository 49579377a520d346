"""Staff pages of the ratings app.

- link/<inspection>/               the inspecting department prints the firm's rating link
- link/<inspection>/qr.png         its QR image for print
- summary/                         the department administrator: aggregates over ≥5 ratings
- (root), <pk>/                    the supervisor: each rating, and a complaint opened on it
- complaints/, complaints/<pk>/    the supervisor (all) and the department administrator (theirs)
- statistics/, statistics.xlsx     the supervisor's statistics and their export
"""

import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from backend.accounts.decorators import role_required
from backend.accounts.roles import Role
from backend.audit.services import record_event
from backend.excel import XLSX_CONTENT_TYPE, write_xlsx
from backend.forms import apply_service_errors
from backend.listing import day, xlsx_export
from backend.organisation.models import Department
from backend.text import chinese_date
from fieldwork.code_display import public_address
from fieldwork.qr import qr_png, qr_svg
from ratings import selectors, services
from ratings.actions import RatingAction
from ratings.forms import AnswerForm, CloseForm, ComplaintForm
from ratings.models import ComplaintState, Rating
from ratings.statistics import export_rows, supervisor_figures

LINK_READERS = (Role.PLANNER, Role.DEPARTMENT_ADMIN, Role.INSPECTOR)


def rating_url(request, token: str) -> str:
    """The firm's public rating page: what the printed link and its QR image hold."""
    return public_address(request, reverse("public:rating", args=[token]))


@require_safe
@role_required(*LINK_READERS)
def inspection_link(request, pk: int):
    inspection, link = selectors.link_for_user(request.user, pk)
    url = rating_url(request, link.token)
    return render(
        request,
        "ratings/link.html",
        {"inspection": inspection, "link": link, "url": url, "svg": qr_svg(url)},
    )


@require_safe
@role_required(*LINK_READERS)
def inspection_link_png(request, pk: int):
    inspection, link = selectors.link_for_user(request.user, pk)
    response = HttpResponse(qr_png(rating_url(request, link.token)), content_type="image/png")
    response["Content-Disposition"] = f'inline; filename="rating-{inspection.code}.png"'
    return response


def _year(request) -> int | None:
    value = request.GET.get("year", "")
    return int(value) if value.isdigit() and len(value) == 4 else None


@require_safe
@role_required(Role.DEPARTMENT_ADMIN)
def department_summary(request):
    year = _year(request)
    return render(
        request,
        "ratings/summary.html",
        {
            "groups": selectors.department_aggregates(request.user, year=year),
            "year": year,
            "years": selectors.rating_years(),
        },
    )


def _ratings(request):
    """The ratings the list shows under its filters (the page and its export)."""
    filters = {
        k: request.GET.get(k, "").strip()[:100]
        for k in ("q", "department", "overall", "favours", "year")
    }
    ratings = selectors.search_ratings(selectors.ratings_for_supervisor(request.user), **filters)
    return filters, ratings


RATING_EXPORT_HEADERS = [
    "检查编号", "检查对象", "检查部门", "年度", "月份", "总体评价", "出示证件", "告知权利",
    "索拿卡要", "意见",
]  # fmt: skip


@require_safe
@role_required(Role.SUPERVISOR)
def rating_list_export(request):
    _filters, ratings = _ratings(request)
    return xlsx_export(
        request,
        name="ratings",
        title="企业评价",
        headers=RATING_EXPORT_HEADERS,
        rows=ratings,
        row=lambda r: [
            r.inspection.code,
            r.inspection.firm_name,
            r.department.name,
            r.year,
            r.month,
            r.overall,
            "是" if r.certificates_shown else "否",
            "是" if r.rights_explained else "否",
            "是" if r.asked_for_favours else "否",
            selectors.masked(r.comment),
        ],
    )


@require_safe
@role_required(Role.SUPERVISOR)
def rating_list(request):
    filters, ratings = _ratings(request)
    page = Paginator(ratings, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "ratings/list.html",
        {
            "page": page,
            "rows": [(r, selectors.masked(r.comment)) for r in page],
            "filters": filters,
            "departments": Department.objects.order_by("code"),
            "years": selectors.rating_years(),
        },
    )


def _rating_page(request, rating: Rating, form: ComplaintForm, status: int = 200):
    return render(
        request,
        "ratings/detail.html",
        {
            "rating": rating,
            "comment": selectors.masked(rating.comment),
            "favours_detail": selectors.masked(rating.favours_detail),
            "complaints": rating.complaints.all(),
            "items": selectors.item_names(rating.items.values_list("pk", flat=True)).values(),
            "form": form,
        },
        status=status,
    )


@require_safe
@role_required(Role.SUPERVISOR)
def rating_detail(request, pk: int):
    rating = selectors.get_rating_for_supervisor(request.user, pk)
    record_event(action=RatingAction.VIEW, actor=request.user, obj=rating)
    return _rating_page(request, rating, ComplaintForm())


@require_POST
@role_required(Role.SUPERVISOR)
def complaint_open(request, pk: int):
    rating = selectors.get_rating_for_supervisor(request.user, pk)
    form = ComplaintForm(request.POST)
    if form.is_valid():
        try:
            complaint = services.open_complaint(
                actor=request.user, rating=rating, subject=form.cleaned_data["subject"]
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"已立案投诉{complaint.number}，{complaint.department.name}"
                f"应于{chinese_date(complaint.due_on)}前答复。",
            )
            return redirect("ratings:complaint", complaint.pk)
    return _rating_page(request, rating, form, status=400)


def _complaints(request, today):
    """The complaints the list shows under its filters (the page and its export)."""
    filters = {k: request.GET.get(k, "").strip()[:100] for k in ("q", "state", "department")}
    complaints = selectors.search_complaints(
        selectors.complaints_visible_to(request.user), today=today, **filters
    )
    return filters, complaints


COMPLAINT_EXPORT_HEADERS = [
    "投诉编号", "被投诉部门", "立案日期", "答复期限", "状态", "是否逾期", "办理结果",
]  # fmt: skip


@require_safe
@role_required(Role.SUPERVISOR, Role.DEPARTMENT_ADMIN)
def complaint_list_export(request):
    today = timezone.localdate()
    _filters, complaints = _complaints(request, today)
    return xlsx_export(
        request,
        name="complaints",
        title="投诉",
        headers=COMPLAINT_EXPORT_HEADERS,
        rows=complaints,
        row=lambda c: [
            c.number,
            c.department.name,
            day(c.opened_on),
            day(c.due_on),
            c.get_state_display(),
            "是" if c.is_overdue(today) else "否",
            c.get_outcome_display() if c.outcome else "",
        ],
    )


@require_safe
@role_required(Role.SUPERVISOR, Role.DEPARTMENT_ADMIN)
def complaint_list(request):
    today = timezone.localdate()
    filters, complaints = _complaints(request, today)
    page = Paginator(complaints, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "ratings/complaints.html",
        {
            "page": page,
            "rows": [(c, c.is_overdue(today)) for c in page],
            "filters": filters,
            "states": [*ComplaintState.choices, ("overdue", "已逾期未答复")],
            "departments": Department.objects.order_by("code")
            if selectors.is_supervisor(request.user)
            else None,
        },
    )


def _complaint_page(request, complaint, *, answer_form=None, close_form=None, status=200):
    supervisor = selectors.is_supervisor(request.user)
    open_for_answer = complaint.state != ComplaintState.CLOSED
    return render(
        request,
        "ratings/complaint.html",
        {
            "complaint": complaint,
            "subject": selectors.masked(complaint.subject),
            "answers": [(a, selectors.masked(a.text)) for a in complaint.answers.all()],
            "overdue": complaint.is_overdue(timezone.localdate()),
            "supervisor": supervisor,
            "answer_form": (answer_form or AnswerForm())
            if not supervisor and open_for_answer
            else None,
            "close_form": (close_form or CloseForm())
            if supervisor and complaint.state == ComplaintState.ANSWERED
            else None,
        },
        status=status,
    )


@require_safe
@role_required(Role.SUPERVISOR, Role.DEPARTMENT_ADMIN)
def complaint_detail(request, pk: int):
    return _complaint_page(request, selectors.get_complaint_for_user(request.user, pk))


@require_POST
@role_required(Role.DEPARTMENT_ADMIN)
def complaint_answer(request, pk: int):
    complaint = selectors.get_complaint_for_user(request.user, pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.answer_complaint(
                actor=request.user, complaint=complaint, text=form.cleaned_data["text"]
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已答复投诉{complaint.number}。")
            return redirect("ratings:complaint", complaint.pk)
    return _complaint_page(request, complaint, answer_form=form, status=400)


@require_POST
@role_required(Role.SUPERVISOR)
def complaint_close(request, pk: int):
    complaint = selectors.get_complaint_for_user(request.user, pk)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            services.close_complaint(
                actor=request.user,
                complaint=complaint,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"投诉{complaint.number}已办结。")
            return redirect("ratings:complaint", complaint.pk)
    return _complaint_page(request, complaint, close_form=form, status=400)


@require_safe
@role_required(Role.SUPERVISOR)
def statistics(request):
    return render(
        request, "ratings/statistics.html", {"f": supervisor_figures(timezone.localdate())}
    )


@require_safe
@role_required(Role.SUPERVISOR)
def statistics_export(request):
    headers, rows = export_rows(supervisor_figures(timezone.localdate()))
    out = io.BytesIO()
    write_xlsx(out, headers=headers, rows=rows, sheet_title="评价与投诉统计")
    record_event(action=RatingAction.EXPORT, actor=request.user, detail={"rows": len(rows)})
    response = HttpResponse(out.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="ratings-statistics.xlsx"'
    return response

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Sum
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from backend.accounts.decorators import role_required
from backend.accounts.roles import Role
from backend.forms import apply_service_errors
from backend.listing import day as day_cell
from backend.listing import xlsx_export
from personnel import services
from personnel.filters import OfficerFilter
from personnel.forms import (
    FindByCitizenIdForm,
    OfficerForm,
    TrainingPolicyForm,
)
from personnel.models import CertificateEvent
from personnel.pools import holds_valid_certificate
from personnel.selectors import (
    DIRECTORY_ROLES,
    find_officer_by_citizen_id,
    get_officer_for_manager,
    get_officer_for_user,
    may_manage,
    officers_visible_to,
)
from personnel.views.common import form_page, paginate


def _officers(request):
    """The officers the list shows, filtered, with whether each holds a valid certificate on
    the filter's day: one place for the page and its export."""
    officer_filter = OfficerFilter(request.GET, queryset=officers_visible_to(request.user))
    day = officer_filter.day
    officers = officer_filter.qs.annotate(certified=holds_valid_certificate(day)).order_by(
        "name", "pk"
    )
    return officer_filter, day, officers


@role_required(*DIRECTORY_ROLES)
def officer_list(request):
    officer_filter, day, officers = _officers(request)
    page, query = paginate(request, officers)
    return render(
        request,
        "personnel/officer_list.html",
        {
            "filter": officer_filter,
            "page": page,
            "query": query,
            "day": day,
            "may_manage": request.user.role == Role.DEPARTMENT_ADMIN,
            "find_form": FindByCitizenIdForm(),
        },
    )


OFFICER_EXPORT_HEADERS = [
    "姓名", "性别", "所属部门", "职务", "人员类别", "状态", "管辖片区", "有效执法证",
    "执法证状态日期",
]  # fmt: skip


@role_required(*DIRECTORY_ROLES)
def officer_export(request):
    """The list as filtered, as .xlsx. Never the ID number or the phone: a file leaves the
    system, and those are looked up one officer at a time."""
    _filter, day, officers = _officers(request)
    return xlsx_export(
        request,
        name="officers",
        title="执法检查人员名录",
        headers=OFFICER_EXPORT_HEADERS,
        rows=officers.select_related("department"),
        row=lambda o: [
            o.name,
            o.get_gender_display(),
            o.department.name,
            o.position,
            o.get_category_display(),
            o.get_status_display(),
            o.jurisdiction_area,
            "有" if o.certified else "无",
            day_cell(day),
        ],
    )


@require_POST
@role_required(Role.DEPARTMENT_ADMIN)
def officer_find(request):
    """Find an officer by ID number: POSTed, so that the number never appears in a URL."""
    form = FindByCitizenIdForm(request.POST)
    officer = form.is_valid() and find_officer_by_citizen_id(
        request.user, form.cleaned_data["citizen_id"]
    )
    if not officer:
        messages.error(request, "本部门没有该公民身份号码的执法人员。")
        return redirect("personnel:officers")
    return redirect("personnel:officer", pk=officer.pk)


def _officer_context(request, officer) -> dict:
    today = date.today()
    certificates = officer.certificates.prefetch_related(
        "enforcement_fields",
        Prefetch("events", queryset=CertificateEvent.objects.select_related("actor")),
    ).order_by("-valid_to", "pk")
    year_hours = officer.trainings.filter(training_date__year=today.year).aggregate(
        total=Sum("hours")
    )["total"]
    return {
        "officer": officer,
        "today": today,
        "certificates": certificates,
        "exams": officer.exams.all(),
        "trainings": officer.trainings.all(),
        "year": today.year,
        "year_hours": year_hours or 0,
        "conflicts": officer.conflicts.all(),
        "recusals": officer.recusals.select_related("conflict"),
        "may_manage": may_manage(request.user, officer),
        "transitions": [
            ("renew", "延续"),
            ("suspend", "暂扣"),
            ("restore", "恢复"),
            ("revoke", "撤销"),
        ],
    }


@role_required(*DIRECTORY_ROLES, Role.INSPECTOR)
def officer_detail(request, pk: int):
    officer = get_officer_for_user(request.user, pk)
    return render(request, "personnel/officer_detail.html", _officer_context(request, officer))


@role_required(Role.INSPECTOR)
def my_record(request):
    """An inspector's own officer record, through the link from officer to account."""
    officer = officers_visible_to(request.user).first()
    if officer is None:
        return render(request, "personnel/no_record.html")
    return redirect("personnel:officer", pk=officer.pk)


@role_required(Role.DEPARTMENT_ADMIN)
def officer_create(request):
    department = request.user.department
    form = OfficerForm(request.POST or None, department=department)
    if request.method == "POST" and form.is_valid():
        try:
            officer = services.create_officer(
                actor=request.user, department=department, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"已登记执法人员{officer.name}。")
            return redirect("personnel:officer", pk=officer.pk)
    return form_page(
        request, form, title="登记执法人员", back_url=reverse("personnel:officers"), submit="登记"
    )


@role_required(Role.DEPARTMENT_ADMIN)
def officer_edit(request, pk: int):
    officer = get_officer_for_manager(request.user, pk)
    form = OfficerForm(request.POST or None, instance=officer, department=officer.department)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_officer(actor=request.user, officer=officer, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "已保存。")
            return redirect("personnel:officer", pk=officer.pk)
    return form_page(
        request,
        form,
        title=f"编辑执法人员：{officer.name}",
        back_url=reverse("personnel:officer", args=[officer.pk]),
        officer=officer,
    )


@role_required(Role.DEPARTMENT_ADMIN)
def training_policy(request):
    department = request.user.department
    form = TrainingPolicyForm(
        request.POST or None,
        initial={
            "min_hours": department.training_min_hours,
            "required": department.training_required,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_training_policy(
                actor=request.user,
                department=department,
                min_hours=form.cleaned_data["min_hours"],
                required=form.cleaned_data["required"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "培训学时要求已保存。")
            return redirect("personnel:reports")
    return form_page(
        request,
        form,
        title=f"培训学时要求：{department.name}",
        back_url=reverse("personnel:reports"),
        intro="上一年度培训学时不足的人员，在勾选后不参加随机抽取；未勾选时仅在报表中提示。",
    )

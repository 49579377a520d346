"""The pools, the certificate register, the eligibility question by hand, the reports, and
their .xlsx exports (each export audited)."""

import io
from datetime import date

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from backend.accounts.decorators import role_required
from backend.accounts.roles import Role
from backend.audit.services import record_event
from backend.excel import XLSX_CONTENT_TYPE, write_xlsx
from personnel.actions import PersonnelAction
from personnel.eligibility import FirmRef, ItemRef, Window, eligibility
from personnel.filters import CertificateFilter
from personnel.forms import EligibilityForm, OnDateForm
from personnel.pools import Pool, in_pool, pool_counts
from personnel.reports import (
    EXPIRY_HORIZON_DAYS,
    exam_pass_rates,
    expiring_certificates,
    training_shortfalls,
)
from personnel.selectors import (
    DIRECTORY_ROLES,
    POOL_ROLES,
    certificates_visible_to,
    officers_visible_to,
    pool_departments_visible_to,
    shown_citizen_id,
    shown_phone,
)
from personnel.text import format_hours
from personnel.views.common import paginate


def _xlsx_response(*, headers, rows, sheet_title: str, filename: str) -> tuple[HttpResponse, int]:
    buffer = io.BytesIO()
    count = write_xlsx(buffer, headers=headers, rows=rows, sheet_title=sheet_title)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    # The file name is ASCII (RFC 6266 without the filename* dance); the sheet is in Chinese.
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response, count


def _stamp() -> str:
    return timezone.localtime().strftime("%Y%m%d%H%M%S")


# --------------------------------------------------------------------------- pools


@role_required(*POOL_ROLES)
def pools(request):
    day = OnDateForm(request.GET).day()
    counts = pool_counts(pool_departments_visible_to(request.user), on=day)
    totals = {pool: sum(row.count(pool) for row in counts) for pool in [*Pool.values, "on_roster"]}
    return render(
        request,
        "personnel/pools.html",
        {
            "day": day,
            "form": OnDateForm(initial={"on": day}),
            "counts": counts,
            "totals": totals,
            "pools": Pool.choices,
            # The system administrator sees the counts of every department, not the people.
            "may_list": request.user.role in DIRECTORY_ROLES,
        },
    )


POOL_HEADERS = [
    "部门", "姓名", "性别", "公民身份号码", "联系电话", "职务", "人员类别", "状态", "管辖片区",
    "业务专长", "有效执法证编号", "执法领域",
]  # fmt: skip


def _pool_rows(viewer, officers, day: date):
    officers = officers.prefetch_related("certificates__enforcement_fields").order_by(
        "department__code", "name", "pk"
    )
    for officer in officers.iterator(chunk_size=500):
        valid = [c for c in officer.certificates.all() if c.is_valid_on(day)]
        fields = sorted({f.name for c in valid for f in c.enforcement_fields.all()})
        yield [
            officer.department.name,
            officer.name,
            officer.get_gender_display(),
            shown_citizen_id(viewer, officer),
            shown_phone(viewer, officer),
            officer.position,
            officer.get_category_display(),
            officer.get_status_display(),
            officer.jurisdiction_area,
            officer.expertise,
            "、".join(c.number for c in valid),
            "、".join(fields),
        ]


@role_required(*DIRECTORY_ROLES)
def pool_export(request):
    pool = request.GET.get("pool", "")
    if pool not in Pool.values:
        raise Http404("未知人员库")
    day = OnDateForm(request.GET).day()
    officers = in_pool(officers_visible_to(request.user), pool, on=day)
    response, count = _xlsx_response(
        headers=POOL_HEADERS,
        rows=_pool_rows(request.user, officers, day),
        sheet_title=str(Pool(pool).label)[:31],
        filename=f"pool-{pool}-{day:%Y%m%d}-{_stamp()}.xlsx",
    )
    record_event(
        action=PersonnelAction.POOL_EXPORT,
        actor=request.user,
        object_type="personnel.officer",
        detail={"pool": pool, "on": day.isoformat(), "rows": count},
    )
    return response


# --------------------------------------------------------------------------- certificate register


@role_required(*DIRECTORY_ROLES)
def certificate_list(request):
    certificate_filter = CertificateFilter(
        request.GET, queryset=certificates_visible_to(request.user)
    )
    certificates = certificate_filter.qs.prefetch_related("enforcement_fields").order_by(
        "officer__name", "-valid_to", "pk"
    )
    page, query = paginate(request, certificates)
    return render(
        request,
        "personnel/certificate_list.html",
        {
            "filter": certificate_filter,
            "page": page,
            "query": query,
            "day": certificate_filter.day,
        },
    )


CERTIFICATE_HEADERS = [
    "证件编号", "持证人", "部门", "证件类型", "发证机关", "执法领域", "有效期自", "有效期至",
    "状态",
]  # fmt: skip


@role_required(*DIRECTORY_ROLES)
def certificate_export(request):
    certificate_filter = CertificateFilter(
        request.GET, queryset=certificates_visible_to(request.user)
    )
    day = certificate_filter.day
    certificates = certificate_filter.qs.prefetch_related("enforcement_fields").order_by(
        "officer__department__code", "number"
    )
    rows = (
        [
            c.number,
            c.officer.name,
            c.officer.department.name,
            c.get_kind_display(),
            c.issuing_authority,
            "、".join(f.name for f in c.enforcement_fields.all()),
            c.valid_from,
            c.valid_to,
            c.status_label_on(day),
        ]
        for c in certificates.iterator(chunk_size=500)
    )
    response, count = _xlsx_response(
        headers=CERTIFICATE_HEADERS,
        rows=rows,
        sheet_title="执法证登记",
        filename=f"certificates-{day:%Y%m%d}-{_stamp()}.xlsx",
    )
    record_event(
        action=PersonnelAction.CERTIFICATE_EXPORT,
        actor=request.user,
        object_type="personnel.certificate",
        detail={"on": day.isoformat(), "rows": count, "filters": request.GET.dict()},
    )
    return response


# --------------------------------------------------------------------------- eligibility by hand


@role_required(Role.DEPARTMENT_ADMIN, Role.PLANNER)
def eligibility_check(request):
    officers = officers_visible_to(request.user).order_by("name", "pk")
    form = EligibilityForm(request.GET or None, officers=officers)
    result = officer = None
    if request.GET and form.is_valid():
        data = form.cleaned_data
        officer = data["officer"]
        result = eligibility(
            officer=officer,
            firm=FirmRef(uscc=data["firm_uscc"], region_code=data["firm_region_code"]),
            item=ItemRef(enforcement_field_code=data["enforcement_field"].code),
            window=Window(data["start"], data["end"]),
            cross_assignment=data["cross_assignment"],
            require_training=form.require_training_value(),
        )
    return render(
        request,
        "personnel/eligibility.html",
        {"form": form, "result": result, "officer": officer},
    )


# --------------------------------------------------------------------------- reports


def _report_data(user, today: date) -> dict:
    officers = officers_visible_to(user)
    return {
        "expiring": expiring_certificates(certificates_visible_to(user), today=today),
        "shortfalls": training_shortfalls(officers, year=today.year),
        "pass_rates": exam_pass_rates(officers),
    }


@role_required(*DIRECTORY_ROLES)
def reports(request):
    today = date.today()
    return render(
        request,
        "personnel/reports.html",
        {
            **_report_data(request.user, today),
            "today": today,
            "year": today.year,
            "horizon": EXPIRY_HORIZON_DAYS,
            "may_manage": request.user.role == Role.DEPARTMENT_ADMIN,
        },
    )


def _expiring_sheet(data, today):
    headers = ["证件编号", "持证人", "部门", "有效期至", "剩余天数"]
    rows = [
        [c.number, c.officer.name, c.officer.department.name, c.valid_to, (c.valid_to - today).days]
        for c in data["expiring"]
    ]
    return headers, rows, f"{EXPIRY_HORIZON_DAYS}日内到期的执法证"


def _training_sheet(data, today):
    headers = ["姓名", "部门", "人员类别", f"{today.year}年培训学时", "最低学时", "尚缺学时"]
    rows = [
        [
            s.officer.name,
            s.officer.department.name,
            s.officer.get_category_display(),
            format_hours(s.hours),
            format_hours(s.minimum),
            format_hours(s.missing),
        ]
        for s in data["shortfalls"]
    ]
    return headers, rows, "培训学时不足人员"


def _exams_sheet(data, today):
    headers = ["部门", "年度", "参考人数", "通过人数", "通过率（%）"]
    rows = [
        [r.department_name, r.year, r.sat, r.passed, float(r.rate) if r.rate is not None else ""]
        for r in data["pass_rates"]
    ]
    return headers, rows, "资格考试通过率"


REPORT_SHEETS = {
    "expiring": _expiring_sheet,
    "training": _training_sheet,
    "exams": _exams_sheet,
}


@role_required(*DIRECTORY_ROLES)
def report_export(request):
    report = request.GET.get("report", "")
    if report not in REPORT_SHEETS:
        raise Http404("未知报表")
    today = date.today()
    headers, rows, title = REPORT_SHEETS[report](_report_data(request.user, today), today)
    response, count = _xlsx_response(
        headers=headers,
        rows=rows,
        sheet_title=title,
        filename=f"report-{report}-{today:%Y%m%d}-{_stamp()}.xlsx",
    )
    record_event(
        action=PersonnelAction.REPORT_EXPORT,
        actor=request.user,
        object_type="personnel.report",
        object_id=report,
        detail={"report": report, "rows": count},
    )
    return response

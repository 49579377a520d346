"""执法主体与受委托组织: the 部门管理员 keeps the own department's registration and entrusted
organisations, the system administrator every department's. The services check who may."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from backend.accounts.decorators import role_required
from backend.accounts.roles import Role
from backend.forms import apply_service_errors
from backend.organisation import services
from backend.organisation.bodies import bodies_for_staff, is_registered
from backend.organisation.models import EntrustedOrganisation
from personnel.forms import EntrustedOrganisationForm, InspectionBodyForm
from personnel.services import record_entrusted_organisation
from personnel.views.common import form_page, paginate

KEEPERS = (Role.DEPARTMENT_ADMIN, Role.SYSTEM_ADMIN)

REGISTRATION_FILTERS = {
    "registered": "已登记（已确认公告）",
    "unconfirmed": "已填报，未确认公告",
    "unregistered": "未登记",
}
VALIDITY_FILTERS = {"current": "委托期内", "future": "尚未生效", "ended": "已到期"}


@role_required(*KEEPERS)
def body_list(request):
    today = timezone.localdate()
    departments = bodies_for_staff(request.user).annotate(registered=is_registered(today))
    q = request.GET.get("q", "").strip()
    if q:
        departments = departments.filter(Q(name__icontains=q) | Q(code__icontains=q.upper()))
    status = request.GET.get("status", "")
    if status == "registered":
        departments = departments.filter(registered=True)
    elif status == "unconfirmed":
        departments = departments.filter(registered=False, inspection_body__isnull=False)
    elif status == "unregistered":
        departments = departments.filter(inspection_body__isnull=True)

    entrusted = (
        EntrustedOrganisation.objects.filter(department__in=bodies_for_staff(request.user))
        .select_related("department")
        .prefetch_related("enforcement_fields")
    )
    eq = request.GET.get("eq", "").strip()
    if eq:
        entrusted = entrusted.filter(
            Q(name__icontains=eq)
            | Q(uscc__icontains=eq.upper())
            | Q(entrustment_number__icontains=eq)
            | Q(scope__icontains=eq)
        )
    validity = request.GET.get("validity", "")
    if validity == "current":
        entrusted = entrusted.filter(valid_from__lte=today, valid_until__gte=today)
    elif validity == "future":
        entrusted = entrusted.filter(valid_from__gt=today)
    elif validity == "ended":
        entrusted = entrusted.filter(valid_until__lt=today)
    page, query = paginate(request, entrusted.order_by("department__code", "name", "pk"))
    return render(
        request,
        "personnel/bodies.html",
        {
            "departments": departments.order_by("code"),
            "page": page,
            "query": query,
            "q": q,
            "status": status,
            "eq": eq,
            "validity": validity,
            "registration_filters": REGISTRATION_FILTERS,
            "validity_filters": VALIDITY_FILTERS,
            "today": today,
        },
    )


def _department(request, pk):
    department = bodies_for_staff(request.user).filter(pk=pk).first()
    if department is None:
        raise PermissionDenied("只能维护本部门的执法主体信息")
    return department


@role_required(*KEEPERS)
def body_register(request, pk):
    department = _department(request, pk)
    body = getattr(department, "inspection_body", None)
    form = InspectionBodyForm(request.POST or None, instance=body)
    if request.method == "POST" and form.is_valid():
        try:
            services.register_inspection_body(
                actor=request.user, department=department, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"{department.name}的执法主体信息已保存。")
            return redirect("personnel:bodies")
    return form_page(
        request,
        form,
        title=f"执法主体登记：{department.name}",
        back_url=reverse("personnel:bodies"),
        intro="确认公告日期和文号在主体资格经确认并公告后填写；未填写的，显示为“未确认公告”。",
    )


@role_required(*KEEPERS)
def entrusted_create(request, pk):
    department = _department(request, pk)
    form = EntrustedOrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record_entrusted_organisation(
                actor=request.user, department=department, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "受委托组织已登记。")
            return redirect("personnel:bodies")
    return form_page(
        request,
        form,
        title=f"登记受委托组织：{department.name}",
        back_url=reverse("personnel:bodies"),
        intro="受委托组织只能在委托期内、委托范围内以委托部门的名义实施检查。"
        "所选执法领域决定其人员可以参加哪些检查；执法人员的所属受委托组织在人员信息中设置。",
    )


@role_required(*KEEPERS)
def entrusted_edit(request, pk):
    organisation = get_object_or_404(
        EntrustedOrganisation.objects.select_related("department"), pk=pk
    )
    _department(request, organisation.department_id)
    form = EntrustedOrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            record_entrusted_organisation(
                actor=request.user, organisation=organisation, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "受委托组织已修改。")
            return redirect("personnel:bodies")
    return form_page(
        request,
        form,
        title=f"修改受委托组织：{organisation.name}",
        back_url=reverse("personnel:bodies"),
        intro="受委托组织不删除；委托提前终止的，修改委托截止日期。",
    )

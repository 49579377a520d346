"""The department administrator's pages for the frequency caps (频次上限): the list with search,
and the form to set or change one. Each save goes through `services.caps`."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from backend.accounts.decorators import role_required
from backend.accounts.roles import Role
from backend.forms import apply_service_errors
from backend.listing import xlsx_export
from inspections.planning.caps import caps_visible_to, get_cap_for_user, search_caps
from inspections.planning.models import CapLevel
from inspections.planning.services.caps import set_frequency_cap, update_frequency_cap
from personnel.models import EnforcementField


class CapForm(forms.Form):
    enforcement_field = forms.ModelChoiceField(
        label="执法领域",
        queryset=EnforcementField.objects.order_by("code"),
        required=False,
        empty_label="（所有执法领域，仅限各层级合计）",
    )
    level = forms.ChoiceField(label="层级", choices=CapLevel.choices)
    # Any integer: a negative one gets the service's refusal, in its words.
    limit = forms.IntegerField(
        label="每户每年检查次数上限", error_messages={"required": "请填写上限次数"}
    )
    counts_routine = forms.BooleanField(label="计入日常检查", required=False, initial=True)
    counts_campaign = forms.BooleanField(label="计入专项检查", required=False, initial=True)
    counts_case = forms.BooleanField(label="计入个案检查", required=False, initial=True)
    exempt_higher_campaigns = forms.BooleanField(
        label="上级部署的专项检查不计入", required=False, initial=True
    )
    note = forms.CharField(label="依据或说明", required=False, max_length=200)


def _cap_list(request):
    """The department's caps as the list's filter chooses them (the page and its export)."""
    q = request.GET.get("q", "").strip()[:100]
    level = request.GET.get("level", "")
    caps = search_caps(caps_visible_to(request.user), q)
    if level in CapLevel.values:
        caps = caps.filter(level=level)
    caps = caps.order_by("enforcement_field__code", "level", "pk")
    return caps, {"q": q, "level": level}


@role_required(Role.DEPARTMENT_ADMIN)
def cap_list(request):
    caps, filters = _cap_list(request)
    return render(
        request,
        "inspections/cap_list.html",
        {
            "caps": caps,
            "total": caps.count(),
            "levels": CapLevel.choices,
            **filters,
            "department": request.user.department,
        },
    )


CAP_EXPORT_HEADERS = [
    "执法领域",
    "执法领域代码",
    "层级",
    "每户每年上限（次）",
    "计入的检查类型",
    "上级部署的专项",
    "依据或说明",
]


@role_required(Role.DEPARTMENT_ADMIN)
def cap_list_export(request):
    caps, _filters = _cap_list(request)
    return xlsx_export(
        request,
        name="frequency-caps",
        title="检查频次上限",
        headers=CAP_EXPORT_HEADERS,
        rows=caps,
        row=lambda cap: [
            cap.enforcement_field.name if cap.enforcement_field_id else "所有执法领域",
            cap.enforcement_field.code if cap.enforcement_field_id else "",
            cap.get_level_display(),
            cap.limit,
            cap.kinds_label,
            "不计入" if cap.exempt_higher_campaigns else "计入",
            cap.note,
        ],
        list_url=reverse("plans:caps"),
    )


@role_required(Role.DEPARTMENT_ADMIN)
def cap_edit(request, pk: int | None = None):
    cap = get_cap_for_user(request.user, pk) if pk is not None else None
    initial = {name: getattr(cap, name) for name in CapForm.base_fields} if cap else None
    form = CapForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            if cap is None:
                set_frequency_cap(
                    actor=request.user, department=request.user.department, **form.cleaned_data
                )
            else:
                update_frequency_cap(actor=request.user, cap=cap, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
            status = 403
        else:
            messages.success(request, "已保存检查频次上限。")
            return redirect("plans:caps")
    if request.method == "POST" and status == 200:
        status = 400
    return render(request, "inspections/cap_form.html", {"form": form, "cap": cap}, status=status)

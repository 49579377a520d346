"""The result code table's page: the system administrator keeps the shared codes, a department
administrator the department's own children (see fieldwork.services.results_table)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from backend.accounts.decorators import role_required
from backend.accounts.roles import Role
from backend.forms import apply_service_errors
from fieldwork.access import may_manage_result_code, require_result_code_manager
from fieldwork.followup_forms import ResultCodeEditForm, ResultCodeForm
from fieldwork.selectors import result_codes_for
from fieldwork.selectors.result_codes import parents_for
from fieldwork.services import results_table as services

MANAGERS = (Role.SYSTEM_ADMIN, Role.DEPARTMENT_ADMIN)


def _add_form(user, data=None) -> ResultCodeForm:
    return ResultCodeForm(
        data,
        parents=parents_for(user),
        parent_required=not user.has_role(Role.SYSTEM_ADMIN),
    )


def _table(request, add_form=None):
    codes = list(result_codes_for(request.user).order_by("position", "code"))
    children: dict[int, list] = {}
    for code in codes:
        if code.parent_id:
            children.setdefault(code.parent_id, []).append(code)
    rows = []
    for code in codes:
        if code.parent_id is None:
            rows.append((code, may_manage_result_code(request.user, code), 0))
            for child in children.get(code.pk, []):
                rows.append((child, may_manage_result_code(request.user, child), 1))
    q = request.GET.get("q", "").strip()[:100]
    active = request.GET.get("active", "")
    if q:
        rows = [row for row in rows if q in row[0].name or q.lower() in row[0].code.lower()]
    if active in ("yes", "no"):
        rows = [row for row in rows if row[0].active == (active == "yes")]
    return render(
        request,
        "fieldwork/followups/result_codes.html",
        {
            "rows": rows,
            "q": q,
            "active": active,
            "add_form": add_form or _add_form(request.user),
        },
    )


@role_required(*MANAGERS)
def result_codes(request):
    return _table(request)


@require_POST
@role_required(*MANAGERS)
def result_code_add(request):
    form = _add_form(request.user, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            code = services.add_result_code(
                actor=request.user,
                parent=data["parent"],
                name=data["name"],
                code=data["code"],
                needs_follow_up=data["needs_follow_up"] or None,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"已增加检查结果代码“{code.label}”")
            return redirect("fieldwork:result-codes")
    return _table(request, add_form=form)


def _code(request, pk: int):
    return get_object_or_404(result_codes_for(request.user), pk=pk)


@role_required(*MANAGERS)
def result_code_edit(request, pk: int):
    code = _code(request, pk)
    require_result_code_manager(request.user, code)
    shared = code.department_id is None
    if request.method == "POST":
        form = ResultCodeEditForm(request.POST, shared=shared)
        if form.is_valid():
            try:
                services.update_result_code(
                    actor=request.user, result_code=code, **form.cleaned_data
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, "检查结果代码已保存")
                return redirect("fieldwork:result-codes")
    else:
        form = ResultCodeEditForm(
            initial={
                "name": code.name,
                "position": code.position,
                "needs_follow_up": code.needs_follow_up,
                "exclusive": code.exclusive,
            },
            shared=shared,
        )
    return render(
        request, "fieldwork/followups/result_code_form.html", {"form": form, "code": code}
    )


def _toggle(request, pk: int, service, done: str):
    code = _code(request, pk)
    try:
        service(actor=request.user, result_code=code)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done.format(name=code.label))
    return redirect("fieldwork:result-codes")


@require_POST
@role_required(*MANAGERS)
def result_code_retire(request, pk: int):
    return _toggle(request, pk, services.retire_result_code, "已停用“{name}”")


@require_POST
@role_required(*MANAGERS)
def result_code_restore(request, pk: int):
    return _toggle(request, pk, services.restore_result_code, "已重新启用“{name}”")

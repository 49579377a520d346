"""Pages that add to an officer's record: certificates and their steps, exams, training,
conflicts of interest and recusal requests; and the expert pool."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from backend.accounts.decorators import role_required
from backend.accounts.roles import Role
from backend.forms import apply_service_errors
from backend.text import chinese_date
from personnel import services
from personnel.forms import (
    CertificateIssueForm,
    CertificateReasonForm,
    CertificateRenewForm,
    ConflictForm,
    ExamForm,
    ExpertForm,
    RecusalDecisionForm,
    RecusalRequestForm,
    TrainingForm,
)
from personnel.models import RecusalDecision
from personnel.selectors import (
    DIRECTORY_ROLES,
    experts_visible_to,
    get_certificate_for_manager,
    get_officer_for_manager,
    get_recusal_for_manager,
)
from personnel.views.common import form_page, paginate


def _officer_url(officer) -> str:
    return reverse("personnel:officer", args=[officer.pk])


def _save(request, form, write, *, success: str, back_url: str, **page) -> HttpResponse:
    """Run the service `write` on a valid form; back to the officer on success, the form with
    the service's messages otherwise."""
    if request.method == "POST" and form.is_valid():
        try:
            write(form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, success)
            return redirect(back_url)
    return form_page(request, form, back_url=back_url, **page)


@role_required(Role.DEPARTMENT_ADMIN)
def certificate_issue(request, pk: int):
    officer = get_officer_for_manager(request.user, pk)
    form = CertificateIssueForm(request.POST or None)
    return _save(
        request,
        form,
        lambda data: services.issue_certificate(actor=request.user, officer=officer, **data),
        success="已登记执法证。",
        back_url=_officer_url(officer),
        title=f"发放执法证：{officer.name}",
        officer=officer,
        submit="发证",
    )


_TRANSITIONS = {
    "renew": ("延续", services.renew_certificate),
    "suspend": ("暂扣", services.suspend_certificate),
    "restore": ("恢复", services.restore_certificate),
    "revoke": ("撤销", services.revoke_certificate),
}


@role_required(Role.DEPARTMENT_ADMIN)
def certificate_transition(request, pk: int, action: str):
    if action not in _TRANSITIONS:
        raise Http404("未知操作")
    label, service = _TRANSITIONS[action]
    certificate = get_certificate_for_manager(request.user, pk)
    form_class = CertificateRenewForm if action == "renew" else CertificateReasonForm
    form = form_class(request.POST or None)
    return _save(
        request,
        form,
        lambda data: service(actor=request.user, certificate=certificate, **data),
        success=f"执法证{certificate.number}已{label}。",
        back_url=_officer_url(certificate.officer),
        title=f"{label}执法证：{certificate.number}",
        officer=certificate.officer,
        submit=label,
        intro=(
            f"当前状态：{certificate.get_status_display()}，有效期"
            f"{chinese_date(certificate.valid_from)}至{chinese_date(certificate.valid_to)}。"
            "每次变更都会保留记录，不会覆盖历史。"
        ),
    )


@role_required(Role.DEPARTMENT_ADMIN)
def exam_add(request, pk: int):
    officer = get_officer_for_manager(request.user, pk)
    return _save(
        request,
        ExamForm(request.POST or None),
        lambda data: services.record_exam(actor=request.user, officer=officer, **data),
        success="已录入考试成绩。",
        back_url=_officer_url(officer),
        title=f"录入资格考试：{officer.name}",
        officer=officer,
    )


@role_required(Role.DEPARTMENT_ADMIN)
def training_add(request, pk: int):
    officer = get_officer_for_manager(request.user, pk)
    return _save(
        request,
        TrainingForm(request.POST or None),
        lambda data: services.record_training(actor=request.user, officer=officer, **data),
        success="已录入培训记录。",
        back_url=_officer_url(officer),
        title=f"录入培训记录：{officer.name}",
        officer=officer,
    )


@role_required(Role.DEPARTMENT_ADMIN)
def conflict_add(request, pk: int):
    officer = get_officer_for_manager(request.user, pk)
    return _save(
        request,
        ConflictForm(request.POST or None),
        lambda data: services.declare_conflict(actor=request.user, officer=officer, **data),
        success="已登记回避关系。",
        back_url=_officer_url(officer),
        title=f"登记回避关系：{officer.name}",
        officer=officer,
        intro="本人申报或审查发现的利害关系。当事人申请回避的，请使用“录入回避申请”。",
    )


@role_required(Role.DEPARTMENT_ADMIN)
def recusal_add(request, pk: int):
    officer = get_officer_for_manager(request.user, pk)

    @transaction.atomic
    def write(data):
        recusal = services.file_recusal_request(
            actor=request.user,
            officer=officer,
            firm_uscc=data["firm_uscc"],
            firm_name=data["firm_name"],
            requested_on=data["requested_on"],
            grounds=data["grounds"],
        )
        if data["decision"] != RecusalDecision.PENDING:
            services.decide_recusal_request(
                actor=request.user,
                recusal=recusal,
                granted=data["decision"] == RecusalDecision.GRANTED,
                decided_by=data["decided_by"],
                decided_on=data["decided_on"],
                reason=data["decision_reason"],
                relation=data["relation"],
            )

    return _save(
        request,
        RecusalRequestForm(request.POST or None),
        write,
        success="已录入回避申请。",
        back_url=_officer_url(officer),
        title=f"录入当事人回避申请：{officer.name}",
        officer=officer,
        intro="部门负责人已作出决定的，可一并录入；同意回避的，该人员不再被抽取检查该单位。",
    )


@role_required(Role.DEPARTMENT_ADMIN)
def recusal_decide(request, pk: int):
    recusal = get_recusal_for_manager(request.user, pk)
    return _save(
        request,
        RecusalDecisionForm(request.POST or None),
        lambda data: services.decide_recusal_request(
            actor=request.user,
            recusal=recusal,
            granted=data["decision"] == RecusalDecision.GRANTED,
            decided_by=data["decided_by"],
            decided_on=data["decided_on"],
            reason=data["decision_reason"],
            relation=data["relation"],
        ),
        success="已录入部门负责人的决定。",
        back_url=_officer_url(recusal.officer),
        title=f"回避申请的决定：{recusal.firm_name}申请{recusal.officer.name}回避",
        officer=recusal.officer,
        intro=f"申请日期{chinese_date(recusal.requested_on)}；申请理由：{recusal.grounds}",
    )


@role_required(*DIRECTORY_ROLES)
def expert_list(request):
    experts = experts_visible_to(request.user)
    query = request.GET.get("q", "").strip()
    if query:
        experts = experts.filter(name__icontains=query) | experts.filter(field__icontains=query)
    page, querystring = paginate(request, experts.order_by("name", "pk"))
    return render(
        request,
        "personnel/expert_list.html",
        {
            "page": page,
            "query": querystring,
            "q": query,
            "may_manage": request.user.role == Role.DEPARTMENT_ADMIN,
        },
    )


@role_required(Role.DEPARTMENT_ADMIN)
def expert_create(request):
    department = request.user.department
    return _save(
        request,
        ExpertForm(request.POST or None),
        lambda data: services.create_expert(actor=request.user, department=department, **data),
        success="已加入专家库。",
        back_url=reverse("personnel:experts"),
        title="加入专家库",
        intro="专家只提供咨询意见，不计入执法检查人员，也不参加执法人员的随机抽取。",
    )

"""Pages of legal review under /legal/: the reviewer's queue and review page, the decision pages
of the team and the department, the department's overview, and the review catalogue.
Thin: parse, call one service, render. A refusal is shown on the page it came from (403)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from backend.accounts.decorators import role_required
from backend.accounts.roles import Role
from backend.forms import apply_service_errors
from backend.listing import day, xlsx_export
from fieldwork.models import EvidenceFile
from fieldwork.selectors import get_inspection_for_user, inspections_visible_to
from legalreview import services
from legalreview.access import (
    drafting_department,
    is_reviewer_for,
    may_extend,
    may_issue,
    may_write,
    recusal_reasons,
)
from legalreview.forms import (
    CatalogueEntryForm,
    DecisionForm,
    IssueForm,
    OpinionForm,
    ReasonForm,
    describe_record,
)
from legalreview.gates import issue_blockers
from legalreview.models import CIRCUMSTANCES, EDITABLE, DecisionState
from legalreview.selectors import (
    catalogue_of,
    decisions_visible_to,
    department_view,
    get_decision_for_user,
    get_review_for_user,
    recent_opinions,
    review_queue,
    rounds_of,
)
from legalreview.triggers import review_triggers

S = DecisionState
DECISION_READERS = (
    Role.INSPECTOR,
    Role.PLANNER,
    Role.DEPARTMENT_ADMIN,
    Role.LEGAL_REVIEWER,
    Role.AUDIT_ADMIN,
)


def _errors(exc: ValidationError) -> str:
    return "；".join(exc.messages)


# --- the reviewer -------------------------------------------------------------------------------


QUEUE_STATES = [("overdue", "已超期"), ("due", "未超期")]


def _matches(q: str, *texts) -> bool:
    return not q or any(q in (text or "") for text in texts)


def _queue(request):
    """The reviewer's queue as its filter chooses it (the page and its export)."""
    rows = review_queue(request.user)
    q = request.GET.get("q", "").strip()[:100]
    state = request.GET.get("state", "")
    chosen = [
        row
        for row in rows
        if _matches(
            q,
            row.review.decision.number,
            row.review.decision.title,
            row.review.decision.inspection.firm_name,
        )
        and (state != "overdue" or row.overdue)
        and (state != "due" or not row.overdue)
    ]
    return rows, chosen, {"q": q, "state": state}


@role_required(Role.LEGAL_REVIEWER)
def queue(request):
    everything, rows, filters = _queue(request)
    return render(
        request,
        "legalreview/queue.html",
        {
            "all_rows": everything,
            "rows": rows,
            "overdue": [row for row in everything if row.overdue],
            "states": QUEUE_STATES,
            **filters,
            "recent": recent_opinions(request.user, limit=10),
        },
    )


QUEUE_EXPORT_HEADERS = [
    "决定编号",
    "决定名称",
    "决定类型",
    "轮次",
    "当事人",
    "送审日期",
    "送审人",
    "审核期限",
    "是否超期",
    "是否延长",
]


@role_required(Role.LEGAL_REVIEWER)
def queue_export(request):
    _everything, rows, _filters = _queue(request)
    return xlsx_export(
        request,
        name="legal-review-queue",
        title="待审核的执法决定",
        headers=QUEUE_EXPORT_HEADERS,
        rows=rows,
        row=lambda row: [
            row.review.decision.number,
            row.review.decision.title,
            row.review.decision.get_decision_type_display(),
            row.review.round,
            row.review.decision.inspection.firm_name,
            day(row.review.submitted_on),
            str(row.review.submitted_by or ""),
            day(row.deadline.due),
            "已超期" if row.overdue else "",
            "已延长" if row.review.is_extended else "",
        ],
        list_url=reverse("legalreview:queue"),
    )


def _evidence_rows(inspection, package: dict) -> list[dict]:
    """The package's evidence, each with the record it names and whether that record still
    holds what it held when the round was submitted (its content hash)."""
    items = package.get("evidence", [])
    found = {
        r.sequence: r
        for r in inspection.records.filter(
            sequence__in=[item["sequence"] for item in items]
        ).select_related("corrects")
    }
    # The files of the evidence records, so that the reviewer opens each from the package.
    files = {
        f.record_id: f
        for f in EvidenceFile.objects.filter(record__in=list(found.values())).only(
            "pk", "record_id", "original_name", "kind", "size"
        )
    }
    rows = []
    for item in items:
        record = found.get(item["sequence"])
        intact = record is not None and record.content_hash == item["content_hash"]
        text = describe_record(record) if intact else f"第{item['sequence']}条 {item['kind_label']}"
        file = files.get(record.pk) if intact else None
        rows.append({"item": item, "text": text, "intact": intact, "file": file})
    return rows


def _review_page(request, review, *, opinion_form=None, extend_form=None, status=200, error=""):
    decision = review.decision
    user = request.user
    recusal = recusal_reasons(user, decision) if is_reviewer_for(user, decision) else []
    can_review = review.is_open and is_reviewer_for(user, decision) and not recusal
    rounds = rounds_of(decision)
    row = next(r for r in rounds if r.review.pk == review.pk)
    return render(
        request,
        "legalreview/review.html",
        {
            "review": review,
            "row": row,
            "decision": decision,
            "package": review.package,
            "evidence": _evidence_rows(decision.inspection, review.package),
            "rounds": rounds,
            "recusal": recusal,
            "can_review": can_review,
            "can_extend": review.is_open and not review.is_extended and may_extend(user, review),
            "opinion_form": opinion_form or OpinionForm(),
            "extend_form": extend_form or ReasonForm(),
            "error": error,
        },
        status=status,
    )


@role_required(Role.LEGAL_REVIEWER, Role.DEPARTMENT_ADMIN)
def review(request, pk: int):
    return _review_page(request, get_review_for_user(request.user, pk))


@require_POST
@role_required(Role.LEGAL_REVIEWER)
def review_opinion(request, pk: int):
    review = get_review_for_user(request.user, pk)
    form = OpinionForm(request.POST)
    if not form.is_valid():  # pragma: no cover - every field is optional text or a choice
        return _review_page(request, review, opinion_form=form, status=400)
    try:
        services.give_opinion(
            actor=request.user,
            review=review,
            outcome=form.cleaned_data["outcome"],
            checks=form.checks(),
            reasons=form.cleaned_data["reasons"],
            opinion=form.cleaned_data["opinion"],
        )
    except PermissionDenied as exc:
        return _review_page(request, review, opinion_form=form, status=403, error=str(exc))
    except ValidationError as exc:
        apply_service_errors(form, exc)
        return _review_page(request, review, opinion_form=form, status=400)
    review.refresh_from_db()
    if review.outcome == "approved":
        messages.success(request, f"已出具同意意见：{review.decision.number}")
    else:
        messages.success(request, f"已出具存在问题的意见，{review.decision.number}退回修改")
    return redirect("legalreview:review", pk=review.pk)


@require_POST
@role_required(Role.LEGAL_REVIEWER, Role.DEPARTMENT_ADMIN)
def review_extend(request, pk: int):
    review = get_review_for_user(request.user, pk)
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        services.extend_review(
            actor=request.user, review=review, reason=form.cleaned_data.get("reason", "")
        )
    except PermissionDenied as exc:
        return _review_page(request, review, extend_form=form, status=403, error=str(exc))
    except ValidationError as exc:
        return _review_page(request, review, extend_form=form, status=400, error=_errors(exc))
    messages.success(request, "已延长审核期限 3 个工作日。")
    return redirect("legalreview:review", pk=review.pk)


# --- decisions ----------------------------------------------------------------------------------


def _decision_page(request, decision, *, status=200, error="", forms=None):
    user = request.user
    forms = forms or {}
    editable = decision.state in EDITABLE
    writer = may_write(user, decision)
    issuer = may_issue(user, decision)
    open_round = decision.reviews.filter(outcome="pending").first()
    return render(
        request,
        "legalreview/decision.html",
        {
            "decision": decision,
            "evidence": [describe_record(r) for r in decision.evidence.select_related("corrects")],
            # While it can change, what it would trigger now; once submitted, what it did.
            "triggers": review_triggers(decision) if editable else decision.triggers,
            "blockers": issue_blockers(decision)
            if decision.state in (S.APPROVED, S.READY, S.IN_REVIEW, S.RETURNED)
            else [],
            "rounds": rounds_of(decision),
            "open_round": open_round,
            "can_open_round": open_round is not None
            and (is_reviewer_for(user, decision) or user.has_role(Role.DEPARTMENT_ADMIN))
            and user.department_id == decision.department_id,
            "can_edit": writer and editable,
            "can_submit": writer and decision.state in (*EDITABLE, S.READY),
            "can_withdraw": writer and decision.state in (*EDITABLE, S.READY, S.APPROVED),
            "can_issue": issuer and decision.state in (S.APPROVED, S.READY),
            "issue_form": forms.get("issue") or IssueForm(),
            "withdraw_form": forms.get("withdraw") or ReasonForm(),
            "error": error,
        },
        status=status,
    )


@role_required(*DECISION_READERS)
def decision(request, pk: int):
    return _decision_page(request, get_decision_for_user(request.user, pk))


def _form_page(request, inspection, form, heading, decision=None, status=200):
    return render(
        request,
        "legalreview/decision_form.html",
        {
            "inspection": inspection,
            "form": form,
            "heading": heading,
            "decision": decision,
            "others": decisions_visible_to(request.user)
            .filter(inspection=inspection)
            .order_by("pk"),
            "circumstances": [label for _, label in CIRCUMSTANCES],
        },
        status=status,
    )


@role_required(Role.INSPECTOR, Role.DEPARTMENT_ADMIN)
def decision_new(request, inspection_pk: int):
    inspection = get_inspection_for_user(request.user, inspection_pk)
    heading = f"拟定执法决定：{inspection.code} {inspection.firm_name}"
    try:
        drafting_department(request.user, inspection)
    except PermissionDenied as exc:
        return render(request, "legalreview/refused.html", {"message": str(exc)}, status=403)
    fields = set(inspection.task.items.values_list("item__enforcement_field_id", flat=True))
    initial = {"enforcement_field": fields.pop()} if len(fields) == 1 else {}
    form = DecisionForm(request.POST or None, inspection=inspection, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.draft_decision(
                actor=request.user, inspection=inspection, content=form.decision_content()
            )
        except PermissionDenied as exc:
            return render(request, "legalreview/refused.html", {"message": str(exc)}, status=403)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"已保存决定草稿{made.number}，核对无误后请提交。")
            return redirect("legalreview:decision", pk=made.pk)
    return _form_page(request, inspection, form, heading)


@role_required(Role.INSPECTOR, Role.DEPARTMENT_ADMIN)
def decision_edit(request, pk: int):
    decision = get_decision_for_user(request.user, pk)
    inspection = decision.inspection
    if not may_write(request.user, decision) or decision.state not in EDITABLE:
        return _decision_page(
            request,
            decision,
            status=403,
            error="该决定当前不能由您修改（仅草稿或审核退回的决定可修改）",
        )
    form = DecisionForm(
        request.POST or None, inspection=inspection, initial=DecisionForm.initial_from(decision)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_decision(
                actor=request.user, decision=decision, content=form.decision_content()
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "已保存修改。")
            return redirect("legalreview:decision", pk=decision.pk)
    return _form_page(request, inspection, form, f"修改执法决定：{decision.number}", decision)


@require_POST
@role_required(Role.INSPECTOR, Role.DEPARTMENT_ADMIN)
def decision_step(request, pk: int, step: str):
    decision = get_decision_for_user(request.user, pk)
    forms = {}
    try:
        if step == "submit":
            decision = services.submit_decision(actor=request.user, decision=decision)
            if decision.state == S.IN_REVIEW:
                done = "已提交，该决定须经法制审核，已自动送审。"
            else:
                done = "已提交，该决定无须法制审核，待部门负责人作出决定。"
        elif step == "issue":
            forms["issue"] = form = IssueForm(request.POST)
            form.is_valid()
            services.issue_decision(
                actor=request.user,
                decision=decision,
                document_number=form.cleaned_data.get("document_number", ""),
            )
            done = "已作出决定。"
        elif step == "withdraw":
            forms["withdraw"] = form = ReasonForm(request.POST)
            form.is_valid()
            services.withdraw_decision(
                actor=request.user, decision=decision, reason=form.cleaned_data.get("reason", "")
            )
            done = "已撤回该决定。"
        else:
            raise Http404("未知的操作")
    except PermissionDenied as exc:
        return _decision_page(request, decision, status=403, error=str(exc), forms=forms)
    except ValidationError as exc:
        return _decision_page(request, decision, status=400, error=_errors(exc), forms=forms)
    messages.success(request, done)
    return redirect("legalreview:decision", pk=decision.pk)


# --- the department -----------------------------------------------------------------------------


@role_required(Role.DEPARTMENT_ADMIN)
def department(request):
    code = request.GET.get("inspection", "").strip()
    if code:
        found = inspections_visible_to(request.user).filter(code=code).first()
        if found is not None:
            return redirect("legalreview:decision-new", inspection_pk=found.pk)
        messages.error(request, f"未找到本部门可见的检查：{code}")
    view = department_view(request.user)
    q = request.GET.get("q", "").strip()[:100]
    if q:
        view.in_review = [
            row
            for row in view.in_review
            if _matches(
                q,
                row.review.decision.number,
                row.review.decision.title,
                row.review.decision.inspection.firm_name,
            )
        ]
        for name in ("to_issue", "returned", "drafts", "issued"):
            decisions = getattr(view, name)
            setattr(view, name, [d for d in decisions if _matches(q, d.number, d.title)])
    total = sum(
        len(rows)
        for rows in (view.in_review, view.to_issue, view.returned, view.drafts, view.issued)
    )
    return render(
        request,
        "legalreview/department.html",
        {"view": view, "code": code, "q": q, "total": total},
    )


# --- the catalogue ------------------------------------------------------------------------------


@role_required(Role.DEPARTMENT_ADMIN, Role.LEGAL_REVIEWER, Role.PLANNER)
def catalogue(request):
    can_edit = request.user.has_role(Role.DEPARTMENT_ADMIN)
    form = CatalogueEntryForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("只有部门管理员可以维护审核目录清单")
        if form.is_valid():
            try:
                entry = services.add_catalogue_entry(actor=request.user, **form.entry_fields())
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, f"已加入审核目录清单：{entry.name}")
                return redirect("legalreview:catalogue")
        status = 400
    entries = catalogue_of(request.user)
    q = request.GET.get("q", "").strip()[:100]
    active = request.GET.get("active", "")
    if q:
        entries = entries.filter(Q(name__icontains=q) | Q(basis__icontains=q))
    if active in ("yes", "no"):
        entries = entries.filter(active=active == "yes")
    return render(
        request,
        "legalreview/catalogue.html",
        {
            "entries": entries,
            "total": entries.count(),
            "q": q,
            "active": active,
            "form": form,
            "can_edit": can_edit,
            "circumstances": [label for _, label in CIRCUMSTANCES],
        },
        status=status,
    )


@role_required(Role.DEPARTMENT_ADMIN)
def catalogue_edit(request, pk: int):
    entry = get_object_or_404(catalogue_of(request.user), pk=pk)
    form = CatalogueEntryForm(
        request.POST or None,
        initial={
            "name": entry.name,
            "decision_type": entry.decision_type,
            "enforcement_field": entry.enforcement_field_id,
            "min_amount": entry.min_amount,
            "basis": entry.basis,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_catalogue_entry(actor=request.user, entry=entry, **form.entry_fields())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"已修改目录事项：{form.cleaned_data['name']}")
            return redirect("legalreview:catalogue")
    return render(request, "legalreview/catalogue_form.html", {"form": form, "entry": entry})


@require_POST
@role_required(Role.DEPARTMENT_ADMIN)
def catalogue_step(request, pk: int, step: str):
    entry = get_object_or_404(catalogue_of(request.user), pk=pk)
    steps = {
        "retire": (services.retire_catalogue_entry, "已停用"),
        "restore": (services.restore_catalogue_entry, "已恢复"),
    }
    if step not in steps:
        raise Http404("未知的操作")
    call, done = steps[step]
    try:
        call(actor=request.user, entry=entry)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, f"{done}目录事项：{entry.name}")
    return redirect("legalreview:catalogue")

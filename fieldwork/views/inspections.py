"""The inspector's pages (phone first): my inspections today, one inspection's checklist with
its stage forms and record, and the printable 随机抽查通知书. Thin: parse, call one stage
service, render."""

import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from backend.accounts.decorators import role_required
from backend.accounts.roles import Role
from backend.forms import apply_service_errors
from fieldwork.access import is_member, officer_of
from fieldwork.code_display import shown_code
from fieldwork.decisions import decisions_for
from fieldwork.documents.content import RESULT_TOLD
from fieldwork.forms import ApprovalForm, EmergencyStartForm, RemainingClearForm, ReviewForm
from fieldwork.models import (
    ApprovalState,
    EvidenceKind,
    InspectionState,
    RecordKind,
)
from fieldwork.selectors import (
    caps_passed_by,
    get_inspection_for_user,
    my_open_inspections,
    my_recent_inspections,
    my_upcoming_inspections,
)
from fieldwork.selectors.evidence import evidence_items
from fieldwork.selectors.followups import AFTER_REVIEW
from fieldwork.selectors.records import checkpoints_of, current_records, missing_for_submission
from fieldwork.services import evidence, findings, records
from fieldwork.views.checklist import (
    STAGES,
    checklist,
    form_for,
    record_title,
    result_labels,
    timeline,
)
from fieldwork.windows import window_warning

# Who opens an inspection's page (the selector narrows it to what each may see).
VIEWERS = (
    Role.INSPECTOR,
    Role.PLANNER,
    Role.DEPARTMENT_ADMIN,
    Role.LEGAL_REVIEWER,
    Role.AUDIT_ADMIN,
)

# Nothing to decide before anything was found, nor once the inspection is closed (the legal
# review app's service has the last word; this only decides whether to offer the link).
_NO_DECISION = (
    InspectionState.PLANNED,
    InspectionState.NOTIFIED,
    InspectionState.CLOSED,
    InspectionState.ARCHIVED,
)

# The map search the firm's address links to (a public page of 高德地图, no script of ours).
MAP_SEARCH = "https://uri.amap.com/search"

SERVICES = {
    "notice": records.issue_notice,
    "arrival": records.record_arrival,
    "non-site": records.record_non_site,
    "findings": records.record_findings,
    "result": records.record_result,
    "firm-opinion": records.record_firm_opinion,
    "signatures": records.record_officer_signatures,
    "submit": records.submit_for_review,
}


def window_text(inspection, today=None) -> str:
    """How long the team has left: 还剩 N 天 / 今天截止 / 已超过检查期限 N 天."""
    today = today or timezone.localdate()
    if today < inspection.window_start:
        return f"{(inspection.window_start - today).days} 天后开始"
    left = (inspection.window_end - today).days
    if left > 0:
        return f"还剩 {left} 天"
    if left == 0:
        return "今天截止"
    return f"已超过检查期限 {-left} 天"


def map_search_url(inspection) -> str:
    """A plain link to a map search for the firm's business address (住所（经营场所）, as the
    directory holds it; its name where none is held), in the firm's region: the phone's map
    app or the map site finds the way. Nothing of the legal representative goes there."""
    firm = inspection.firm
    query = {"keyword": firm.address or inspection.firm_name}
    if firm.region_code:
        query["city"] = firm.region_code  # the 行政区划代码 is the map's 城市编码 (adcode)
    return f"{MAP_SEARCH}?{urlencode(query)}"


@role_required(Role.INSPECTOR)
def today(request):
    """我的今日检查: the inspections this officer's team still has to carry out or complete."""
    cards = [
        {
            "inspection": inspection,
            "window": window_text(inspection),
            "overdue": inspection.window_end < timezone.localdate(),
            "warning": window_warning(inspection, timezone.localdate()),
            "missing": missing_for_submission(inspection),
        }
        for inspection in my_open_inspections(request.user)
    ]
    return render(
        request,
        "fieldwork/today.html",
        {
            "cards": cards,
            "has_officer": officer_of(request.user) is not None,
            "upcoming": [
                (inspection, window_text(inspection))
                for inspection in my_upcoming_inspections(request.user)
            ],
            "recent": my_recent_inspections(request.user),
        },
    )


def render_inspection(
    request,
    inspection,
    *,
    bound=None,
    review_form=None,
    approval_form=None,
    emergency_form=None,
    status=200,
):
    """The inspection's page; `bound` puts a stage form that failed back in its place."""
    user = request.user
    member = is_member(user, inspection)
    can_record = member and user.has_role(Role.INSPECTOR)
    stages = checklist(inspection, user=user, bound=bound if can_record else None)
    if not can_record:
        for stage in stages:
            stage.form = stage.correction_form = None
            stage.open = False
    task = inspection.task
    can_review = (
        inspection.state == InspectionState.SUBMITTED
        and user.has_role(Role.DEPARTMENT_ADMIN)
        and user.department_id == task.department_id
        and not member
    )
    if can_review and review_form is None:
        review_form = ReviewForm(initial={"idempotency_key": uuid.uuid4()}, auto_id="review-%s")
    # 行政检查审批: the head approves here too; the team may start in an emergency.
    waiting = inspection.approval_state in (ApprovalState.PENDING, ApprovalState.EMERGENCY)
    if (
        waiting
        and approval_form is None
        and user.has_role(Role.DEPARTMENT_ADMIN)
        and user.department_id == task.department_id
        and not member
    ):
        approval_form = ApprovalForm(initial={"idempotency_key": uuid.uuid4()})
    if (
        can_record
        and emergency_form is None
        and inspection.approval_state == ApprovalState.PENDING
        and inspection.state == InspectionState.PLANNED
    ):
        emergency_form = EmergencyStartForm(initial={"idempotency_key": uuid.uuid4()})
    current = current_records(inspection)
    decisions = decisions_for(user, inspection)  # the legal review app's, through its hook
    remaining = [s for s in stages if s.slug == "findings" and s.form is not None]
    titles = {r.sequence: record_title(r) for r in current}
    return render(
        request,
        "fieldwork/inspection.html",
        {
            "inspection": inspection,
            "task": task,
            "passed_caps": caps_passed_by(inspection) if approval_form is not None else [],
            "team": inspection.members.select_related("officer", "department").order_by(
                "department__code", "seat"
            ),
            "stages": stages,
            "submit_stage": next(s for s in stages if s.slug == "submit"),
            "can_record": can_record,
            "missing": missing_for_submission(inspection),
            "entries": timeline(inspection, {d.number: d.pk for d in decisions}),
            "decisions": decisions,
            "results": result_labels(inspection.result_codes),
            "result_told_states": RESULT_TOLD,
            # The reviewed result's follow-ups, closing and archiving: their own page.
            "follow_up_states": AFTER_REVIEW,
            "window": window_text(inspection),
            "window_warning": window_warning(inspection, timezone.localdate()),
            "firm_address": inspection.firm.address,
            "map_url": map_search_url(inspection),
            # 其余要点均未发现问题: offered while a check point is still to record.
            "remaining_points": len(remaining) if can_record else 0,
            "remaining_key": uuid.uuid4(),
            # Each file with the record it proves, named (a check point by its text).
            "evidence": [
                (item, titles.get(item.record.content.get("documents"), ""))
                for item in evidence_items(inspection)
            ],
            "can_upload": member and inspection.state not in evidence.CLOSED_STATES,
            "evidence_kinds": EvidenceKind.choices,
            "evidence_key": uuid.uuid4(),
            "photo_key": uuid.uuid4(),
            "documentable": [
                (r.sequence, f"第{r.sequence}条 {record_title(r)}")
                for r in current
                if r.kind != RecordKind.EVIDENCE
            ],
            # A fresh form for the reviewer; a refused one (whatever the state) with its reasons.
            "review_form": review_form,
            "approval_form": approval_form,
            "emergency_form": emergency_form,
            "approval_overdue": inspection.approval_overdue(timezone.localdate()),
            "inspection_code": shown_code(request, inspection),
            "can_draft_decision": inspection.state not in _NO_DECISION
            and (
                can_record
                or (
                    user.has_role(Role.DEPARTMENT_ADMIN)
                    and (
                        user.department_id == task.department_id
                        or task.participations.filter(department_id=user.department_id).exists()
                    )
                )
            ),
        },
        status=status,
    )


@role_required(*VIEWERS)
def inspection_detail(request, pk: int):
    inspection = get_inspection_for_user(request.user, pk)
    return render_inspection(request, inspection)


def _check_point(inspection, value):
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    return next((p for p in checkpoints_of(inspection) if p.pk == pk), None)


@require_POST
@role_required(Role.INSPECTOR)
def stage(request, pk: int, slug: str):
    """One stage of the record (or its correction) posted from the inspection's page."""
    inspection = get_inspection_for_user(request.user, pk)
    if slug not in STAGES:
        raise Http404("未知的检查环节")
    correcting = slug != "submit" and bool(request.POST.get("corrects"))
    point = None
    if slug == "findings":
        point = _check_point(inspection, request.POST.get("check_point"))
        if point is None:
            messages.error(request, "该检查要点不属于本次抽查的检查事项")
            return redirect("fieldwork:inspection", pk=inspection.pk)
    form = form_for(
        slug,
        inspection,
        data=request.POST,
        check_point=point,
        correcting=correcting,
        user=request.user,
    )
    status = 200
    if form.is_valid():
        kwargs = form.service_kwargs()
        key = kwargs["idempotency_key"]
        repeated = inspection.records.filter(idempotency_key=key).exists()
        if point is not None:
            kwargs["check_point"] = point
        try:
            if correcting:
                kwargs["corrects"] = _corrected(inspection, form.cleaned_data["corrects"])
            record = SERVICES[slug](actor=request.user, inspection=inspection, **kwargs)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
            status = 403
        else:
            if repeated:
                messages.info(request, f"该记录已于此前提交（第{record.sequence}条），未重复记录。")
            else:
                what = "更正" if correcting else "已记录"
                messages.success(
                    request,
                    f"{what}：{record.kind_label}（第{record.sequence}条记录）。",
                )
            return _saved(request, inspection, record.sequence)
    inspection.refresh_from_db()
    bound = (slug, point.pk if point else None, correcting, form)
    return render_inspection(request, inspection, bound=bound, status=status)


def _corrected(inspection, sequence):
    record = inspection.records.filter(sequence=sequence).first()
    if record is None:
        raise ValidationError({"corrects": ValidationError("要更正的记录不存在", code="unknown")})
    return record


def landing_url(request, inspection, sequence: int) -> str:
    """The inspection's page after a save, scrolled to the stage to do next (the one the page
    opens by itself), or to the top once nothing is left to record. `saved` makes it a new
    address, so the browser loads it rather than only scrolling the page it is on."""
    inspection.refresh_from_db()
    url = f"{reverse('fieldwork:inspection', args=[inspection.pk])}?saved={sequence}"
    upcoming = next((s for s in checklist(inspection, user=request.user) if s.open), None)
    return f"{url}#{upcoming.anchor}" if upcoming is not None else url


def _saved(request, inspection, sequence: int):
    url = landing_url(request, inspection, sequence)
    if request.headers.get("X-Fieldwork-Draft"):
        # The page's script sent a draft: it loads the page itself once all are in.
        response = HttpResponse(status=204)
        response["X-Fieldwork-Next"] = url
        return response
    return redirect(url)


@require_POST
@role_required(Role.INSPECTOR)
def remaining_clear(request, pk: int):
    """其余要点均未发现问题: every check point not yet recorded, in one tap."""
    inspection = get_inspection_for_user(request.user, pk)
    form = RemainingClearForm(request.POST)
    if not form.is_valid():
        messages.error(request, "提交标识缺失或格式不正确，请刷新页面后重试")
        return redirect(reverse("fieldwork:inspection", args=[inspection.pk]) + "#checklist")
    key = form.cleaned_data["idempotency_key"]
    repeated = inspection.records.filter(idempotency_key=key).exists()
    try:
        made = findings.record_remaining_points_clear(
            actor=request.user,
            inspection=inspection,
            idempotency_key=key,
            occurred_at=form.cleaned_data.get("occurred_at"),
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(reverse("fieldwork:inspection", args=[inspection.pk]) + "#checklist")
    if repeated:
        messages.info(request, "其余检查要点已于此前记录，未重复记录。")
    else:
        numbers = "、".join(str(r.sequence) for r in made)
        messages.success(
            request,
            f"已记录：其余{len(made)}个检查要点均未发现问题（第{numbers}条记录）。",
        )
    return _saved(request, inspection, made[-1].sequence)

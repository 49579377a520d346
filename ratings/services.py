"""Writes of the ratings app: the firm's link and rating, the supervisor's complaint cases.

The firm has no account: its rating is written by nobody, and its audit entry names the
department rated, never the inspection (the audit trail is read by staff).
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from backend.accounts.roles import Role
from backend.audit.services import record_event
from backend.text import strip_invisible
from backend.workdays.selectors import working_day_deadline
from fieldwork.models import Inspection, InspectionState
from ratings.actions import RatingAction
from ratings.models import (
    LINK_DAYS,
    Complaint,
    ComplaintAnswer,
    ComplaintOutcome,
    ComplaintState,
    Rating,
    RatingLink,
    VisitLength,
)
from ratings.selectors import valid_link

INVALID_LINK = "链接无效或已过期"
ALREADY_RATED = "本次检查已经评价过，每次检查只能评价一次，不能重复提交"
RATED_STATES = (InspectionState.CLOSED, InspectionState.ARCHIVED)


def _refuse(message: str, code: str, field: str = "non_field_errors") -> ValidationError:
    return ValidationError({field: [ValidationError(message, code=code)]})


@transaction.atomic
def issue_rating_link(*, inspection: Inspection) -> RatingLink:
    """The firm's one-time rating link, issued when the inspection is closed (registered as a
    close handler of fieldwork); issuing it again returns the same link."""
    found = RatingLink.objects.filter(inspection=inspection).first()
    if found is not None:
        return found
    if inspection.state not in RATED_STATES or inspection.closed_at is None:
        raise _refuse("检查办结后才能生成企业评价链接", "not_closed")
    closed_on = timezone.localdate(inspection.closed_at)
    link = RatingLink(
        inspection=inspection,
        # 192 bits: nobody finds a valid link by guessing.
        token=secrets.token_urlsafe(24),
        issued_on=closed_on,
        expires_on=closed_on + timedelta(days=LINK_DAYS),
    )
    link.full_clean()
    link.save()
    record_event(
        action=RatingAction.LINK_ISSUE,
        obj=link,
        detail={"inspection": inspection.code, "expires_on": link.expires_on.isoformat()},
    )
    return link


def _text(value: str, *, limit: int, label: str, field: str) -> str:
    value = strip_invisible(value or "", multiline=True).strip()
    if len(value) > limit:
        raise _refuse(f"{label}不能超过{limit}字", "too_long", field)
    return value


@transaction.atomic
def submit_rating(
    *,
    token: str,
    overall: int,
    certificates_shown: bool,
    rights_explained: bool,
    visit_length: str,
    asked_for_favours: bool,
    favours_detail: str = "",
    comment: str = "",
) -> Rating:
    """The firm's rating through its link: once, while the link is valid. A link that does not
    exist, has expired or was already used reads the same to a guesser ("链接无效或已过期")
    except that the holder of a used link is told it was used."""
    link = valid_link(token, timezone.localdate())
    if link is None:
        raise _refuse(INVALID_LINK, "invalid_link")
    inspection = Inspection.objects.select_for_update().get(pk=link.inspection_id)
    if Rating.objects.filter(inspection=inspection).exists():
        raise _refuse(ALREADY_RATED, "already_rated")
    if overall not in range(1, 6):
        raise _refuse("请选择1至5分的总体评价", "overall", "overall")
    if visit_length not in VisitLength.values:
        raise _refuse("请选择检查用时", "visit_length", "visit_length")
    favours_detail = _text(favours_detail, limit=1000, label="索拿卡要情况", field="favours_detail")
    comment = _text(comment, limit=2000, label="其他意见", field="comment")
    if asked_for_favours and not favours_detail:
        raise _refuse("请简要说明索拿卡要的情况", "favours_detail", "favours_detail")
    if not asked_for_favours:
        favours_detail = ""
    closed_on = timezone.localdate(inspection.closed_at)
    rating = Rating(
        inspection=inspection,
        department_id=inspection.task.department_id,
        year=closed_on.year,
        month=closed_on.month,
        overall=overall,
        certificates_shown=certificates_shown,
        rights_explained=rights_explained,
        visit_length=visit_length,
        asked_for_favours=asked_for_favours,
        favours_detail=favours_detail,
        comment=comment,
        submitted_at=timezone.now(),
    )
    rating.full_clean(exclude=["inspection"])
    try:
        # A savepoint: two submissions at once meet the unique constraint, not a half write.
        with transaction.atomic():
            rating.save()
    except IntegrityError:
        raise _refuse(ALREADY_RATED, "already_rated") from None
    rating.items.set(inspection.task.items.values_list("item_id", flat=True).distinct().order_by())
    record_event(
        action=RatingAction.SUBMIT,
        obj=rating,
        detail={"department": rating.department.code, "overall": overall},
    )
    return rating


def _require_supervisor(actor, what: str) -> None:
    if actor is None or not actor.is_authenticated or not actor.has_role(Role.SUPERVISOR):
        raise PermissionDenied(f"只有执法监督人员可以{what}")


def _next_number(year: int) -> str:
    prefix = f"TS-{year}-"
    last = (
        Complaint.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    sequence = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{sequence:04d}"


@transaction.atomic
def open_complaint(*, actor, rating: Rating, subject: str) -> Complaint:
    """投诉: the supervisor puts the matter to the inspecting department, which must answer
    within COMPLAINT_ANSWER_WORKING_DAYS working days from today."""
    _require_supervisor(actor, "立案投诉")
    subject = _text(subject, limit=2000, label="投诉事项", field="subject")
    if not subject:
        raise _refuse("请填写投诉事项", "subject_required", "subject")
    today = timezone.localdate()
    deadline = working_day_deadline(today, settings.COMPLAINT_ANSWER_WORKING_DAYS)
    # Complaint numbers follow each other: one complaint opened at a time.
    Complaint.objects.select_for_update().filter(opened_on__year=today.year).exists()
    complaint = Complaint(
        number=_next_number(today.year),
        rating=rating,
        department_id=rating.department_id,
        subject=subject,
        opened_by=actor,
        opened_on=today,
        due_on=deadline.due,
    )
    complaint.full_clean()
    complaint.save()
    record_event(
        action=RatingAction.COMPLAINT_OPEN,
        actor=actor,
        obj=complaint,
        detail={
            "number": complaint.number,
            "department": rating.department.code,
            "due_on": complaint.due_on.isoformat(),
            "working_days": settings.COMPLAINT_ANSWER_WORKING_DAYS,
        },
    )
    return complaint


@transaction.atomic
def answer_complaint(*, actor, complaint: Complaint, text: str) -> ComplaintAnswer:
    """The department's answer, a record of its own; the complaint becomes 已答复."""
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if (
        actor is None
        or not actor.is_authenticated
        or not actor.has_role(Role.DEPARTMENT_ADMIN)
        or actor.department_id != complaint.department_id
    ):
        raise PermissionDenied("只有被投诉部门的部门管理员可以答复投诉")
    if complaint.state == ComplaintState.CLOSED:
        raise _refuse("投诉已办结，不能再答复", "closed")
    text = _text(text, limit=4000, label="答复内容", field="text")
    if not text:
        raise _refuse("请填写答复内容", "text_required", "text")
    now = timezone.now()
    answer = ComplaintAnswer(
        complaint=complaint,
        text=text,
        answered_by=actor,
        answered_on=timezone.localdate(now),
        answered_at=now,
    )
    answer.full_clean()
    answer.save()
    complaint.state = ComplaintState.ANSWERED
    complaint.full_clean()
    complaint.save(update_fields=["state"])
    record_event(
        action=RatingAction.COMPLAINT_ANSWER,
        actor=actor,
        obj=complaint,
        detail={"number": complaint.number, "late": answer.late},
    )
    return answer


@transaction.atomic
def close_complaint(*, actor, complaint: Complaint, outcome: str, note: str = "") -> Complaint:
    """The supervisor closes the case with its outcome, once the department has answered."""
    _require_supervisor(actor, "办结投诉")
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if complaint.state == ComplaintState.CLOSED:
        raise _refuse("投诉已办结", "closed")
    if complaint.state != ComplaintState.ANSWERED:
        raise _refuse("被投诉部门尚未答复，不能办结", "not_answered")
    if outcome not in ComplaintOutcome.values:
        raise _refuse("请选择办理结果", "outcome_required", "outcome")
    complaint.outcome = outcome
    complaint.outcome_note = _text(note, limit=2000, label="办结意见", field="note")
    complaint.state = ComplaintState.CLOSED
    complaint.closed_by = actor
    complaint.closed_on = timezone.localdate()
    complaint.full_clean()
    complaint.save(update_fields=["outcome", "outcome_note", "state", "closed_by", "closed_on"])
    record_event(
        action=RatingAction.COMPLAINT_CLOSE,
        actor=actor,
        obj=complaint,
        detail={"number": complaint.number, "outcome": outcome},
    )
    return complaint

"""What an inspection's follow-ups say: whether its result needs one, the re-checks of each,
and what keeps it from being closed."""

from datetime import date

from fieldwork.models import (
    FollowUp,
    FollowUpKind,
    FollowUpStatus,
    Inspection,
    InspectionRecord,
    InspectionState,
    RecordKind,
    ResultCode,
)
from fieldwork.selectors.records import latest
from inspections.planning.models import SamplingTask

S = InspectionState
K = RecordKind
F = FollowUpKind


AFTER_REVIEW = (S.REVIEWED, S.CLOSED, S.ARCHIVED)


def result_needs_follow_up(inspection: Inspection) -> bool:
    """Whether the reviewed result needs a follow-up: the flag the result record carries, or
    any of its codes (or their parents) as the table says now — whichever is stricter."""
    result = latest(inspection, K.RESULT)
    codes = list(inspection.result_codes)
    if result is not None:
        if result.content.get("needs_follow_up"):
            return True
        codes = result.content.get("codes", codes)
    for code in ResultCode.objects.filter(code__in=codes).select_related("parent"):
        if code.needs_follow_up or (code.parent_id and code.parent.needs_follow_up):
            return True
    return False


def opened_date(follow_up: FollowUp) -> date:
    return date.fromisoformat(follow_up.opened_record.content["opened_on"])


def rechecks_of(follow_up: FollowUp) -> list[InspectionRecord]:
    """The re-check records of a follow-up, in order."""
    return [
        r
        for r in follow_up.inspection.records.filter(kind=K.FOLLOW_UP).order_by("sequence")
        if r.content.get("step") == "recheck"
        and r.content.get("opened_sequence") == follow_up.opened_record.sequence
    ]


def close_blockers(inspection: Inspection) -> list[str]:
    """Why the inspection cannot be closed yet, in Chinese; empty when it can."""
    if inspection.state != S.REVIEWED:
        return [f"检查当前为“{inspection.get_state_display()}”，结果审核同意后方可办结"]
    follow_ups = list(inspection.follow_ups.all())
    if not follow_ups:
        return ["尚未登记后续处置；无需后续处置的，请登记“无需后续处置”"]
    reasons = [
        f"后续处置“{f.get_kind_display()}”尚未完成"
        for f in follow_ups
        if f.status != FollowUpStatus.COMPLETED
    ]
    done = [f for f in follow_ups if f.status == FollowUpStatus.COMPLETED and f.kind != F.NONE]
    if not done and result_needs_follow_up(inspection):
        reasons.append("检查结果需后续处置，须至少完成一项“无需后续处置”以外的后续处置")
    return reasons


def every_inspection_archived(task: SamplingTask) -> bool:
    """Whether the task has inspections and every one of them is archived."""
    inspections = task.inspections.all()
    return inspections.exists() and not inspections.exclude(state=S.ARCHIVED).exists()

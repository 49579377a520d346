"""Follow-up (后续处置) of a reviewed result, tracked to completion; then closing and archiving.

After the lead department agrees with a result, the department records what follows it:
无需后续处置, 责令改正 (a deadline, then a re-check with its outcome), 移送案件线索 (to a named
authority: illegal employment of foreign staff goes to 公安机关出入境管理部门), 抄告其他部门 or
刑事移送. Each step — opened, re-checked, completed — is one `follow_up` record in the
inspection's hash chain; the `FollowUp` row is the tracker that lists and dashboards query.

Who records follow-ups: the inspection's team (they found the problem and know the firm) and
the lead department's planners and department administrators (谁检查、谁处置: the lead
department answers for the result, and a referral often leaves the office after the team has
gone back to other work). A participating department reads them but does not record them.
Closing (办结) and archiving (归档) are the lead department's decisions: its planner or
department administrator, never the team alone.

A result whose codes need follow-up (`ResultCode.needs_follow_up`, or the flag the result
record carries) is closed only once at least one follow-up other than 无需后续处置 is
completed; a clean result closes with 无需后续处置. Every follow-up must be completed first.
"""

from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from backend.audit.services import record_event
from fieldwork.access import lock_inspection, require_follow_up_recorder, require_lead_staff
from fieldwork.actions import FieldworkAction
from fieldwork.closing import close_handlers
from fieldwork.models import (
    FollowUp,
    FollowUpKind,
    FollowUpStatus,
    Inspection,
    InspectionRecord,
    InspectionState,
    RecordKind,
)
from fieldwork.selectors.followups import (
    close_blockers,
    opened_date,
    rechecks_of,
    result_needs_follow_up,
)
from fieldwork.selectors.records import existing_submission, latest
from fieldwork.services.records import append_record

S = InspectionState
K = RecordKind
F = FollowUpKind

# Kinds that hand the matter to another authority, which the record must name.
NAMES_AUTHORITY = {
    F.REFER: "移送案件线索须写明接收机关（例如 公安机关出入境管理部门）",
    F.NOTIFY: "抄告须写明抄告的部门",
    F.CRIMINAL: "刑事移送须写明接收的公安机关",
}
DETAILS_REQUIRED = {
    F.RECTIFY: "请写明责令改正的事项",
    F.REFER: "请写明移送的案件线索",
    F.NOTIFY: "请写明抄告的事项",
    F.CRIMINAL: "请写明涉嫌犯罪的事实",
}


def _refuse(message: str, code: str, field: str = "non_field_errors") -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


# --- helpers ------------------------------------------------------------------------------------


def _moment(day: date) -> datetime:
    """When a step dated `day` happened, for the record: noon that day, never later than now."""
    return min(timezone.make_aware(datetime.combine(day, time(12, 0))), timezone.now())


def _check_day(day, field: str, label: str) -> date:
    if not isinstance(day, date):
        raise _refuse(f"请填写{label}", "required", field)
    if day > timezone.localdate():
        raise _refuse(f"{label}不能晚于今天", "date_in_future", field)
    return day


def _require_state(inspection: Inspection, allowed, what: str) -> None:
    if inspection.state not in allowed:
        raise _refuse(
            f"检查{inspection.code}当前为“{inspection.get_state_display()}”，不能{what}",
            "wrong_state",
        )


def _replayed(inspection: Inspection, key, step: str) -> InspectionRecord | None:
    """The record an earlier submission with this key made, if it was the same step."""
    found = existing_submission(inspection, K.FOLLOW_UP, key)
    if found is not None and found.content.get("step") != step:
        raise _refuse("该提交标识已用于另一条记录，请刷新页面后重新填写", "idempotency_key_reused")
    return found


def _locked_follow_up(follow_up: FollowUp) -> tuple[Inspection, FollowUp]:
    inspection = lock_inspection(follow_up.inspection)
    follow_up = FollowUp.objects.select_related("opened_record").get(pk=follow_up.pk)
    return inspection, follow_up


def _reference(follow_up: FollowUp) -> dict:
    return {
        "follow_up": follow_up.opened_record.content["number"],
        "opened_sequence": follow_up.opened_record.sequence,
        "kind": follow_up.kind,
        "kind_label": follow_up.get_kind_display(),
    }


# --- the services -------------------------------------------------------------------------------


@transaction.atomic
def open_follow_up(
    *,
    actor,
    inspection: Inspection,
    kind: str,
    opened_on: date,
    details: str = "",
    authority: str = "",
    due_on: date | None = None,
    idempotency_key=None,
) -> FollowUp:
    """Record a follow-up of the reviewed result.

    无需后续处置 is complete the moment it is recorded (one record); every other kind stays
    open until `complete_follow_up`. 责令改正 needs a deadline and, before completion, a
    re-check; a referral, a notification and a criminal referral name the receiving authority.
    """
    inspection = lock_inspection(inspection)
    found = _replayed(inspection, idempotency_key, "opened")
    if found is not None:
        return FollowUp.objects.get(opened_record=found)
    require_follow_up_recorder(actor, inspection)
    _require_state(inspection, [S.REVIEWED], "登记后续处置（须结果审核同意后登记）")
    if kind not in F.values:
        raise _refuse("请选择处置方式", "unknown_kind", "kind")
    kind = F(kind)
    opened_on = _check_day(opened_on, "opened_on", "登记日期")
    if opened_on < inspection.window_start:
        raise _refuse("登记日期不能早于检查开始日期", "opened_before_inspection", "opened_on")
    details = (details or "").strip()
    authority = (authority or "").strip() if kind in NAMES_AUTHORITY else ""
    if kind in NAMES_AUTHORITY and not authority:
        raise _refuse(NAMES_AUTHORITY[kind], "authority_required", "authority")
    if kind in DETAILS_REQUIRED and not details:
        raise _refuse(DETAILS_REQUIRED[kind], "details_required", "details")
    if kind == F.RECTIFY and due_on is None:
        raise _refuse("责令改正须填写改正期限", "deadline_required", "due_on")
    if due_on is not None and due_on < opened_on:
        raise _refuse("完成期限不能早于登记日期", "due_before_opened", "due_on")
    existing = list(inspection.follow_ups.all())
    if kind == F.NONE:
        if result_needs_follow_up(inspection):
            raise _refuse(
                "检查结果需后续处置，不能登记“无需后续处置”", "follow_up_required", "kind"
            )
        if existing:
            raise _refuse("已登记后续处置，不能再登记“无需后续处置”", "follow_up_exists", "kind")
        due_on = None
    content = {
        "step": "opened",
        "number": len(existing) + 1,
        "kind": kind.value,
        "kind_label": str(kind.label),
        "authority": authority,
        "details": details,
        "due_on": due_on.isoformat() if due_on else None,
        "opened_on": opened_on.isoformat(),
    }
    if kind == F.NONE:
        content["completed_on"] = opened_on.isoformat()
    record = append_record(
        actor=actor,
        inspection=inspection,
        kind=K.FOLLOW_UP,
        content=content,
        occurred_at=_moment(opened_on),
        idempotency_key=idempotency_key,
    )
    follow_up = FollowUp(
        inspection=inspection,
        kind=kind,
        authority=authority,
        details=details,
        due_on=due_on,
        opened_record=record,
        created_by=actor,
    )
    if kind == F.NONE:
        follow_up.status = FollowUpStatus.COMPLETED
        follow_up.completed_on = opened_on
        follow_up.completed_record = record
        follow_up.outcome = details or str(F.NONE.label)
    follow_up.full_clean()
    follow_up.save()
    record_event(
        action=FieldworkAction.FOLLOW_UP_OPEN,
        actor=actor,
        obj=follow_up,
        detail={
            "inspection": inspection.code,
            "sequence": record.sequence,
            "kind": kind.value,
            "authority": authority,
        },
    )
    return follow_up


@transaction.atomic
def recheck_follow_up(
    *,
    actor,
    follow_up: FollowUp,
    checked_on: date,
    rectified: bool,
    outcome: str,
    place: str = "",
    idempotency_key=None,
) -> InspectionRecord:
    """The re-check of a 责令改正: whether the firm put it right, and what was found.

    A firm that has not put it right may be re-checked again, or the matter referred (a new
    follow-up) and this one completed with that outcome.
    """
    inspection, follow_up = _locked_follow_up(follow_up)
    found = _replayed(inspection, idempotency_key, "recheck")
    if found is not None:
        return found
    require_follow_up_recorder(actor, inspection)
    _require_state(inspection, [S.REVIEWED], "复查")
    if follow_up.kind != F.RECTIFY:
        raise _refuse("只有责令改正需要复查", "not_rectification")
    if follow_up.status != FollowUpStatus.OPEN:
        raise _refuse("该后续处置已完成，不能再复查", "already_completed")
    checked_on = _check_day(checked_on, "checked_on", "复查日期")
    if checked_on < opened_date(follow_up):
        raise _refuse("复查日期不能早于登记日期", "checked_before_opened", "checked_on")
    outcome = (outcome or "").strip()
    if not outcome:
        raise _refuse("请填写复查情况", "outcome_required", "outcome")
    record = append_record(
        actor=actor,
        inspection=inspection,
        kind=K.FOLLOW_UP,
        content={
            "step": "recheck",
            **_reference(follow_up),
            "checked_on": checked_on.isoformat(),
            "rectified": bool(rectified),
            "rectified_label": "已改正" if rectified else "未改正",
            "after_deadline": bool(follow_up.due_on and checked_on > follow_up.due_on),
            "outcome": outcome,
        },
        place=place,
        occurred_at=_moment(checked_on),
        idempotency_key=idempotency_key,
    )
    record_event(
        action=FieldworkAction.FOLLOW_UP_RECHECK,
        actor=actor,
        obj=follow_up,
        detail={
            "inspection": inspection.code,
            "sequence": record.sequence,
            "rectified": bool(rectified),
        },
    )
    return record


@transaction.atomic
def complete_follow_up(
    *,
    actor,
    follow_up: FollowUp,
    completed_on: date,
    outcome: str,
    idempotency_key=None,
) -> FollowUp:
    """The follow-up is done, on a date, with its outcome (改正完毕, 公安机关已受理, ...)."""
    inspection, follow_up = _locked_follow_up(follow_up)
    found = _replayed(inspection, idempotency_key, "completed")
    if found is not None:
        return FollowUp.objects.get(completed_record=found)
    require_follow_up_recorder(actor, inspection)
    _require_state(inspection, [S.REVIEWED], "完成后续处置")
    if follow_up.status != FollowUpStatus.OPEN:
        raise _refuse("该后续处置已完成", "already_completed")
    completed_on = _check_day(completed_on, "completed_on", "完成日期")
    if completed_on < opened_date(follow_up):
        raise _refuse("完成日期不能早于登记日期", "completed_before_opened", "completed_on")
    outcome = (outcome or "").strip()
    if not outcome:
        raise _refuse("请填写处置结果", "outcome_required", "outcome")
    if follow_up.kind == F.RECTIFY:
        rechecks = rechecks_of(follow_up)
        if not rechecks:
            raise _refuse("责令改正须先复查，再完成", "recheck_required")
        last_check = date.fromisoformat(rechecks[-1].content["checked_on"])
        if completed_on < last_check:
            raise _refuse("完成日期不能早于复查日期", "completed_before_recheck", "completed_on")
    record = append_record(
        actor=actor,
        inspection=inspection,
        kind=K.FOLLOW_UP,
        content={
            "step": "completed",
            **_reference(follow_up),
            "completed_on": completed_on.isoformat(),
            "outcome": outcome,
        },
        occurred_at=_moment(completed_on),
        idempotency_key=idempotency_key,
    )
    follow_up.status = FollowUpStatus.COMPLETED
    follow_up.completed_on = completed_on
    follow_up.outcome = outcome
    follow_up.completed_record = record
    follow_up.full_clean()
    follow_up.save(update_fields=["status", "completed_on", "outcome", "completed_record"])
    record_event(
        action=FieldworkAction.FOLLOW_UP_COMPLETE,
        actor=actor,
        obj=follow_up,
        detail={"inspection": inspection.code, "sequence": record.sequence},
    )
    return follow_up


@transaction.atomic
def close_inspection(*, actor, inspection: Inspection, idempotency_key=None) -> InspectionRecord:
    """结果已审核 → 已办结, once every follow-up is completed (see `close_blockers`)."""
    inspection = lock_inspection(inspection)
    found = existing_submission(inspection, K.CLOSED, idempotency_key)
    if found is not None:
        return found
    require_lead_staff(actor, inspection, "办结")
    blockers = close_blockers(inspection)
    if blockers:
        raise ValidationError(
            {"non_field_errors": [f"还不能办结：{reason}" for reason in blockers]},
            code="not_closable",
        )
    follow_ups = inspection.follow_ups.select_related("opened_record", "completed_record")
    record = append_record(
        actor=actor,
        inspection=inspection,
        kind=K.CLOSED,
        content={
            "codes": list(inspection.result_codes),
            "follow_ups": [
                {
                    "kind": f.kind,
                    "kind_label": f.get_kind_display(),
                    "completed_on": f.completed_on.isoformat(),
                    "completed_sequence": f.completed_record.sequence,
                }
                for f in follow_ups
            ],
        },
        idempotency_key=idempotency_key,
    )
    inspection.state = S.CLOSED
    inspection.closed_at = record.recorded_at
    inspection.full_clean()
    inspection.save(update_fields=["state", "closed_at", "updated_at"])
    record_event(
        action=FieldworkAction.CLOSE,
        actor=actor,
        obj=record,
        detail={"inspection": inspection.code, "sequence": record.sequence},
    )
    # The apps above (the firm's rating link) act on the closing in the same transaction.
    for handler in close_handlers():
        handler(inspection=inspection)
    return record


@transaction.atomic
def archive_inspection(*, actor, inspection: Inspection, idempotency_key=None) -> InspectionRecord:
    """已办结 → 已归档: the record is complete; the archive record seals the chain's length.

    The task's own state is not moved here: `every_inspection_archived` tells the caller when
    the whole task may be archived.
    """
    inspection = lock_inspection(inspection)
    found = existing_submission(inspection, K.ARCHIVED, idempotency_key)
    if found is not None:
        return found
    require_lead_staff(actor, inspection, "归档")
    _require_state(inspection, [S.CLOSED], "归档（须先办结）")
    closed = latest(inspection, K.CLOSED)
    record = append_record(
        actor=actor,
        inspection=inspection,
        kind=K.ARCHIVED,
        content={
            "closed_sequence": closed.sequence if closed else None,
            "records": inspection.records.count(),
            "evidence_files": inspection.evidence_files.count(),
        },
        idempotency_key=idempotency_key,
    )
    inspection.state = S.ARCHIVED
    inspection.full_clean()
    inspection.save(update_fields=["state", "updated_at"])
    record_event(
        action=FieldworkAction.ARCHIVE,
        actor=actor,
        obj=record,
        detail={"inspection": inspection.code, "sequence": record.sequence},
    )
    return record

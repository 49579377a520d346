"""What an inspection's whole-process record says now: its current records, what is still
missing before the result can go to review, what a record's hash is computed on."""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from fieldwork.models import Inspection, InspectionRecord, RecordKind
from inspections.directory.models import NON_SITE, CheckPoint, InspectionMethod

K = RecordKind


def _refuse(message: str, code: str, field: str = "non_field_errors") -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _instant(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def _coordinate(value: Decimal | None) -> str | None:
    return None if value is None else format(value, ".6f")


def payload_of(record: InspectionRecord) -> dict[str, Any]:
    """What a record's `content_hash` is computed on: everything it says, and its link."""
    return {
        "inspection": record.inspection.code,
        "sequence": record.sequence,
        "kind": record.kind,
        "content": record.content,
        "place": record.place,
        "coordinates": None
        if record.latitude is None
        else [_coordinate(record.latitude), _coordinate(record.longitude)],
        "occurred_at": _instant(record.occurred_at),
        "recorded_at": _instant(record.recorded_at),
        "recorded_by": record.recorded_by_id,
        "corrects": record.corrects.sequence if record.corrects_id else None,
        "reason": record.reason,
        "prev_hash": record.prev_hash,
    }


def existing_submission(inspection: Inspection, kind: str, key) -> InspectionRecord | None:
    """The record an earlier submission with this idempotency key made, if any."""
    if not key:
        return None
    found = inspection.records.filter(idempotency_key=key).first()
    if found is not None and found.kind != kind:
        raise _refuse("该提交标识已用于另一条记录，请刷新页面后重新填写", "idempotency_key_reused")
    return found


def current_records(inspection: Inspection, kind: str | None = None) -> list[InspectionRecord]:
    """Records not corrected by a later one, in order (optionally of one kind)."""
    records = inspection.records.filter(corrected_by__isnull=True).select_related("recorded_by")
    if kind is not None:
        records = records.filter(kind=kind)
    return list(records.order_by("sequence"))


def latest(inspection: Inspection, kind: str) -> InspectionRecord | None:
    found = current_records(inspection, kind)
    return found[-1] if found else None


def checkpoints_of(inspection: Inspection) -> list[CheckPoint]:
    return list(
        CheckPoint.objects.filter(version__sampling_tasks=inspection.task)
        .select_related("version", "version__item")
        .order_by("version__item__code", "position")
    )


def start_record(inspection: Inspection) -> InspectionRecord | None:
    """How the inspection was carried out: the arrival on site, or the non-site check that
    took its place (never both: each is refused once the other is recorded)."""
    found = current_records(inspection, K.ON_SITE) + current_records(inspection, K.NON_SITE)
    return max(found, key=lambda r: r.sequence) if found else None


def non_site_methods_for(inspection: Inspection) -> list[str]:
    """The non-site methods (非现场) that every item of the inspection allows, in the order of
    InspectionMethod: a check by one of them covers the whole inspection without a visit."""
    allowed = [set(v.methods) & NON_SITE for v in inspection.task.items.all()]
    common = set.intersection(*allowed) if allowed else set()
    return [m for m in InspectionMethod.values if m in common]


def missing_for_submission(inspection: Inspection) -> list[str]:
    """What the team must still record before the result can go to review, in Chinese."""
    missing = []
    if latest(inspection, K.NOTICE) is None:
        missing.append(f"尚未{inspection.notice_stage_label}")
    if start_record(inspection) is None:
        missing.append(
            "尚未记录到达现场或实施非现场检查"
            if non_site_methods_for(inspection)
            else "尚未记录到达现场及出示执法证件"
        )
    found = {r.content.get("check_point") for r in current_records(inspection, K.FINDINGS)}
    for point in checkpoints_of(inspection):
        if point.pk not in found:
            missing.append(f"检查要点未记录：{point.text}")
    if latest(inspection, K.RESULT) is None:
        missing.append("尚未填写检查结果")
    if latest(inspection, K.FIRM_OPINION) is None:
        missing.append("尚未记录检查对象意见及签名")
    if latest(inspection, K.OFFICER_SIGNATURES) is None:
        missing.append("尚未记录执法人员签名")
    return missing


def approval_form(inspection: Inspection) -> dict[str, Any]:
    """The 审批表 as the chain records it: what is approved, for whom, by whom, when."""
    task = inspection.task
    versions = list(task.items.select_related("item").order_by("item__code"))
    methods = sorted({m for v in versions for m in v.methods if m in InspectionMethod.values})
    return {
        "type": inspection.inspection_type,
        "type_label": str(inspection.get_inspection_type_display()),
        "basis": task.basis,
        "task": task.code,
        "firm": {"uscc": inspection.firm_uscc, "name": inspection.firm_name},
        "items": [{"code": v.item.code, "name": v.name, "version": v.number} for v in versions],
        "methods": [str(InspectionMethod(m).label) for m in methods],
        "officers": [
            {
                "certificate_number": m.certificate_number,
                "name": m.officer.name,
                "department": m.department.code,
            }
            for m in inspection.members.select_related("officer", "department")
        ],
        "window": [inspection.window_start.isoformat(), inspection.window_end.isoformat()],
    }

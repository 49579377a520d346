"""Appending to an inspection's whole-process record, stage by stage.

Every stage is a service that checks who may write it and when, validates its content, and
appends one record to the inspection's hash chain (`append_record`). A correction is the same
stage called with `corrects=` and a reason: a new record that points at the old one.
A submission carrying an idempotency key that was already used returns the record it made,
so a retried upload or a replayed offline draft creates one record, not two.
"""

import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from backend.audit.services import record_event
from backend.text import strip_invisible, strip_invisible_in
from fieldwork import chain, windows
from fieldwork.access import (
    lock_inspection,
    require_approval,
    require_member,
    require_result_reviewer,
)
from fieldwork.actions import FieldworkAction
from fieldwork.models import (
    CORRECTABLE,
    RECORDING,
    Inspection,
    InspectionRecord,
    InspectionState,
    RecordKind,
    ResultCode,
)
from fieldwork.selectors.records import (
    checkpoints_of,
    current_records,
    existing_submission,
    latest,
    missing_for_submission,
    non_site_methods_for,
    payload_of,
    start_record,
)
from inspections.directory.models import NON_SITE, CheckPoint, InspectionMethod
from inspections.planning.models import TaskStatus
from inspections.planning.selectors import transition_blockers
from inspections.planning.services.task_transitions import transition_task

S = InspectionState
K = RecordKind
_SIX_PLACES = Decimal("0.000001")


def _refuse(message: str, code: str, field: str = "non_field_errors") -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


# --- the chain ----------------------------------------------------------------------------------


def _point(value, name: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        point = Decimal(str(value)).quantize(_SIX_PLACES, rounding=ROUND_HALF_UP)
    except ArithmeticError:
        raise _refuse(f"{name}格式不正确", "bad_coordinates", name) from None
    limit = 90 if name == "latitude" else 180
    if not -limit <= point <= limit:
        raise _refuse(f"{name}超出范围", "bad_coordinates", name)
    return point


def append_record(
    *,
    actor,
    inspection: Inspection,
    kind: str,
    content: dict[str, Any],
    place: str = "",
    latitude=None,
    longitude=None,
    occurred_at: datetime | None = None,
    corrects: InspectionRecord | None = None,
    reason: str = "",
    idempotency_key: uuid.UUID | str | None = None,
) -> InspectionRecord:
    """Append one record to a LOCKED inspection's chain (see `fieldwork.access.lock_inspection`).

    The caller has checked who may write and what; this checks only the chain's own rules.
    Other apps' services (evidence, legal review, follow-up) write through it.
    """
    if corrects is not None:
        if corrects.inspection_id != inspection.pk or corrects.kind != kind:
            raise _refuse("只能更正本检查同一环节的记录", "bad_correction", "corrects")
        if corrects.corrected_by.exists():
            raise _refuse(
                f"第{corrects.sequence}条记录已被更正，请更正最新的记录", "already_corrected"
            )
        reason = strip_invisible(reason or "", multiline=True).strip()
        if not reason:
            raise _refuse("更正记录须说明原因", "reason_required", "reason")
    now = timezone.now()
    last = inspection.records.order_by("-sequence").values_list("sequence", "content_hash").first()
    sequence, prev_hash = (last[0] + 1, last[1]) if last else (1, chain.GENESIS)
    latitude, longitude = _point(latitude, "latitude"), _point(longitude, "longitude")
    if (latitude is None) != (longitude is None):
        raise _refuse("经纬度须同时填写", "bad_coordinates", "latitude")
    if occurred_at is not None and occurred_at > now:
        raise _refuse("发生时间不能晚于当前时间", "occurred_in_future", "occurred_at")
    record = InspectionRecord(
        inspection=inspection,
        sequence=sequence,
        kind=kind,
        # Round-trip through JSON now, so the hash is computed on exactly what is stored.
        content=json.loads(chain.canonical_json(strip_invisible_in(content))),
        place=strip_invisible(place or "").strip(),
        latitude=latitude,
        longitude=longitude,
        occurred_at=occurred_at or now,
        recorded_at=now,
        recorded_by=actor,
        corrects=corrects,
        reason=reason if corrects is not None else "",
        idempotency_key=idempotency_key or None,
        prev_hash=prev_hash,
    )
    record.content_hash = chain.content_hash(payload_of(record))
    record.full_clean()
    record.save()
    return record


# --- the stages ---------------------------------------------------------------------------------


def _require_state(inspection: Inspection, allowed: Sequence[str], what: str) -> None:
    if inspection.state not in allowed:
        raise _refuse(
            f"检查{inspection.code}当前为“{inspection.get_state_display()}”，不能{what}",
            "wrong_state",
        )


def _set_state(inspection: Inspection, state: str) -> None:
    inspection.state = state
    inspection.full_clean()
    inspection.save(update_fields=["state", "updated_at"])


@dataclass(frozen=True)
class Stage:
    """One stage of the team's record: the kind of record it appends, the inspection states in
    which a new record and a correction may be written, what a refusal calls it, and the state a
    new record (not a correction) moves the inspection to."""

    kind: str
    new_states: tuple[str, ...]
    correction_states: tuple[str, ...]
    what: str
    to: str | None = None


_NOTICE_STAGE = Stage(
    kind=K.NOTICE,
    new_states=(S.PLANNED,),
    correction_states=(S.NOTIFIED, *RECORDING),
    what="送达通知书",
    to=S.NOTIFIED,
)
_ON_SITE_STAGE = Stage(
    kind=K.ON_SITE,
    new_states=(S.NOTIFIED,),
    correction_states=RECORDING,
    what="记录到达现场",
    to=S.ON_SITE,
)
_NON_SITE_STAGE = Stage(
    kind=K.NON_SITE,
    new_states=(S.NOTIFIED,),
    correction_states=RECORDING,
    what="记录非现场检查",
    to=S.ON_SITE,
)
_FINDINGS_STAGE = Stage(
    kind=K.FINDINGS, new_states=RECORDING, correction_states=RECORDING, what="记录检查要点"
)
_RESULT_STAGE = Stage(
    kind=K.RESULT, new_states=RECORDING, correction_states=RECORDING, what="填写检查结果"
)
_FIRM_OPINION_STAGE = Stage(
    kind=K.FIRM_OPINION, new_states=RECORDING, correction_states=RECORDING, what="记录检查对象意见"
)
_OFFICER_SIGNATURES_STAGE = Stage(
    kind=K.OFFICER_SIGNATURES,
    new_states=RECORDING,
    correction_states=RECORDING,
    what="记录执法人员签名",
)
# Earlier states get the list of what is missing rather than a bare "wrong state".
_SUBMITTED_STAGE = Stage(
    kind=K.SUBMITTED,
    new_states=(S.PLANNED, S.NOTIFIED, *RECORDING),
    correction_states=(),
    what="提交审核",
    to=S.SUBMITTED,
)


@dataclass(frozen=True, kw_only=True)
class StageWrite:
    """What a stage's service hands to `_stage`: who writes which stage of which inspection, and
    the fields every submission carries besides its content (the idempotency key, the record it
    corrects and why, where and when it happened)."""

    actor: Any
    inspection: Inspection
    stage: Stage
    idempotency_key: uuid.UUID | str | None = None
    corrects: InspectionRecord | None = None
    reason: str = ""
    place: str = ""
    latitude: Any = None
    longitude: Any = None
    occurred_at: datetime | None = None


def _stage(*, write: StageWrite, build: Callable[[Inspection], dict[str, Any]]) -> InspectionRecord:
    """The shared shape of a team's stage: lock, dedupe, check, build content, append, audit."""
    stage, actor = write.stage, write.actor
    inspection = lock_inspection(write.inspection)
    found = existing_submission(inspection, stage.kind, write.idempotency_key)
    if found is not None:
        return found
    require_member(actor, inspection)
    if write.corrects is not None and stage.kind not in CORRECTABLE:
        raise _refuse("该环节的记录不能更正", "not_correctable")
    _require_state(
        inspection, stage.correction_states if write.corrects else stage.new_states, stage.what
    )
    require_approval(inspection)
    content = build(inspection)
    record = append_record(
        actor=actor,
        inspection=inspection,
        kind=stage.kind,
        content=content,
        place=write.place,
        latitude=write.latitude,
        longitude=write.longitude,
        occurred_at=write.occurred_at,
        corrects=write.corrects,
        reason=write.reason,
        idempotency_key=write.idempotency_key,
    )
    if stage.to is not None and write.corrects is None:
        _set_state(inspection, stage.to)
    if stage.kind == K.RESULT:
        inspection.result_codes = content["codes"]
        inspection.save(update_fields=["result_codes", "updated_at"])
    record_event(
        action=FieldworkAction.of_record(stage.kind, correction=write.corrects is not None),
        actor=actor,
        obj=record,
        detail={"inspection": inspection.code, "sequence": record.sequence},
    )
    return record


@transaction.atomic
def issue_notice(
    *,
    actor,
    inspection: Inspection,
    served_on: date,
    delivery: str,
    recipient: str = "",
    idempotency_key=None,
    corrects: InspectionRecord | None = None,
    reason: str = "",
    place: str = "",
    occurred_at: datetime | None = None,
) -> InspectionRecord:
    """随机抽查通知书 served on the firm: the items, window and methods it names are recorded."""

    def build(inspection):
        delivery_ = (delivery or "").strip()
        if not delivery_:
            raise _refuse("请填写送达方式", "required", "delivery")
        task = inspection.task
        if served_on > timezone.localdate():
            raise _refuse("送达日期不能晚于今天", "served_in_future", "served_on")
        items = [
            {"code": v.item.code, "name": v.name, "version": v.number}
            for v in task.items.select_related("item").order_by("item__code")
        ]
        return {
            "notice_number": f"{inspection.code}-TZ",
            "served_on": served_on.isoformat(),
            "delivery": delivery_,
            "recipient": (recipient or "").strip(),
            "items": items,
            "window": [inspection.window_start.isoformat(), inspection.window_end.isoformat()],
        }

    return _stage(
        write=StageWrite(
            actor=actor,
            inspection=inspection,
            stage=_NOTICE_STAGE,
            idempotency_key=idempotency_key,
            corrects=corrects,
            reason=reason,
            place=place,
            occurred_at=occurred_at,
        ),
        build=build,
    )


def _officers_present(
    inspection: Inspection, officers_present: Sequence[str], occurred_at, what: str
) -> list[dict]:
    """At least two of the team's officers, each with a certificate valid that (local) day."""
    numbers = list(dict.fromkeys(n.strip() for n in officers_present if n and n.strip()))
    members = {
        m.certificate_number: m for m in inspection.members.select_related("officer", "department")
    }
    strangers = [n for n in numbers if n not in members]
    if strangers:
        raise _refuse(
            f"执法证{'、'.join(strangers)}不属于本检查组", "not_team_member", "officers_present"
        )
    if len(numbers) < 2:
        raise _refuse(f"{what}须至少两名执法人员在场", "too_few_officers", "officers_present")
    day = timezone.localdate(occurred_at) if occurred_at else timezone.localdate()
    officers = []
    for number in numbers:
        member = members[number]
        certificate = member.officer.certificates.filter(number=number).first()
        if certificate is None or not certificate.is_valid_on(day):
            raise _refuse(
                f"{member.officer.name}的执法证{number}在{day.isoformat()}无效，不能实施检查",
                "certificate_invalid",
                "officers_present",
            )
        officers.append(
            {
                "certificate_number": number,
                "name": member.officer.name,
                "department": member.department.code,
            }
        )
    return officers


@transaction.atomic
def record_arrival(
    *,
    actor,
    inspection: Inspection,
    method: str,
    officers_present: Sequence[str],
    certificates_shown: bool,
    place: str = "",
    latitude=None,
    longitude=None,
    occurred_at: datetime | None = None,
    idempotency_key=None,
    corrects: InspectionRecord | None = None,
    reason: str = "",
    code_unverified_reason: str = "",
    onsite_reason: str = "",
) -> InspectionRecord:
    """On site (or by the chosen method): at least two of the team's officers, each with a
    certificate valid that day, shown to the firm (行政处罚法 arts. 42, 55). The record says
    whether the firm verified the 检查码 (its latest scan); without one the team says why.

    Non-site first: where every item allows a non-site method, a visit needs its reason."""

    def build(inspection):
        if method not in InspectionMethod.values:
            raise _refuse("请选择检查方式", "unknown_method", "method")
        if method in NON_SITE:
            raise _refuse(
                f"“{InspectionMethod(method).label}”不需入企，请记录“实施非现场检查”环节",
                "non_site_method",
                "method",
            )
        why_visit = strip_invisible(onsite_reason or "", multiline=True).strip()
        non_site = non_site_methods_for(inspection)
        if non_site and not why_visit:
            labels = "、".join(str(InspectionMethod(m).label) for m in non_site)
            raise _refuse(
                f"本次检查事项可以通过{labels}等非现场方式实施；选择入企现场检查的，须说明理由",
                "onsite_reason_required",
                "onsite_reason",
            )
        if not certificates_shown:
            raise _refuse(
                "执法人员须向检查对象出示执法证件", "certificates_not_shown", "certificates_shown"
            )
        officers = _officers_present(inspection, officers_present, occurred_at, "现场检查")
        scan = latest(inspection, K.CODE_SCAN)
        why = strip_invisible(code_unverified_reason or "", multiline=True).strip()
        if scan is None and not why:
            raise _refuse(
                "检查对象尚未扫码核验检查码，须说明原因（如检查对象无法扫码、紧急先行检查尚无检查码）",
                "code_not_verified",
                "code_unverified_reason",
            )
        return {
            "method": method,
            "method_label": str(InspectionMethod(method).label),
            "officers": officers,
            "certificates_shown": True,
            "code_verified": scan is not None,
            "code_scan": scan.sequence if scan is not None else None,
            "code_unverified_reason": "" if scan is not None else why,
            **({"onsite_reason": why_visit} if non_site else {}),
        }

    return _stage(
        write=StageWrite(
            actor=actor,
            inspection=inspection,
            stage=_ON_SITE_STAGE,
            idempotency_key=idempotency_key,
            corrects=corrects,
            reason=reason,
            place=place,
            latitude=latitude,
            longitude=longitude,
            occurred_at=occurred_at,
        ),
        build=build,
    )


@transaction.atomic
def record_non_site(
    *,
    actor,
    inspection: Inspection,
    method: str,
    officers_present: Sequence[str],
    note: str = "",
    place: str = "",
    occurred_at: datetime | None = None,
    idempotency_key=None,
    corrects: InspectionRecord | None = None,
    reason: str = "",
) -> InspectionRecord:
    """非现场检查 in place of the arrival: by a non-site method that every item of the
    inspection allows (书面核查 of the documents the notice asked for, 信息共享比对, 远程视频…),
    carried out by at least two of the team's officers with valid certificates. No visit: no
    certificates shown at the door, no 检查码 to scan."""

    def build(inspection):
        allowed = non_site_methods_for(inspection)
        if method not in allowed:
            labels = "、".join(str(InspectionMethod(m).label) for m in allowed)
            raise _refuse(
                f"本次检查事项允许的非现场方式为：{labels}"
                if allowed
                else "本次检查事项不允许以非现场方式检查，请记录到达现场",
                "method_not_allowed",
                "method",
            )
        officers = _officers_present(inspection, officers_present, occurred_at, "非现场检查")
        return {
            "method": method,
            "method_label": str(InspectionMethod(method).label),
            "site_visit": False,
            "officers": officers,
            "note": strip_invisible(note or "", multiline=True).strip(),
        }

    return _stage(
        write=StageWrite(
            actor=actor,
            inspection=inspection,
            stage=_NON_SITE_STAGE,
            idempotency_key=idempotency_key,
            corrects=corrects,
            reason=reason,
            place=place,
            occurred_at=occurred_at,
        ),
        build=build,
    )


@transaction.atomic
def record_findings(
    *,
    actor,
    inspection: Inspection,
    check_point: CheckPoint,
    checked: bool,
    problem_found: bool = False,
    description: str = "",
    handling: str = "",
    idempotency_key=None,
    corrects: InspectionRecord | None = None,
    reason: str = "",
    place: str = "",
    occurred_at: datetime | None = None,
) -> InspectionRecord:
    """One check point: checked or not (and why not), a problem found, and how it was handled."""

    def build(inspection):
        if not any(p.pk == check_point.pk for p in checkpoints_of(inspection)):
            raise _refuse(
                "该检查要点不属于本次抽查的检查事项", "unknown_check_point", "check_point"
            )
        text = (description or "").strip()
        if not checked and not text:
            raise _refuse("未检查的要点须说明原因", "reason_required", "description")
        if problem_found and not checked:
            raise _refuse("未检查的要点不能记录发现问题", "problem_without_check", "problem_found")
        if problem_found and not text:
            raise _refuse("发现问题须描述问题", "description_required", "description")
        current = {r.content.get("check_point"): r for r in current_records(inspection, K.FINDINGS)}
        if corrects is None and check_point.pk in current:
            raise _refuse(
                f"检查要点“{check_point.text}”已记录，如需修改请更正原记录",
                "already_recorded",
                "check_point",
            )
        return {
            "check_point": check_point.pk,
            "item": check_point.version.item.code,
            "text": check_point.text,
            "checked": bool(checked),
            "problem_found": bool(problem_found),
            "description": text,
            "handling": (handling or "").strip(),
        }

    return _stage(
        write=StageWrite(
            actor=actor,
            inspection=inspection,
            stage=_FINDINGS_STAGE,
            idempotency_key=idempotency_key,
            corrects=corrects,
            reason=reason,
            place=place,
            occurred_at=occurred_at,
        ),
        build=build,
    )


def _clean_result_codes(inspection: Inspection, codes: Sequence[str]) -> list[ResultCode]:
    """The chosen codes, checked against the table: known, active, for a department of the
    task, a child where the parent has children, and 未发现问题 alone."""
    codes = list(dict.fromkeys(c.strip() for c in codes if c and c.strip()))
    if not codes:
        raise _refuse("请选择检查结果", "result_required", "codes")
    found = {
        c.code: c
        for c in ResultCode.objects.filter(code__in=codes).select_related("parent", "department")
    }
    unknown = [c for c in codes if c not in found or not found[c].active]
    if unknown:
        raise _refuse(
            f"检查结果代码不存在或已停用：{'、'.join(unknown)}", "unknown_result", "codes"
        )
    departments = set(inspection.task.participations.values_list("department_id", flat=True))
    chosen = [found[c] for c in codes]
    for code in chosen:
        if code.department_id and code.department_id not in departments:
            raise _refuse(f"“{code.label}”不适用于本任务的部门", "result_not_applicable", "codes")
        if code.children.filter(active=True).exists():
            raise _refuse(f"请选择“{code.name}”的具体情形", "result_needs_child", "codes")
    if len(chosen) > 1 and any(c.exclusive for c in chosen):
        exclusive = next(c for c in chosen if c.exclusive)
        raise _refuse(f"“{exclusive.label}”不能与其他结果同时选择", "result_exclusive", "codes")
    return chosen


@transaction.atomic
def record_result(
    *,
    actor,
    inspection: Inspection,
    codes: Sequence[str],
    note: str = "",
    idempotency_key=None,
    corrects: InspectionRecord | None = None,
    reason: str = "",
    place: str = "",
    occurred_at: datetime | None = None,
) -> InspectionRecord:
    """The result, in codes of the result table (multi-select), in official wording."""

    def build(inspection):
        chosen = _clean_result_codes(inspection, codes)
        return {
            "codes": [c.code for c in chosen],
            "labels": [c.label for c in chosen],
            "needs_follow_up": any(
                c.needs_follow_up or (c.parent_id and c.parent.needs_follow_up) for c in chosen
            ),
            "note": (note or "").strip(),
        }

    return _stage(
        write=StageWrite(
            actor=actor,
            inspection=inspection,
            stage=_RESULT_STAGE,
            idempotency_key=idempotency_key,
            corrects=corrects,
            reason=reason,
            place=place,
            occurred_at=occurred_at,
        ),
        build=build,
    )


@transaction.atomic
def record_firm_opinion(
    *,
    actor,
    inspection: Inspection,
    opinion: str,
    signatory: str,
    signed: bool,
    refusal_note: str = "",
    idempotency_key=None,
    corrects: InspectionRecord | None = None,
    reason: str = "",
    place: str = "",
    occurred_at: datetime | None = None,
) -> InspectionRecord:
    """The firm's opinion on the record and its signature, or the officers' note that it
    refused to sign."""

    def build(inspection):
        if latest(inspection, K.RESULT) is None:
            raise _refuse("请先填写检查结果，再请检查对象签署意见", "result_first")
        name = (signatory or "").strip()
        note = (refusal_note or "").strip()
        if signed and not name:
            raise _refuse("请填写签名人姓名", "signature_missing", "signatory")
        if not signed and not note:
            raise _refuse(
                "检查对象签名缺失：未签名的须注明拒绝签名的情况", "signature_missing", "signed"
            )
        return {
            "opinion": (opinion or "").strip(),
            "signatory": name,
            "signed": bool(signed),
            "refusal_note": "" if signed else note,
        }

    return _stage(
        write=StageWrite(
            actor=actor,
            inspection=inspection,
            stage=_FIRM_OPINION_STAGE,
            idempotency_key=idempotency_key,
            corrects=corrects,
            reason=reason,
            place=place,
            occurred_at=occurred_at,
        ),
        build=build,
    )


@transaction.atomic
def record_officer_signatures(
    *,
    actor,
    inspection: Inspection,
    signed_by: Sequence[str],
    idempotency_key=None,
    corrects: InspectionRecord | None = None,
    reason: str = "",
    place: str = "",
    occurred_at: datetime | None = None,
) -> InspectionRecord:
    """Every officer recorded as present signs the record."""

    def build(inspection):
        arrival = start_record(inspection)
        if arrival is None:
            raise _refuse("尚未记录到达现场或实施非现场检查的执法人员", "arrival_first")
        present = {o["certificate_number"]: o["name"] for o in arrival.content["officers"]}
        signed = {n.strip() for n in signed_by if n and n.strip()}
        strangers = sorted(signed - set(present))
        if strangers:
            raise _refuse(
                f"执法证{'、'.join(strangers)}未记录为在场人员，不能签名",
                "not_present",
                "signed_by",
            )
        missing = [
            f"{name}（{number}）" for number, name in present.items() if number not in signed
        ]
        if missing:
            raise _refuse(
                f"执法人员签名缺失：{'、'.join(missing)}", "signature_missing", "signed_by"
            )
        return {"officers": [{"certificate_number": n, "name": present[n]} for n in present]}

    return _stage(
        write=StageWrite(
            actor=actor,
            inspection=inspection,
            stage=_OFFICER_SIGNATURES_STAGE,
            idempotency_key=idempotency_key,
            corrects=corrects,
            reason=reason,
            place=place,
            occurred_at=occurred_at,
        ),
        build=build,
    )


@transaction.atomic
def submit_for_review(
    *,
    actor,
    inspection: Inspection,
    idempotency_key=None,
    late_reason: str = "",
    occurred_at: datetime | None = None,
) -> InspectionRecord:
    """The team hands the complete record to the lead department for review: within the
    inspection's window, or after it with the reason it is late (fieldwork/windows.py).
    `occurred_at` is when it was pressed (a draft kept on a phone offline)."""
    late_reason = strip_invisible(late_reason or "", multiline=True).strip()

    def build(inspection):
        missing = missing_for_submission(inspection)
        if missing:
            raise ValidationError(
                {"non_field_errors": [f"还不能提交审核：{m}" for m in missing]},
                code="incomplete",
            )
        day = timezone.localdate(occurred_at) if occurred_at else timezone.localdate()
        refusal = windows.submission_refusal(inspection, day=day, late_reason=late_reason)
        if refusal is not None:
            raise refusal
        result = latest(inspection, K.RESULT)
        late = {"late_reason": late_reason} if day > inspection.window_end else {}
        return {"result_sequence": result.sequence, "codes": result.content["codes"], **late}

    return _stage(
        write=StageWrite(
            actor=actor,
            inspection=inspection,
            stage=_SUBMITTED_STAGE,
            idempotency_key=idempotency_key,
            occurred_at=occurred_at,
        ),
        build=build,
    )


@transaction.atomic
def review_result(
    *, actor, inspection: Inspection, agree: bool, opinion: str = "", idempotency_key=None
) -> InspectionRecord:
    """同意 makes the result final; 不同意 (with an opinion) returns it to the team.

    When every inspection of the task is reviewed, the task moves to 检查结果已审核.
    """
    inspection = lock_inspection(inspection)
    found = existing_submission(inspection, K.REVIEW, idempotency_key)
    if found is not None:
        return found
    require_result_reviewer(actor, inspection)
    _require_state(inspection, [S.SUBMITTED], "审核")
    opinion = (opinion or "").strip()
    if not agree and not opinion:
        raise _refuse("不同意的须填写审核意见", "opinion_required", "opinion")
    result = latest(inspection, K.RESULT)
    record = append_record(
        actor=actor,
        inspection=inspection,
        kind=K.REVIEW,
        content={
            "decision": "agree" if agree else "disagree",
            "decision_label": "同意" if agree else "不同意",
            "opinion": opinion,
            "result_sequence": result.sequence,
            "codes": result.content["codes"],
        },
        idempotency_key=idempotency_key,
    )
    if agree:
        inspection.state = S.REVIEWED
        inspection.reviewed_at = record.recorded_at
        inspection.reviewed_by = actor
        inspection.full_clean()
        inspection.save(update_fields=["state", "reviewed_at", "reviewed_by", "updated_at"])
    else:
        _set_state(inspection, S.RETURNED)
    record_event(
        action=FieldworkAction.REVIEW,
        actor=actor,
        obj=record,
        detail={"inspection": inspection.code, "decision": record.content["decision"]},
    )
    task = inspection.task
    if (
        agree
        and task.status == TaskStatus.IN_PROGRESS
        and not transition_blockers(task, TaskStatus.RESULTS_REVIEWED)
    ):
        # The reviewer is not the task's planner: the move is the system's, and says why.
        transition_task(
            actor=None, task=task, to=TaskStatus.RESULTS_REVIEWED, reason="全部检查结果已审核"
        )
    return record

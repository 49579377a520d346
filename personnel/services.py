"""Writes on officers, certificates, exams, training, experts and conflicts of interest.

Each service checks that the actor manages the department (a department administrator of that
department; `actor=None` is the system itself: demo data, imports run from the command line),
validates, saves, and appends one audit event last. Audit details name officers by pk and name,
never by citizen ID number or phone.
"""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from backend.accounts.models import User
from backend.accounts.roles import Role
from backend.audit.services import record_event
from backend.codes import CodeError, check_citizen_id, check_uscc, gender_from_citizen_id
from personnel.models import (
    ON_ROSTER,
    Certificate,
    CertificateAction,
    CertificateEvent,
    CertificateStatus,
    ConflictOfInterest,
    ConflictSource,
    Department,
    EnforcementField,
    Expert,
    Officer,
    OfficerStatus,
    QualificationExam,
    RecusalDecision,
    RecusalRequest,
    TrainingRecord,
)

# --------------------------------------------------------------------------- who may write


def ensure_manages(actor: User | None, department: Department) -> None:
    """Only a department administrator manages a department's personnel, and only their own."""
    if actor is None:
        return
    if not (actor.has_role(Role.DEPARTMENT_ADMIN) and actor.department_id == department.pk):
        raise PermissionDenied("只能由本部门的部门管理员管理本部门的执法人员")


def _officer_detail(officer: Officer, **extra) -> dict:
    # Name and department only: the ID number and phone never enter the audit trail.
    return {
        "officer": officer.pk,
        "name": officer.name,
        "department": officer.department.code,
        **extra,
    }


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写理由"}, code="reason_required")
    return reason


# --------------------------------------------------------------------------- officers


def _normalised_citizen_id(value: str) -> str:
    try:
        return check_citizen_id(value)
    except CodeError as error:
        raise ValidationError({"citizen_id": error.message}, code=error.code) from None


def _normalised_uscc(value: str) -> str:
    try:
        return check_uscc(value)
    except CodeError as error:
        raise ValidationError({"firm_uscc": error.message}, code=error.code) from None


def _ensure_citizen_id_is_free(citizen_id: str, *, exclude_pk: int | None = None) -> None:
    # Checked here for a clear message; the unique constraint is the guarantee. The message
    # does not say in which department the number is registered.
    taken = Officer.objects.filter(citizen_id=citizen_id).exclude(pk=exclude_pk).exists()
    if taken:
        raise ValidationError(
            {"citizen_id": "该公民身份号码已登记为执法人员"}, code="citizen_id_taken"
        )


def _normalised_expertise(value: str) -> str:
    # People type tags separated by 、 , ， ; or spaces; store them one way.
    for separator in (",", "，", ";", "；", " ", "　"):
        value = value.replace(separator, "、")
    return "、".join(tag for tag in (t.strip() for t in value.split("、")) if tag)


@transaction.atomic
def create_officer(
    *,
    actor: User | None,
    department: Department,
    name: str,
    citizen_id: str,
    category: str,
    gender: str = "",
    phone: str = "",
    position: str = "",
    expertise: str = "",
    jurisdiction_area: str = "",
    status: str = OfficerStatus.ON_DUTY,
    user: User | None = None,
) -> Officer:
    """Add someone to the officer directory. The gender defaults to the one the ID encodes."""
    ensure_manages(actor, department)
    citizen_id = _normalised_citizen_id(citizen_id)
    _ensure_citizen_id_is_free(citizen_id)
    officer = Officer(
        department=department,
        name=name.strip(),
        citizen_id=citizen_id,
        gender=gender or gender_from_citizen_id(citizen_id),
        phone=phone.strip(),
        position=position.strip(),
        category=category,
        expertise=_normalised_expertise(expertise),
        jurisdiction_area=jurisdiction_area.strip(),
        status=status,
        user=user,
    )
    officer.full_clean()
    officer.save(force_insert=True)
    record_event(
        action="personnel.officer.create",
        actor=actor,
        obj=officer,
        detail=_officer_detail(officer, category=officer.category, status=officer.status),
    )
    return officer


# The fields a department administrator may change. The department is not among them: an
# officer who moves to another department is 调离 here and registered there by the system
# administrator, who moves the record (the ID number is unique across the installation).
OFFICER_EDITABLE_FIELDS = frozenset(
    {
        "name",
        "citizen_id",
        "gender",
        "phone",
        "position",
        "category",
        "expertise",
        "jurisdiction_area",
        "status",
        "user",
    }
)


@transaction.atomic
def update_officer(*, actor: User | None, officer: Officer, **changes) -> Officer:
    """Change some of an officer's fields (see OFFICER_EDITABLE_FIELDS)."""
    unknown = set(changes) - OFFICER_EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    officer = Officer.objects.select_for_update().select_related("department").get(pk=officer.pk)
    ensure_manages(actor, officer.department)
    if "citizen_id" in changes:
        changes["citizen_id"] = _normalised_citizen_id(changes["citizen_id"])
        _ensure_citizen_id_is_free(changes["citizen_id"], exclude_pk=officer.pk)
        # A corrected number carries its own gender, unless the gender is corrected too.
        if not changes.get("gender"):
            changes["gender"] = gender_from_citizen_id(changes["citizen_id"])
    if "expertise" in changes:
        changes["expertise"] = _normalised_expertise(changes["expertise"])
    for key in ("name", "phone", "position", "jurisdiction_area"):
        if key in changes:
            changes[key] = changes[key].strip()
    changed = [key for key, value in changes.items() if getattr(officer, key) != value]
    if not changed:
        return officer
    status_before = officer.status
    for key in changed:
        setattr(officer, key, changes[key])
    officer.full_clean()
    officer.save(update_fields=[*changed, "updated_at"])
    extra = {"fields": sorted(changed)}
    if "status" in changed:
        extra["status"] = [status_before, officer.status]
    record_event(
        action="personnel.officer.update",
        actor=actor,
        obj=officer,
        detail=_officer_detail(officer, **extra),
    )
    return officer


@transaction.atomic
def update_training_policy(
    *, actor: User | None, department: Department, min_hours: Decimal, required: bool
) -> Department:
    """Set a department's annual training minimum and whether the draw enforces it."""
    ensure_manages(actor, department)
    department = Department.objects.select_for_update().get(pk=department.pk)
    department.training_min_hours = min_hours
    department.training_required = required
    department.full_clean()
    department.save(update_fields=["training_min_hours", "training_required"])
    record_event(
        action="personnel.department.training_policy",
        actor=actor,
        obj=department,
        detail={"min_hours": str(min_hours), "required": required},
    )
    return department


# --------------------------------------------------------------------------- certificates


def _append_event(
    *, certificate: Certificate, action: str, reason: str, status_before: str, actor
) -> CertificateEvent:
    event = CertificateEvent(
        certificate=certificate,
        action=action,
        reason=reason,
        valid_from=certificate.valid_from,
        valid_to=certificate.valid_to,
        status_before=status_before,
        status_after=certificate.status,
        actor=actor,
    )
    event.full_clean()
    event.save(force_insert=True)
    return event


def _certificate_detail(certificate: Certificate, event: CertificateEvent, **extra) -> dict:
    return {
        "number": certificate.number,
        "officer": certificate.officer_id,
        "name": certificate.officer.name,
        "status": [event.status_before, event.status_after],
        "valid_to": certificate.valid_to.isoformat(),
        "reason": event.reason,
        **extra,
    }


@transaction.atomic
def issue_certificate(
    *,
    actor: User | None,
    officer: Officer,
    number: str,
    kind: str,
    issuing_authority: str,
    enforcement_fields: Iterable[EnforcementField],
    valid_from: date,
    valid_to: date,
    reason: str,
) -> Certificate:
    """Record a newly issued certificate (发证), valid from `valid_from` to `valid_to`."""
    ensure_manages(actor, officer.department)
    reason = _require_reason(reason)
    fields = list(enforcement_fields)
    if not fields:
        raise ValidationError({"enforcement_fields": "请至少选择一个执法领域"}, code="no_field")
    if officer.status not in ON_ROSTER:
        raise ValidationError(
            f"{officer.name}已{officer.get_status_display()}，不能发放执法证", code="off_roster"
        )
    number = number.strip()
    if Certificate.objects.filter(number=number).exists():
        raise ValidationError({"number": "该证件编号已存在"}, code="number_taken")
    certificate = Certificate(
        officer=officer,
        number=number,
        kind=kind,
        issuing_authority=issuing_authority.strip(),
        valid_from=valid_from,
        valid_to=valid_to,
        status=CertificateStatus.VALID,
    )
    certificate.full_clean()
    certificate.save(force_insert=True)
    certificate.enforcement_fields.set(fields)
    event = _append_event(
        certificate=certificate,
        action=CertificateAction.ISSUE,
        reason=reason,
        status_before="",
        actor=actor,
    )
    record_event(
        action="personnel.certificate.issue",
        actor=actor,
        obj=certificate,
        detail=_certificate_detail(
            certificate, event, fields=sorted(field.code for field in fields)
        ),
    )
    return certificate


def _locked(certificate: Certificate) -> Certificate:
    # The row lock makes two simultaneous transitions queue, so each sees the other's result.
    return (
        Certificate.objects.select_for_update()
        .select_related("officer__department")
        .get(pk=certificate.pk)
    )


def _refuse(certificate: Certificate, what: str) -> ValidationError:
    return ValidationError(
        f"执法证{certificate.number}当前为“{certificate.get_status_display()}”，不能{what}",
        code="invalid_transition",
    )


def _transition(
    *,
    actor: User | None,
    certificate: Certificate,
    action: str,
    allowed_from: tuple[str, ...],
    to_status: str,
    reason: str,
    what: str,
) -> Certificate:
    certificate = _locked(certificate)
    ensure_manages(actor, certificate.officer.department)
    reason = _require_reason(reason)
    if certificate.status not in allowed_from:
        raise _refuse(certificate, what)
    status_before = certificate.status
    certificate.status = to_status
    certificate.full_clean()
    certificate.save(update_fields=["status"])
    event = _append_event(
        certificate=certificate,
        action=action,
        reason=reason,
        status_before=status_before,
        actor=actor,
    )
    record_event(
        action=f"personnel.certificate.{action}",
        actor=actor,
        obj=certificate,
        detail=_certificate_detail(certificate, event),
    )
    return certificate


@transaction.atomic
def renew_certificate(
    *, actor: User | None, certificate: Certificate, valid_to: date, reason: str
) -> Certificate:
    """Extend the validity (延续) to `valid_to`. Also renews an expired certificate; never a
    suspended or revoked one."""
    certificate = _locked(certificate)
    ensure_manages(actor, certificate.officer.department)
    reason = _require_reason(reason)
    if certificate.status != CertificateStatus.VALID:
        raise _refuse(certificate, "延续")
    if valid_to <= certificate.valid_to:
        raise ValidationError(
            {"valid_to": f"延续后的截止日期应晚于当前截止日期{certificate.valid_to:%Y-%m-%d}"},
            code="not_later",
        )
    previous_valid_to = certificate.valid_to
    certificate.valid_to = valid_to
    certificate.full_clean()
    certificate.save(update_fields=["valid_to"])
    event = _append_event(
        certificate=certificate,
        action=CertificateAction.RENEW,
        reason=reason,
        status_before=certificate.status,
        actor=actor,
    )
    record_event(
        action="personnel.certificate.renew",
        actor=actor,
        obj=certificate,
        detail=_certificate_detail(
            certificate, event, previous_valid_to=previous_valid_to.isoformat()
        ),
    )
    return certificate


@transaction.atomic
def suspend_certificate(
    *, actor: User | None, certificate: Certificate, reason: str
) -> Certificate:
    """Suspend (暂扣) a valid certificate, as a sanction; `restore_certificate` lifts it."""
    return _transition(
        actor=actor,
        certificate=certificate,
        action=CertificateAction.SUSPEND,
        allowed_from=(CertificateStatus.VALID,),
        to_status=CertificateStatus.SUSPENDED,
        reason=reason,
        what="暂扣",
    )


@transaction.atomic
def restore_certificate(
    *, actor: User | None, certificate: Certificate, reason: str
) -> Certificate:
    """Lift a suspension (恢复). A revoked certificate is never restored: issue a new one."""
    return _transition(
        actor=actor,
        certificate=certificate,
        action=CertificateAction.RESTORE,
        allowed_from=(CertificateStatus.SUSPENDED,),
        to_status=CertificateStatus.VALID,
        reason=reason,
        what="恢复",
    )


@transaction.atomic
def revoke_certificate(*, actor: User | None, certificate: Certificate, reason: str) -> Certificate:
    """Revoke (撤销) a valid or suspended certificate, for good."""
    return _transition(
        actor=actor,
        certificate=certificate,
        action=CertificateAction.REVOKE,
        allowed_from=(CertificateStatus.VALID, CertificateStatus.SUSPENDED),
        to_status=CertificateStatus.REVOKED,
        reason=reason,
        what="撤销",
    )


# --------------------------------------------------------------------------- exams and training


@transaction.atomic
def record_exam(
    *,
    actor: User | None,
    officer: Officer,
    exam_date: date,
    score: Decimal,
    passed: bool,
    subjects: str = "通用法律知识、专门法律知识",
) -> QualificationExam:
    ensure_manages(actor, officer.department)
    exam = QualificationExam(
        officer=officer,
        exam_date=exam_date,
        subjects=subjects.strip(),
        score=score,
        passed=passed,
        recorded_by=actor,
    )
    exam.full_clean()
    exam.save(force_insert=True)
    record_event(
        action="personnel.exam.record",
        actor=actor,
        obj=exam,
        detail=_officer_detail(
            officer, exam_date=exam_date.isoformat(), score=str(score), passed=passed
        ),
    )
    return exam


@transaction.atomic
def record_training(
    *,
    actor: User | None,
    officer: Officer,
    training_date: date,
    hours: Decimal,
    topic: str,
    organiser: str = "",
) -> TrainingRecord:
    ensure_manages(actor, officer.department)
    training = TrainingRecord(
        officer=officer,
        training_date=training_date,
        hours=hours,
        topic=topic.strip(),
        organiser=organiser.strip(),
        recorded_by=actor,
    )
    training.full_clean()
    training.save(force_insert=True)
    record_event(
        action="personnel.training.record",
        actor=actor,
        obj=training,
        detail=_officer_detail(
            officer, training_date=training_date.isoformat(), hours=str(hours), topic=training.topic
        ),
    )
    return training


# --------------------------------------------------------------------------- experts


@transaction.atomic
def create_expert(
    *,
    actor: User | None,
    department: Department,
    name: str,
    field: str,
    organisation: str,
    title: str = "",
) -> Expert:
    ensure_manages(actor, department)
    expert = Expert(
        department=department,
        name=name.strip(),
        field=field.strip(),
        organisation=organisation.strip(),
        title=title.strip(),
    )
    expert.full_clean()
    expert.save(force_insert=True)
    record_event(
        action="personnel.expert.create",
        actor=actor,
        obj=expert,
        detail={"name": expert.name, "department": department.code, "field": expert.field},
    )
    return expert


# --------------------------------------------------------------------------- conflicts of interest


@transaction.atomic
def declare_conflict(
    *,
    actor: User | None,
    officer: Officer,
    firm_uscc: str,
    relation: str,
    source: str,
    valid_from: date,
    valid_to: date | None = None,
    firm_name: str = "",
    note: str = "",
) -> ConflictOfInterest:
    """Record an officer's interest in a firm, declared by the officer or found by review."""
    ensure_manages(actor, officer.department)
    if source == ConflictSource.PARTY_REQUEST:
        # A party's request carries the department head's decision: see decide_recusal_request.
        raise ValidationError(
            {"source": "当事人申请回避的，请录入回避申请及部门负责人的决定"},
            code="use_recusal_request",
        )
    conflict = ConflictOfInterest(
        officer=officer,
        firm_uscc=_normalised_uscc(firm_uscc),
        firm_name=firm_name.strip(),
        relation=relation,
        source=source,
        valid_from=valid_from,
        valid_to=valid_to,
        note=note.strip(),
        recorded_by=actor,
    )
    conflict.full_clean()
    conflict.save(force_insert=True)
    record_event(
        action="personnel.conflict.declare",
        actor=actor,
        obj=conflict,
        detail=_officer_detail(
            officer, firm_uscc=conflict.firm_uscc, relation=relation, source=source
        ),
    )
    return conflict


@transaction.atomic
def file_recusal_request(
    *,
    actor: User | None,
    officer: Officer,
    firm_uscc: str,
    firm_name: str,
    requested_on: date,
    grounds: str,
) -> RecusalRequest:
    """Record a party's request that `officer` withdraw (当事人申请回避), pending a decision."""
    ensure_manages(actor, officer.department)
    recusal = RecusalRequest(
        officer=officer,
        firm_uscc=_normalised_uscc(firm_uscc),
        firm_name=firm_name.strip(),
        requested_on=requested_on,
        grounds=grounds.strip(),
        recorded_by=actor,
    )
    recusal.full_clean()
    recusal.save(force_insert=True)
    record_event(
        action="personnel.recusal.file",
        actor=actor,
        obj=recusal,
        detail=_officer_detail(officer, firm_uscc=recusal.firm_uscc),
    )
    return recusal


@transaction.atomic
def decide_recusal_request(
    *,
    actor: User | None,
    recusal: RecusalRequest,
    granted: bool,
    decided_by: str,
    decided_on: date,
    reason: str,
    relation: str = "other",
    valid_to: date | None = None,
) -> RecusalRequest:
    """Record the department head's decision. Granting it creates the conflict of interest
    (from the day of the request), so the draw will not send the officer to that firm."""
    recusal = (
        RecusalRequest.objects.select_for_update()
        .select_related("officer__department")
        .get(pk=recusal.pk)
    )
    ensure_manages(actor, recusal.officer.department)
    reason = _require_reason(reason)
    if recusal.decision != RecusalDecision.PENDING:
        raise ValidationError("该回避申请已作出决定，不能再次决定", code="already_decided")
    if not decided_by.strip():
        raise ValidationError({"decided_by": "请填写作出决定的部门负责人"}, code="head_required")
    if decided_on < recusal.requested_on:
        raise ValidationError({"decided_on": "决定日期不能早于申请日期"}, code="decided_before")
    if granted:
        conflict = ConflictOfInterest(
            officer=recusal.officer,
            firm_uscc=recusal.firm_uscc,
            firm_name=recusal.firm_name,
            relation=relation,
            source=ConflictSource.PARTY_REQUEST,
            valid_from=recusal.requested_on,
            valid_to=valid_to,
            note=reason,
            recorded_by=actor,
        )
        conflict.full_clean()
        conflict.save(force_insert=True)
        recusal.conflict = conflict
    recusal.decision = RecusalDecision.GRANTED if granted else RecusalDecision.REFUSED
    recusal.decided_by = decided_by.strip()
    recusal.decided_on = decided_on
    recusal.decision_reason = reason
    recusal.full_clean()
    recusal.save(
        update_fields=["decision", "decided_by", "decided_on", "decision_reason", "conflict"]
    )
    record_event(
        action="personnel.recusal.decide",
        actor=actor,
        obj=recusal,
        detail=_officer_detail(
            recusal.officer,
            firm_uscc=recusal.firm_uscc,
            decision=recusal.decision,
            decided_by=recusal.decided_by,
            conflict=recusal.conflict_id,
        ),
    )
    return recusal

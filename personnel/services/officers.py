"""Officers, their department's training policy, exams, training and the expert pool."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from backend.accounts.models import User
from backend.audit.services import record_event
from backend.codes import CodeError, check_citizen_id, gender_from_citizen_id
from backend.organisation.models import Department, EntrustedOrganisation
from personnel.access import ensure_manages
from personnel.actions import PersonnelAction, officer_audit_detail
from personnel.checks import normalised_expertise
from personnel.models import (
    Expert,
    Officer,
    OfficerStatus,
    QualificationExam,
    TrainingRecord,
)


def _normalised_citizen_id(value: str) -> str:
    try:
        return check_citizen_id(value)
    except CodeError as error:
        raise ValidationError({"citizen_id": error.message}, code=error.code) from None


def _ensure_citizen_id_is_free(citizen_id: str, *, exclude_pk: int | None = None) -> None:
    # Checked here for a clear message; the unique constraint is the guarantee. The message
    # does not say in which department the number is registered.
    taken = Officer.objects.filter(citizen_id=citizen_id).exclude(pk=exclude_pk).exists()
    if taken:
        raise ValidationError(
            {"citizen_id": "该公民身份号码已登记为执法人员"}, code="citizen_id_taken"
        )


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
    entrusted_organisation: EntrustedOrganisation | None = None,
) -> Officer:
    """Add someone to the officer directory. The gender defaults to the one the ID encodes;
    `entrusted_organisation`, one of the department's 受委托组织, when they belong to it."""
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
        expertise=normalised_expertise(expertise),
        jurisdiction_area=jurisdiction_area.strip(),
        status=status,
        user=user,
        entrusted_organisation=entrusted_organisation,
    )
    officer.full_clean()
    officer.save(force_insert=True)
    extra = {"category": officer.category, "status": officer.status}
    if entrusted_organisation is not None:
        extra["entrusted_organisation"] = _entrustment(entrusted_organisation)
    record_event(
        action=PersonnelAction.OFFICER_CREATE,
        actor=actor,
        obj=officer,
        detail=officer_audit_detail(officer, **extra),
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
        "entrusted_organisation",
    }
)


def _entrustment(organisation: EntrustedOrganisation | None) -> str:
    """An entrusted organisation as the audit trail names it (its 委托书, not a pk alone)."""
    return str(organisation) if organisation is not None else ""


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
    # A corrected number carries its own gender, unless the gender is given too; an empty
    # gender means "as the number says", as on creation.
    if ("citizen_id" in changes or "gender" in changes) and not changes.get("gender"):
        changes["gender"] = gender_from_citizen_id(changes.get("citizen_id", officer.citizen_id))
    if "expertise" in changes:
        changes["expertise"] = normalised_expertise(changes["expertise"])
    for key in ("name", "phone", "position", "jurisdiction_area"):
        if key in changes:
            changes[key] = changes[key].strip()
    changed = [key for key, value in changes.items() if getattr(officer, key) != value]
    if not changed:
        return officer
    status_before = officer.status
    organisation_before = officer.entrusted_organisation
    for key in changed:
        setattr(officer, key, changes[key])
    officer.full_clean()
    officer.save(update_fields=[*changed, "updated_at"])
    extra = {"fields": sorted(changed)}
    if "status" in changed:
        extra["status"] = [status_before, officer.status]
    if "entrusted_organisation" in changed:
        extra["entrusted_organisation"] = [
            _entrustment(organisation_before),
            _entrustment(officer.entrusted_organisation),
        ]
    record_event(
        action=PersonnelAction.OFFICER_UPDATE,
        actor=actor,
        obj=officer,
        detail=officer_audit_detail(officer, **extra),
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
        action=PersonnelAction.TRAINING_POLICY,
        actor=actor,
        obj=department,
        detail={"min_hours": str(min_hours), "required": required},
    )
    return department


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
        action=PersonnelAction.EXAM_RECORD,
        actor=actor,
        obj=exam,
        detail=officer_audit_detail(
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
        action=PersonnelAction.TRAINING_RECORD,
        actor=actor,
        obj=training,
        detail=officer_audit_detail(
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
        action=PersonnelAction.EXPERT_CREATE,
        actor=actor,
        obj=expert,
        detail={"name": expert.name, "department": department.code, "field": expert.field},
    )
    return expert

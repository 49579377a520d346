"""Opening a task's inspections, and keeping each team in step with the teams draws."""

from django.core.exceptions import ValidationError
from django.db import transaction

from backend.audit.services import record_event
from backend.organisation.models import Department
from fieldwork.actions import FieldworkAction
from fieldwork.models import Inspection, InspectionMember
from inspections.directory.models import Firm
from inspections.draws.teams import Seat, effective_teams
from inspections.planning.checks import entrustment_refusals, task_versions
from inspections.planning.models import InspectionType, SamplingTask, TaskStatus
from inspections.planning.services.task_transitions import transition_task
from personnel.models import Certificate


def _inspection_code(task: SamplingTask, number: int) -> str:
    return f"{task.code}-{number:03d}"


def _members(inspection: Inspection, seats: list[Seat]) -> list[InspectionMember]:
    numbers = [seat.certificate_number for seat in seats]
    certificates = {
        c.number: c
        for c in Certificate.objects.filter(number__in=numbers).select_related("officer")
    }
    departments = {
        d.code: d for d in Department.objects.filter(code__in={s.department_code for s in seats})
    }
    members = []
    for seat in seats:
        certificate = certificates.get(seat.certificate_number)
        if certificate is None:
            raise ValidationError(
                {
                    "non_field_errors": f"抽取结果中的执法证{seat.certificate_number}"
                    "在人员库中不存在"
                },
                code="unknown_certificate",
            )
        members.append(
            InspectionMember(
                inspection=inspection,
                department=departments[seat.department_code],
                seat=seat.seat,
                officer=certificate.officer,
                certificate_number=seat.certificate_number,
                draw_public_id=seat.draw_public_id,
            )
        )
    return members


@transaction.atomic
def start_fieldwork(*, actor, task: SamplingTask) -> list[Inspection]:
    """Teams drawn → in progress: one inspection per drawn firm, with its drawn team.

    Registered as the task's start handler (`FieldworkConfig.ready`): `start_task`, and so the
    task API's start action, comes here.
    """
    task = transition_task(actor=actor, task=task, to=TaskStatus.IN_PROGRESS)
    if task.inspection_type == InspectionType.CASE:
        return _start_case(actor=actor, task=task)
    teams = effective_teams(task)
    if not teams:
        raise ValidationError(
            {"non_field_errors": f"抽查任务{task.code}没有已完成的检查人员抽取"}, code="no_teams"
        )
    firms = {f.uscc: f for f in Firm.objects.filter(uscc__in=teams)}
    draw_ids = sorted({seat.draw_public_id for seats in teams.values() for seat in seats})
    inspections = []
    for number, uscc in enumerate(sorted(teams), start=1):
        firm = firms[uscc]
        inspection = Inspection(
            code=_inspection_code(task, number),
            task=task,
            firm=firm,
            firm_uscc=firm.uscc,
            firm_name=firm.name,
            window_start=task.window_start,
            window_end=task.window_end,
            team_draws=draw_ids,
            inspection_type=task.inspection_type,
        )
        inspection.full_clean()
        inspection.save()
        InspectionMember.objects.bulk_create(_members(inspection, teams[uscc]))
        inspections.append(inspection)
    record_event(
        action=FieldworkAction.START,
        actor=actor,
        obj=task,
        detail={"task": task.code, "inspections": [i.code for i in inspections]},
    )
    return inspections


def _start_case(*, actor, task: SamplingTask) -> list[Inspection]:
    """A 个案: one inspection of the named firm, by the named officers; nothing is drawn. Like
    every inspection it waits for the head's approval before its first stage."""
    firm = task.case_firm
    inspection = Inspection(
        code=_inspection_code(task, 1),
        task=task,
        firm=firm,
        firm_uscc=firm.uscc,
        firm_name=firm.name,
        window_start=task.window_start,
        window_end=task.window_end,
        inspection_type=task.inspection_type,
    )
    certificates = list(
        Certificate.objects.filter(number__in=task.case_officers)
        .select_related("officer", "officer__department")
        .order_by("number")
    )
    # Checked when the task was opened, and again now: a 委托 may have been ended early since.
    refusals = entrustment_refusals(
        [c.officer for c in certificates],
        task_versions(task),
        task.window_start,
        task.window_end,
    )
    if refusals:
        raise ValidationError(
            {"non_field_errors": f"受委托组织人员不能参加本次检查：{'；'.join(refusals)}"},
            code="entrustment_not_valid",
        )
    inspection.full_clean()
    inspection.save()
    seats: dict[int, int] = {}
    members = []
    for certificate in certificates:
        department = certificate.officer.department
        seats[department.pk] = seats.get(department.pk, 0) + 1
        members.append(
            InspectionMember(
                inspection=inspection,
                department=department,
                seat=seats[department.pk],
                officer=certificate.officer,
                certificate_number=certificate.number,
                draw_public_id="",
            )
        )
    InspectionMember.objects.bulk_create(members)
    record_event(
        action=FieldworkAction.START,
        actor=actor,
        obj=task,
        detail={"task": task.code, "inspections": [inspection.code], "basis": task.basis},
    )
    return [inspection]


@transaction.atomic
def sync_teams(*, task: SamplingTask) -> int:
    """Apply performed replacement draws (递补) to the teams of the task's open inspections.

    Returns how many inspections changed. Called when the team matters (listing an inspector's
    inspections, appending a record), so a replacement shows at once.
    """
    if task.status != TaskStatus.IN_PROGRESS:
        return 0
    teams = effective_teams(task)
    draw_ids = sorted({seat.draw_public_id for seats in teams.values() for seat in seats})
    changed = 0
    for inspection in task.inspections.select_for_update():
        if inspection.team_draws == draw_ids:
            continue
        before = sorted(inspection.members.values_list("certificate_number", flat=True))
        inspection.members.all().delete()
        InspectionMember.objects.bulk_create(
            _members(inspection, teams.get(inspection.firm_uscc, []))
        )
        inspection.team_draws = draw_ids
        inspection.save(update_fields=["team_draws", "updated_at"])
        after = sorted(inspection.members.values_list("certificate_number", flat=True))
        record_event(
            action=FieldworkAction.TEAM_REPLACED,
            obj=inspection,
            detail={"inspection": inspection.code, "before": before, "after": after},
        )
        changed += 1
    return changed

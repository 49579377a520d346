"""Demo draws: T-2021-007's firms draw (6 employers) and teams draw, announced and performed,
so that a newcomer finds a verifiable draw on /public/draws/ at once. Idempotent: each step is
taken only if the task has not passed it."""

from django.db import transaction

from demo.accounts import account
from demo.plans import JOINT_TASK
from inspections.draws.models import DrawPurpose, DrawStatus
from inspections.draws.services.draws import announce_firms_draw, announce_teams_draw, perform_draw
from inspections.planning.models import SamplingTask, TaskStatus

# What the two witnesses announced for the demo enter at the ceremony.
WITNESS_VALUES = {
    DrawPurpose.FIRMS: ["20210601-318", "长春企业代表-7"],
    DrawPurpose.TEAMS: ["20210603-205", "长春企业代表-2"],
}


def _perform_pending(task: SamplingTask, purpose: str, actor, created: dict[str, int]) -> None:
    draw = task.draws.filter(purpose=purpose, status=DrawStatus.ANNOUNCED).first()
    if draw is not None:
        perform_draw(actor=actor, draw=draw, witness_values=WITNESS_VALUES[purpose])
        created["已进行的抽取"] += 1


@transaction.atomic
def seed_draws() -> dict[str, int]:
    created = {"公告的抽取": 0, "已进行的抽取": 0}
    task = SamplingTask.objects.filter(code=JOINT_TASK).first()
    planner = account("kj_planner")
    if task is None or planner is None:
        return created
    if task.status == TaskStatus.DRAFT:
        announce_firms_draw(actor=planner, task=task)
        created["公告的抽取"] += 1
    _perform_pending(task, DrawPurpose.FIRMS, planner, created)
    task.refresh_from_db()
    if task.status == TaskStatus.FIRMS_DRAWN:
        announce_teams_draw(actor=planner, task=task)
        created["公告的抽取"] += 1
    _perform_pending(task, DrawPurpose.TEAMS, planner, created)
    return created

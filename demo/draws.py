"""Demo draws: each joint task's firms draw and teams draw, announced and performed on their days
of the story (`demo.clock`), so that each is numbered in the year it was held (D-<year>-NNNN) and
a newcomer finds verifiable draws on /public/draws/ at once: last year's, T-<last year>-007 (6
employers), on 1 and 3 June of last year; this year's, T-<this year>-007, a few days before its
window opened. Idempotent: each step is taken only if the task has not passed it."""

from datetime import date, timedelta

from django.db import transaction

from demo import clock
from demo.accounts import account
from demo.plans import current_draw_day, current_task_code, joint_task_code
from inspections.draws.models import DrawPurpose, DrawStatus
from inspections.draws.services.draws import announce_firms_draw, announce_teams_draw, perform_draw
from inspections.planning.models import SamplingTask, TaskStatus


def witness_values(purpose: str, day: date) -> list[str]:
    """What the two witnesses announced for the demo enter at the ceremony."""
    if purpose == DrawPurpose.FIRMS:
        return [f"{day:%Y%m%d}-318", "长春企业代表-7"]
    return [f"{day:%Y%m%d}-205", "长春企业代表-2"]


def _perform_pending(task: SamplingTask, purpose: str, actor, day: date, created) -> None:
    draw = task.draws.filter(purpose=purpose, status=DrawStatus.ANNOUNCED).first()
    if draw is not None:
        with clock.on(day, 10):
            perform_draw(actor=actor, draw=draw, witness_values=witness_values(purpose, day))
        created["已进行的抽取"] += 1


def draw_task(code: str, firms_day: date, teams_day: date, created: dict[str, int]) -> None:
    """Announce and perform the task's firms draw on `firms_day`, its teams draw on
    `teams_day`."""
    task = SamplingTask.objects.filter(code=code).first()
    planner = account("kj_planner")
    if task is None or planner is None:
        return
    if task.status == TaskStatus.DRAFT:
        with clock.on(firms_day, 9):
            announce_firms_draw(actor=planner, task=task)
        created["公告的抽取"] += 1
    _perform_pending(task, DrawPurpose.FIRMS, planner, firms_day, created)
    task.refresh_from_db()
    if task.status == TaskStatus.FIRMS_DRAWN:
        with clock.on(teams_day, 9):
            announce_teams_draw(actor=planner, task=task)
        created["公告的抽取"] += 1
    _perform_pending(task, DrawPurpose.TEAMS, planner, teams_day, created)


@transaction.atomic
def seed_draws() -> dict[str, int]:
    """Last year's joint task's draws, on 1 and 3 June of last year."""
    created = {"公告的抽取": 0, "已进行的抽取": 0}
    year = clock.last_year()
    draw_task(joint_task_code(), date(year, 6, 1), date(year, 6, 3), created)
    return created


@transaction.atomic
def seed_current_draws() -> dict[str, int]:
    """This year's joint task's draws, four and three days before its window opens."""
    created = {"公告的抽取": 0, "已进行的抽取": 0}
    day = current_draw_day()
    draw_task(current_task_code(), day, day + timedelta(days=1), created)
    return created

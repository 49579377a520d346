"""Reads of a task's draws: the strata a new firms draw deals, a task's firms pool, the firms
result a teams draw staffs, and what other steps ask for through a hook."""

import secrets

from django.core.exceptions import ValidationError

from inspections.directory.models import RiskClass
from inspections.draws import dr1, draw_files
from inspections.draws.models import Draw, DrawPurpose, DrawStatus
from inspections.draws.teams import firms_awaiting_team
from inspections.planning.models import SamplingTask

# The published names of a firms draw's strata, dealt to the risk classes at random per draw.
STRATUM_LABELS = ("S1", "S2", "S3", "S4")


def new_strata() -> dict[str, str]:
    """Risk class → stratum label for a new firms draw: the pool and result files show the label,
    which says nothing of the class (internal, never published as a rating)."""
    labels = list(STRATUM_LABELS)
    secrets.SystemRandom().shuffle(labels)
    return dict(zip(RiskClass.values, labels, strict=True))


def firms_pool(task: SamplingTask, labels: dict[str, str] | None = None) -> list[dr1.PoolRow]:
    """The task's scope as DR-1 pool rows, sorted by key: key = 统一社会信用代码, stratum = the
    label of its risk class in `labels` (the class without), and the reason code of each firm in
    scope that may not be drawn."""
    return dr1.parse_pool(draw_files.firms_pool_file(task, labels)[0])


def performed_draw(task: SamplingTask, purpose: str) -> Draw:
    """The task's whole performed draw of that purpose (not a partial replacement); refused
    (a ValidationError) when the task has none."""
    draw = task.draws.filter(purpose=purpose, status=DrawStatus.PERFORMED, replaced_firm="").first()
    if draw is None:
        raise ValidationError(
            {"non_field_errors": f"抽查任务{task.code}尚未完成检查对象抽取"},
            code="firms_not_drawn",
        )
    return draw


def firms_result_for(draw: Draw) -> bytes:
    """The firms result file a teams draw is for (bound by its `firms_result_sha256`)."""
    if draw.firms_result is not None:
        return bytes(draw.firms_result)
    # Teams draws announced before the file was stored with them: the task's firms draw.
    return bytes(performed_draw(draw.task, DrawPurpose.FIRMS).result)


def start_blockers(task: SamplingTask) -> list[tuple[str, str]]:
    """(code, message) for each draw left half done, which keeps the task from starting: once
    the inspections are open, a firm replacement (and the team for it) can no longer be drawn.
    Registered with planning's `start_task` checks (InspectionsConfig.ready())."""
    blockers = []
    for pending in task.draws.select_related("replaces").filter(status=DrawStatus.ANNOUNCED):
        what = f"{pending.get_purpose_display()}抽取{pending.public_id}"
        if pending.replaces is not None:
            what = f"递补{what}（替代{pending.replaces.public_id}）"
        blockers.append(
            (
                "draw_pending",
                f"{what}已公告、尚未进行，请先进行或作废该抽取，再开始实施抽查任务{task.code}",
            )
        )
    for draw in firms_awaiting_team(task):
        blockers.append(
            (
                "replacement_team_pending",
                f"递补抽取{draw.public_id}抽中的检查对象尚未抽取检查人员，"
                f"请先为其抽取检查人员，再开始实施抽查任务{task.code}",
            )
        )
    return blockers

"""Reads of a task's draws that other steps ask for through a hook."""

from inspections.draws.models import DrawStatus
from inspections.draws.teams import firms_awaiting_team
from inspections.planning.models import SamplingTask


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

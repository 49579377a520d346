"""Who inspects which firm: the seats of a task's performed teams draw, with its 递补 applied.

The draws' result files (draw-spec.md) are the only source. The task's whole firms draw names the
firms; a performed firm replacement takes an out-of-scope firm's place. The whole teams draw
seats the officers; a performed officer replacement puts its officer on the recused officer's
seat, and the teams draw for a replacement firm staffs that firm. Everything that needs "the
team of firm X" (the notice list, the fieldwork app) reads it here, so that a replacement shows
everywhere at once. `firms_awaiting_team` names the firm replacements still without a team,
which hold the task's start.
"""

from dataclasses import dataclass

from inspections.draws import dr1
from inspections.draws.models import Draw, DrawPurpose, DrawStatus
from inspections.planning.models import SamplingTask


@dataclass(frozen=True)
class Seat:
    firm_uscc: str
    department_code: str
    seat: int
    certificate_number: str
    draw_public_id: str


@dataclass(frozen=True)
class DrawnFirm:
    uscc: str
    stratum: str  # as the draw's files publish it: a label, not the risk class
    rank: int
    draw_public_id: str
    risk_class: str  # internal


def _performed(task: SamplingTask, purpose: str) -> list[Draw]:
    # The whole draw is performed before any partial replacement of it, and replacements apply
    # in the order they were performed.
    return list(
        task.draws.filter(purpose=purpose, status=DrawStatus.PERFORMED).order_by(
            "performed_at", "pk"
        )
    )


def effective_firms(task: SamplingTask) -> list[DrawnFirm]:
    """The firms to inspect, in the firms draw's order; a replacement takes its firm's place."""
    firms: list[DrawnFirm] = []
    for draw in _performed(task, DrawPurpose.FIRMS):
        picks = [
            DrawnFirm(p.key, p.stratum, p.rank, draw.public_id, draw.risk_class_of(p.stratum))
            for p in dr1.parse_firms_result(bytes(draw.result))
        ]
        if not draw.is_partial:
            firms = picks
            continue
        at = next((i for i, f in enumerate(firms) if f.uscc == draw.replaced_firm), len(firms))
        firms[at : at + 1] = picks
    return firms


def effective_teams(task: SamplingTask) -> dict[str, list[Seat]]:
    """Firm 统一社会信用代码 → its seats, ordered by department code then seat number.

    Empty when the task has no performed teams draw. A firm replaced by a firm replacement has
    no seats; its replacement has seats once the teams draw for it is performed.
    """
    teams: dict[str, dict[tuple[str, int], Seat]] = {}
    for draw in _performed(task, DrawPurpose.TEAMS):
        rows = dr1.parse_teams_result(bytes(draw.result))
        if draw.replaced_officer:
            team = teams.setdefault(draw.replaced_firm, {})
            freed = sorted(
                key
                for key, seat in team.items()
                if seat.certificate_number == draw.replaced_officer
            )
            for key in freed:
                del team[key]
            for row in rows:
                # The replacement sits on the recused officer's seat.
                same = [key for key in freed if key[0] == row.department]
                if same:
                    key = same[0]
                    freed.remove(key)
                else:
                    taken = [n for d, n in team if d == row.department]
                    key = (row.department, max(taken, default=0) + 1)
                team[key] = _seat(row, key, draw)
            continue
        if draw.is_partial:  # the team of a replacement firm replaces the old firm's team
            teams.pop(draw.replaced_firm, None)
        for row in rows:
            key = (row.department, row.seat)
            teams.setdefault(row.firm, {})[key] = _seat(row, key, draw)
    drawn = {firm.uscc for firm in effective_firms(task)}
    return {
        firm: [team[key] for key in sorted(team)]
        for firm, team in sorted(teams.items())
        if firm in drawn and team
    }


def _seat(row: dr1.TeamSeat, key: tuple[str, int], draw: Draw) -> Seat:
    return Seat(
        firm_uscc=row.firm,
        department_code=key[0],
        seat=key[1],
        certificate_number=row.officer,
        draw_public_id=draw.public_id,
    )


def firms_awaiting_team(task: SamplingTask) -> list[Draw]:
    """Performed firm replacements whose firm has no teams draw yet (announced or performed)."""
    staffed = set(
        task.draws.filter(
            purpose=DrawPurpose.TEAMS,
            status__in=[DrawStatus.ANNOUNCED, DrawStatus.PERFORMED],
            replaced_officer="",
        )
        .exclude(replaced_firm="")
        .values_list("replaced_firm", flat=True)
    )
    return [
        draw
        for draw in task.draws.filter(
            purpose=DrawPurpose.FIRMS, status=DrawStatus.PERFORMED
        ).exclude(replaced_firm="")
        if draw.replaced_firm not in staffed
    ]

"""Who inspects which firm: the seats of a task's performed teams draw.

The teams draw's result file (draw-spec.md) is the only source; later replacement draws (递补)
replace single seats. Everything that needs "the team of firm X" (the notice list, the fieldwork
app) reads it here, so that a replacement shows everywhere at once.
"""

from dataclasses import dataclass

from inspections import dr1
from inspections.models import DrawPurpose, DrawStatus, SamplingTask


@dataclass(frozen=True)
class Seat:
    firm_uscc: str
    department_code: str
    seat: int
    certificate_number: str
    draw_public_id: str


def effective_teams(task: SamplingTask) -> dict[str, list[Seat]]:
    """Firm 统一社会信用代码 → its seats, ordered by department code then seat number.

    Empty when the task has no performed teams draw.
    """
    draws = task.draws.filter(purpose=DrawPurpose.TEAMS, status=DrawStatus.PERFORMED).order_by(
        "performed_at", "pk"
    )
    seats: dict[tuple[str, str, int], Seat] = {}
    for draw in draws:
        for row in dr1.parse_teams_result(bytes(draw.result)):
            seats[(row.firm, row.department, row.seat)] = Seat(
                firm_uscc=row.firm,
                department_code=row.department,
                seat=row.seat,
                certificate_number=row.officer,
                draw_public_id=draw.public_id,
            )
    teams: dict[str, list[Seat]] = {}
    for key in sorted(seats):
        teams.setdefault(key[0], []).append(seats[key])
    return teams

"""The list for the 随机抽查通知书: one entry per drawn firm, with its team.

Firms and teams come from `inspections.draws.teams` (the draws with their 递补 applied). Firms are
legal persons, so their address may appear here; this list is internal (the planner prints or
exports it from the task page) and never public.
"""

from dataclasses import dataclass
from datetime import date

from backend.organisation.models import Department
from inspections.directory.models import Firm, InspectionMethod
from inspections.draws.teams import effective_firms, effective_teams
from inspections.planning.models import SamplingTask
from personnel.models import Certificate


@dataclass(frozen=True)
class NoticeMember:
    department: str
    seat: int
    name: str
    certificate_number: str


@dataclass(frozen=True)
class NoticeEntry:
    number: int
    uscc: str
    name: str
    address: str
    stratum: str
    items: list[str]
    methods: list[str]
    window_start: date
    window_end: date
    members: list[NoticeMember]
    draws: list[str]  # the public ids of the draws that chose the firm and its team


NOTICE_HEADERS = [
    "序号",
    "统一社会信用代码",
    "检查对象名称",
    "住所（经营场所）",
    "检查事项",
    "检查方式",
    "检查时间",
    "检查人员（部门 姓名 执法证号）",
    "抽取编号",
]


def notice_list(task: SamplingTask) -> list[NoticeEntry]:
    """The drawn firms in the firms draw's order, each with the task's items and its team."""
    return _entries(task, effective_firms(task))


def first_drawn(task: SamplingTask, *, shown: int) -> tuple[list[NoticeEntry], int]:
    """The first `shown` drawn firms as `notice_list` gives them, and how many were drawn: a
    page lists a province's draw of 450,000 firms by its first rows, not all of them."""
    firms = effective_firms(task)
    return _entries(task, firms[:shown]), len(firms)


def _entries(task: SamplingTask, firms: list) -> list[NoticeEntry]:
    teams = effective_teams(task)
    known = {f.uscc: f for f in Firm.objects.filter(uscc__in=[f.uscc for f in firms])}
    numbers = {seat.certificate_number for seats in teams.values() for seat in seats}
    officers = dict(
        Certificate.objects.filter(number__in=numbers).values_list("number", "officer__name")
    )
    departments = dict(Department.objects.values_list("code", "name"))
    versions = list(task.items.select_related("item").order_by("item__code"))
    items = [f"{v.item.code} {v.name}" for v in versions]
    method_labels = dict(InspectionMethod.choices)
    order = {value: i for i, value in enumerate(method_labels)}
    methods = sorted({m for v in versions for m in v.methods}, key=lambda m: order.get(m, 99))
    entries = []
    for number, drawn in enumerate(firms, start=1):
        firm = known.get(drawn.uscc)
        seats = teams.get(drawn.uscc, [])
        entries.append(
            NoticeEntry(
                number=number,
                uscc=drawn.uscc,
                name=firm.name if firm else "",
                address=firm.address if firm else "",
                stratum=drawn.stratum,
                items=items,
                methods=[str(method_labels.get(m, m)) for m in methods],
                window_start=task.window_start,
                window_end=task.window_end,
                members=[
                    NoticeMember(
                        department=departments.get(s.department_code, s.department_code),
                        seat=s.seat,
                        name=officers.get(s.certificate_number, ""),
                        certificate_number=s.certificate_number,
                    )
                    for s in seats
                ],
                draws=sorted({drawn.draw_public_id, *(s.draw_public_id for s in seats)}),
            )
        )
    return entries


def notice_rows(entries: list[NoticeEntry]):
    """The entries as spreadsheet rows under NOTICE_HEADERS."""
    for e in entries:
        yield [
            e.number,
            e.uscc,
            e.name,
            e.address,
            "\n".join(e.items),
            "、".join(e.methods),
            f"{e.window_start:%Y-%m-%d} 至 {e.window_end:%Y-%m-%d}",
            "\n".join(f"{m.department} {m.name} {m.certificate_number}" for m in e.members)
            or "（检查人员尚未抽取）",
            "、".join(e.draws),
        ]

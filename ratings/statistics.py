"""Statistics of issue 16 (item 5): the firms' verification of the 检查码, their ratings and the
complaints, for the supervisor (every figure) and, through `public_figures`, for the portal
(ratings only over groups of at least MIN_SHOWN)."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q

from fieldwork.models import Inspection, RecordKind
from ratings.models import Complaint, ComplaintOutcome, ComplaintState, Rating
from ratings.selectors import Aggregate, aggregates


@dataclass(frozen=True)
class CodeFigures:
    department: str
    inspections: int  # inspections that carry a 检查码
    verified: int  # of which the firm verified the code at least once
    scans: int

    @property
    def verified_share(self) -> float | None:
        return round(100 * self.verified / self.inspections, 1) if self.inspections else None

    @property
    def scans_per_inspection(self) -> float | None:
        return round(self.scans / self.inspections, 2) if self.inspections else None


@dataclass(frozen=True)
class ComplaintFigures:
    department: str
    total: int
    open: int
    overdue: int
    answered: int
    closed: int
    outcomes: dict[str, int]


def code_figures() -> list[CodeFigures]:
    """Per inspecting department, with a last row for all of them."""
    rows = (
        Inspection.objects.filter(inspection_code__isnull=False)
        .values("task__department__name")
        .annotate(
            inspections=Count("pk", distinct=True),
            verified=Count("pk", filter=Q(records__kind=RecordKind.CODE_SCAN), distinct=True),
            scans=Count("records", filter=Q(records__kind=RecordKind.CODE_SCAN)),
        )
        .order_by("task__department__name")
    )
    figures = [
        CodeFigures(r["task__department__name"], r["inspections"], r["verified"], r["scans"])
        for r in rows
    ]
    if figures:
        figures.append(
            CodeFigures(
                "合计",
                sum(f.inspections for f in figures),
                sum(f.verified for f in figures),
                sum(f.scans for f in figures),
            )
        )
    return figures


def complaint_figures(today: date) -> list[ComplaintFigures]:
    by_department: dict[str, list[Complaint]] = {}
    for complaint in Complaint.objects.select_related("department").order_by("department__name"):
        by_department.setdefault(complaint.department.name, []).append(complaint)
    figures = []
    for name, complaints in by_department.items():
        figures.append(
            ComplaintFigures(
                department=name,
                total=len(complaints),
                open=sum(c.state == ComplaintState.OPEN for c in complaints),
                overdue=sum(c.is_overdue(today) for c in complaints),
                answered=sum(c.state == ComplaintState.ANSWERED for c in complaints),
                closed=sum(c.state == ComplaintState.CLOSED for c in complaints),
                outcomes={
                    str(o.label): sum(c.outcome == o for c in complaints) for o in ComplaintOutcome
                },
            )
        )
    return figures


def supervisor_figures(today: date) -> dict:
    ratings = Rating.objects.all()
    return {
        "codes": code_figures(),
        "by_department": aggregates(ratings, "department", always=True),
        "by_item": aggregates(ratings, "item", always=True),
        "overall": aggregates(ratings, "all", always=True)[0],
        "complaints": complaint_figures(today),
        "outcomes": [str(o.label) for o in ComplaintOutcome],
    }


def _share(value) -> str:
    return "" if value is None else f"{value}%"


def _rating_row(kind: str, a: Aggregate) -> list:
    return [
        kind,
        a.label,
        a.count,
        a.average if a.average is not None else "",
        _share(a.certificates_share),
        _share(a.rights_share),
        f"索拿卡要{a.favours}条" if a.favours is not None else "",
    ]


def export_rows(figures: dict) -> tuple[list[str], list[list]]:
    """One sheet, one block per table: (headers, rows)."""
    headers = [
        "统计项",
        "部门或事项",
        "数量",
        "平均分或比例",
        "出示证件比例",
        "告知权利比例",
        "其他",
    ]
    rows: list[list] = []
    for f in figures["codes"]:
        rows.append(
            [
                "检查码核验",
                f.department,
                f.inspections,
                _share(f.verified_share),
                "",
                "",
                f"扫码{f.scans}次，平均每次检查{f.scans_per_inspection}次",
            ]
        )
    for a in figures["by_department"]:
        rows.append(_rating_row("企业评价（按部门）", a))
    for a in figures["by_item"]:
        rows.append(_rating_row("企业评价（按事项）", a))
    for c in figures["complaints"]:
        outcomes = "；".join(f"{k}{v}件" for k, v in c.outcomes.items())
        rows.append(
            [
                "投诉",
                c.department,
                c.total,
                "",
                "",
                "",
                f"待答复{c.open}件（逾期{c.overdue}件），已答复{c.answered}件，"
                f"已办结{c.closed}件：{outcomes}",
            ]
        )
    return headers, rows

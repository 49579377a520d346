"""行政执法统计年报 (issue 15, item 7): per department and year, the inspections of firms by type
and method, the firms inspected and how often, the caps reached, the approvals after the fact
and the supervision opinions. Reads only; the year is the year the inspection's window starts
(as the frequency caps count it) and the department is the task's lead department.

The supervisor reads every department, a department administrator their own; the portal shows
the counts per department (`public_rows`), never a firm.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q

from backend.organisation.models import Department
from fieldwork.models import ApprovalState, Inspection, InspectionRecord, RecordKind
from inspections.planning.caps import counts_at_least
from inspections.planning.models import FrequencyCap, InspectionType
from supervision.models import OpinionAnswer, SupervisionOpinion

# How often one firm was inspected by the department in the year: the distribution's columns.
PER_FIRM = ((1, "1次"), (2, "2次"), (3, "3次"), (4, "4次及以上"))
AFTER_THE_FACT = (ApprovalState.EMERGENCY, ApprovalState.APPROVED_AFTER)


@dataclass(frozen=True)
class DepartmentYear:
    department: Department
    year: int
    inspections: int
    by_type: tuple[tuple[str, str, int], ...]  # (type, label, inspections)
    site: int
    non_site: int
    firms: int
    per_firm: tuple[tuple[str, int], ...]  # (label, firms)
    caps_reached: tuple[tuple[str, int], ...]  # (the cap in words, firms at it)
    after_the_fact: int  # started in an emergency, approved afterwards or still waiting
    after_the_fact_missing: int  # of which the approval is still missing
    opinions: int
    opinions_answered: int
    opinions_overdue: int

    @property
    def rows(self) -> list[tuple[str, int | str]]:
        """The report as (figure, value) lines, in the order the page and the .xlsx show."""
        lines: list[tuple[str, int | str]] = [("行政检查总数（次）", self.inspections)]
        lines += [(f"其中：{label}", n) for _code, label, n in self.by_type]
        lines += [("现场检查（次）", self.site), ("非现场检查（次）", self.non_site)]
        lines += [("检查企业户数", self.firms)]
        lines += [(f"年内被检查{label}的企业（户）", n) for label, n in self.per_firm]
        lines += [(f"达到频次上限：{label}（户）", n) for label, n in self.caps_reached]
        lines += [
            ("紧急先行、事后补办审批（次）", self.after_the_fact),
            ("其中：尚未补办审批（次）", self.after_the_fact_missing),
            ("收到监督意见（件）", self.opinions),
            ("已答复监督意见（件）", self.opinions_answered),
            ("逾期未答复监督意见（件）", self.opinions_overdue),
        ]
        return lines


def _inspections(department: Department, year: int):
    return Inspection.objects.filter(task__department=department, window_start__year=year)


def non_site_flag():
    """Whether an inspection was carried out without a visit (its non-site record)."""
    return Exists(
        InspectionRecord.objects.filter(
            inspection=OuterRef("pk"), kind=RecordKind.NON_SITE, corrected_by__isnull=True
        )
    )


def department_year(department: Department, year: int, *, today: date) -> DepartmentYear:
    inspections = _inspections(department, year)
    by_type = dict(inspections.values_list("inspection_type").annotate(n=Count("id")).order_by())
    total = sum(by_type.values())
    non_site = inspections.filter(non_site_flag()).count()
    per_firm_counts = dict.fromkeys((n for n, _label in PER_FIRM), 0)
    for times in (
        inspections.values("firm_uscc").annotate(n=Count("id")).values_list("n", flat=True)
    ):
        per_firm_counts[min(times, PER_FIRM[-1][0])] += 1
    caps = FrequencyCap.objects.filter(department=department).select_related("enforcement_field")
    opinions = SupervisionOpinion.objects.filter(department=department, issued_on__year=year)
    answered = OpinionAnswer.objects.filter(opinion__in=opinions).count()
    return DepartmentYear(
        department=department,
        year=year,
        inspections=total,
        by_type=tuple(
            (code, str(label), by_type.get(code, 0)) for code, label in InspectionType.choices
        ),
        site=total - non_site,
        non_site=non_site,
        firms=sum(per_firm_counts.values()),
        per_firm=tuple((label, per_firm_counts[n]) for n, label in PER_FIRM),
        caps_reached=tuple(
            (str(cap), len(counts_at_least(cap, year=year, at_least=cap.limit)))
            for cap in caps.order_by("pk")
            if cap.limit
        ),
        after_the_fact=inspections.filter(approval_state__in=AFTER_THE_FACT).count(),
        after_the_fact_missing=inspections.filter(approval_state=ApprovalState.EMERGENCY).count(),
        opinions=opinions.count(),
        opinions_answered=answered,
        opinions_overdue=opinions.filter(answer__isnull=True, due_on__lt=today).count(),
    )


def report_years(today: date) -> list[int]:
    """This year first (the figures so far), back to the first year with an inspection."""
    first = Inspection.objects.order_by("window_start").values_list("window_start", flat=True)
    oldest = first.first()
    start = oldest.year if oldest else today.year
    return list(range(today.year, min(start, today.year) - 1, -1))


def public_rows(year: int) -> list[tuple[str, int, int, int, int, int, int]]:
    """The portal's part, per department with inspections in the year: (department, total,
    日常, 专项, 个案, 非现场, firms). Counts only, never a firm."""
    rows = (
        Inspection.objects.filter(window_start__year=year)
        .values("task__department__name")
        .annotate(
            # distinct: the non-site count joins the records.
            total=Count("id", distinct=True),
            routine=Count("id", distinct=True, filter=Q(inspection_type=InspectionType.ROUTINE)),
            campaign=Count("id", distinct=True, filter=Q(inspection_type=InspectionType.CAMPAIGN)),
            case=Count("id", distinct=True, filter=Q(inspection_type=InspectionType.CASE)),
            non_site=Count(
                "id",
                distinct=True,
                filter=Q(records__kind=RecordKind.NON_SITE, records__corrected_by__isnull=True),
            ),
            firms=Count("firm_uscc", distinct=True),
        )
        .order_by("task__department__code")
    )
    return [
        (
            r["task__department__name"],
            r["total"],
            r["routine"],
            r["campaign"],
            r["case"],
            r["non_site"],
            r["firms"],
        )
        for r in rows
    ]

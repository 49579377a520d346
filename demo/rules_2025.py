"""The 2025 rules in the demo (国办发〔2024〕54号, docs/rules-2025.md), in the year the demo runs.

This part tells their story this year (`timezone.localdate()`), for the science and technology
bureau (KJ, a city body), beside this year's joint task (demo.plans, demo.this_year):

- the caps of a real field: for 外国人来华工作许可, at most 2 inspections of one firm a year by
  city bodies, 2 by county bodies, 4 in all (a database seeded before keeps its cap of 1 at city
  level, raised to 2 here);
- the bureau's published plan of the year (demo.plans: drawn up last December), under which its
  专项 and 个案 tasks are filed;
- a 个案 from a complaint (投诉举报) naming one employer and two officers, started and approved
  by kj_admin before it starts;
- a second 个案 of the same employer, on a referral (转办交办), which its team (kj_inspector's
  officer where the certificate covers the window: `_officers`) started
  in an emergency (紧急先行检查) and kj_admin approved afterwards (补办审批): the employer has
  had 2 inspections this year, at the city cap (高频 on the supervisor's page);
- a 专项 campaign approved by 长春市人民政府 with its document, whose firms draw (announced and
  performed) leaves that employer in the published pool as `frequency-cap`. The campaign goes
  over every employer whatever their last check (no exclusion window), so the cap is what
  keeps the employer out.

Every step is taken once: a second `seed_demo` finds the caps, the plan, the tasks (by name
within the year), the approvals and the draw and adds nothing.
"""

import uuid
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from backend.organisation.models import Department
from demo.accounts import CITY_REGION, account
from demo.draws import witness_values
from demo.fieldwork import team_author
from demo.plans import current_task_code
from fieldwork.models import ApprovalState, Inspection
from fieldwork.services.approvals import approve_inspection, start_in_emergency
from inspections.directory.models import (
    FOREIGN_EMPLOYER_TAG,
    Firm,
    InspectionItemVersion,
    VersionStatus,
)
from inspections.directory.selectors import filter_by_region, filter_by_tag
from inspections.draws.models import DrawPurpose, DrawStatus
from inspections.draws.services.draws import announce_firms_draw, perform_draw
from inspections.planning import rules
from inspections.planning.models import (
    AnnualPlan,
    FrequencyCap,
    PlanStatus,
    SamplingTask,
    TaskStatus,
)
from inspections.planning.services import (
    approve_plan,
    generate_annual_plan,
    open_task,
    publish_plan,
    start_task,
    submit_plan,
)
from inspections.planning.services.caps import set_frequency_cap, update_frequency_cap
from personnel.models import Certificate, EnforcementField

ITEM = "KJ-WGR-001"
FIELD = "FOREIGN_WORK"
# (level, limit, note): the field's caps, as a province publishes them for one field.
CAPS = [
    ("city", 2, "外国人来华工作许可事项：市级执法部门对同一企业每年至多检查2次"),
    ("county", 2, "外国人来华工作许可事项：区县级执法部门对同一企业每年至多检查2次"),
    ("combined", 4, "外国人来华工作许可事项：市、区县两级合计对同一企业每年至多检查4次"),
]
COMPLAINT_TASK = "外国人来华工作许可个案检查（群众投诉举报）"
REFERRAL_TASK = "外国人来华工作许可个案检查（上级转办线索）"
CAMPAIGN_TASK = "外国人来华工作许可专项检查"
EMERGENCY_REASON = (
    "上级转办线索反映该单位外籍人员即将离境，相关用工证据可能灭失，须立即入企核查，审批后补"
)
_KEYS = uuid.UUID("0c5e2025-54a1-4d2b-9f3e-7a6b1c8d2e40")


def _key(step: str) -> uuid.UUID:
    return uuid.uuid5(_KEYS, f"{timezone.localdate().year}/{step}")


def employers() -> list[Firm]:
    """The city's employers of foreign staff, by 统一社会信用代码."""
    firms = filter_by_tag(filter_by_region(Firm.objects.all(), CITY_REGION), FOREIGN_EMPLOYER_TAG)
    return list(firms.order_by("uscc"))


def capped_firm() -> Firm | None:
    """The employer the two 个案 inspect this year: the second by code of those this year's joint
    task did not draw (the first is left for whoever opens a 个案 of their own in the demo, such
    as the browser tests)."""
    drawn = set(
        Inspection.objects.filter(task__code=current_task_code()).values_list("firm_id", flat=True)
    )
    found = [firm for firm in employers() if firm.pk not in drawn]
    return found[1] if len(found) > 1 else None


def _officers(window: tuple[date, date]) -> list[str]:
    """Two of the bureau's officers whose certificates cover the window, by certificate number,
    those with an inspector's login first (kj_inspector stands for whichever officer this
    year's teams draw seated: see demo.fieldwork), so that the team's login can start in an
    emergency."""
    certificates = [
        c
        for c in Certificate.objects.filter(officer__department__code="KJ").select_related(
            "officer__user"
        )
        if c.covers_period(*window)
    ]

    def order(c: Certificate) -> tuple[bool, str]:
        user = c.officer.user
        return (user is None or user.username != "kj_inspector", c.number)

    return [c.number for c in sorted(certificates, key=order)[:2]]


def _caps(kj: Department, kj_admin, created: dict[str, int]) -> None:
    field = EnforcementField.objects.get(code=FIELD)
    for level, limit, note in CAPS:
        cap = FrequencyCap.objects.filter(department=kj, enforcement_field=field, level=level)
        cap = cap.first()
        if cap is None:
            set_frequency_cap(
                actor=kj_admin,
                department=kj,
                enforcement_field=field,
                level=level,
                limit=limit,
                note=note,
            )
            created["检查频次上限"] += 1
        elif cap.limit != limit:  # the demo's earlier cap of 1 (before this part)
            update_frequency_cap(actor=kj_admin, cap=cap, limit=limit, note=note)
            created["检查频次上限"] += 1


def _plan(kj: Department, year: int, created: dict[str, int]) -> AnnualPlan:
    plan = AnnualPlan.objects.filter(department=kj, year=year, status=PlanStatus.PUBLISHED)
    plan = plan.order_by("-version").first()
    if plan is not None:
        return plan
    planner, admin = account("kj_planner"), account("kj_admin")
    plan = AnnualPlan.objects.filter(department=kj, year=year).order_by("-version").first()
    if plan is None:
        plan = generate_annual_plan(actor=planner, department=kj, year=year)
        created["年度计划"] += 1
    if plan.status == PlanStatus.DRAFT:
        submit_plan(actor=planner, plan=plan)
        plan.refresh_from_db()
    if plan.status == PlanStatus.SUBMITTED:
        approve_plan(actor=admin, plan=plan)
        plan.refresh_from_db()
    publish_plan(actor=planner, plan=plan)
    plan.refresh_from_db()
    return plan


def _window(today: date, days: int) -> tuple[date, date]:
    return today, min(today + timedelta(days=days), date(today.year, 12, 31))


def _task(plan: AnnualPlan, name: str, created: dict[str, int], **values) -> SamplingTask:
    task = SamplingTask.objects.filter(plan__year=plan.year, department=plan.department, name=name)
    task = task.first()
    if task is None:
        task = open_task(
            actor=account("kj_planner"),
            plan=plan,
            name=name,
            items=list(
                InspectionItemVersion.objects.filter(
                    item__code=ITEM, status=VersionStatus.PUBLISHED
                )
            ),
            seats={plan.department: 2},
            **values,
        )
        created["抽查任务"] += 1
    return task


def _case(
    plan: AnnualPlan, name: str, case: dict, today: date, created: dict[str, int]
) -> Inspection:
    window = _window(today, 20)
    task = _task(
        plan,
        name,
        created,
        window_start=window[0],
        window_end=window[1],
        quotas={},
        inspection_type="case",
        case=case,
    )
    if task.status == TaskStatus.DRAFT:
        task = start_task(actor=account("kj_planner"), task=task)
        created["检查"] += 1
    return task.inspections.get()


@transaction.atomic
def seed_rules_2025() -> dict[str, int]:
    created = dict.fromkeys(
        ["检查频次上限", "年度计划", "抽查任务", "检查", "行政检查审批", "公告的抽取"], 0
    )
    kj = Department.objects.filter(code="KJ").first()
    kj_admin, planner = account("kj_admin"), account("kj_planner")
    firm = capped_firm()
    if None in (kj, kj_admin, planner, firm):
        return created  # the accounts, personnel and directory parts come first
    if not EnforcementField.objects.filter(code=FIELD).exists():
        return created
    _caps(kj, kj_admin, created)
    today = timezone.localdate()
    plan = _plan(kj, today.year, created)

    # 个案 on a complaint: approved before it starts.
    complaint = _case(
        plan,
        COMPLAINT_TASK,
        {
            "trigger": "complaint",
            "reference": f"12345-{today.year}-0815",
            "firm": firm,
            "officers": _officers(_window(today, 20)),
        },
        today,
        created,
    )
    if complaint.approval_state == ApprovalState.PENDING:
        approve_inspection(
            actor=kj_admin,
            inspection=complaint,
            opinion="投诉反映的问题属于本部门职责，同意实施个案检查",
            idempotency_key=_key("complaint/approval"),
        )
        created["行政检查审批"] += 1

    # 个案 on a referral: started in an emergency, approved afterwards (补办审批).
    referral = _case(
        plan,
        REFERRAL_TASK,
        {
            "trigger": "referral",
            "reference": f"吉科转〔{today.year}〕12号",
            "firm": firm,
            "officers": _officers(_window(today, 20)),
        },
        today,
        created,
    )
    if referral.approval_state == ApprovalState.PENDING:
        start_in_emergency(
            actor=team_author(referral, kj.code, {"执法人员账号": 0}),
            inspection=referral,
            reason=EMERGENCY_REASON,
            idempotency_key=_key("referral/emergency"),
        )
        referral.refresh_from_db()
    if referral.approval_state == ApprovalState.EMERGENCY:
        approve_inspection(
            actor=kj_admin,
            inspection=referral,
            opinion="情况紧急，同意先行检查，予以补办审批",
            idempotency_key=_key("referral/approval"),
        )
        created["行政检查审批"] += 1

    # 专项 campaign: its firms draw leaves the employer at its cap out (frequency-cap).
    approved_on = max(date(today.year, 1, 1), today - timedelta(days=20))
    window = _window(today, 30)
    campaign = _task(
        plan,
        CAMPAIGN_TASK,
        created,
        code="",
        window_start=window[0],
        window_end=window[1],
        quotas={risk: rules.Quota(count=1) for risk in ("A", "B", "C")},
        scope_mode="targeted",
        region_code=CITY_REGION,
        tags=[FOREIGN_EMPLOYER_TAG],
        exclusion_months=0,
        witnesses=["纪检监督员", "企业代表"],
        inspection_type="campaign",
        campaign={
            "authority": "长春市人民政府",
            "document": f"长府办发〔{today.year}〕18号",
            "approved_on": approved_on,
            "published_on": min(approved_on + timedelta(days=7), today),
        },
    )
    if campaign.status == TaskStatus.DRAFT:
        announce_firms_draw(actor=planner, task=campaign)
        created["公告的抽取"] += 1
    draw = campaign.draws.filter(purpose=DrawPurpose.FIRMS, status=DrawStatus.ANNOUNCED).first()
    if draw is not None:
        perform_draw(
            actor=planner, draw=draw, witness_values=witness_values(DrawPurpose.FIRMS, today)
        )
    return created

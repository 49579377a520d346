"""Demo data for plans and tasks: the Science and Technology Bureau's plans of last year and of
this year, and their sampling tasks, every date relative to the day `seed_demo` runs
(`demo.clock`).

The source document: the bureau "drew up the joint inspection plan for foreign nationals' work
permits, set up a cross-department sampling task in the system, randomly drew the joint
enforcement officers and 6 employer units". Last year's plan (published, filed) has that joint
task, T-<last year>-007, carried through to published results by the next parts. This year's plan
(drawn up and published last December) has the year's joint task, T-<this year>-007, under way
today (demo.this_year), and an ordinary one-department task of the bureau, T-<this year>-008,
left as a confirmed draft for whoever wants to hold a draw. 公安 and 人社 confirm their part in
each joint task through their own department administrators (demo.accounts).
"""

from datetime import date, timedelta

from django.db import transaction

from backend.organisation.models import Department
from demo import clock
from demo.accounts import CITY_REGION, account
from inspections.directory.models import FOREIGN_EMPLOYER_TAG, InspectionItemVersion, VersionStatus
from inspections.planning import rules
from inspections.planning.models import AnnualPlan, PlanStatus, SamplingTask, ScopeMode
from inspections.planning.services import (
    add_plan_line,
    approve_plan,
    confirm_participation,
    file_plan,
    generate_annual_plan,
    open_task,
    publish_plan,
    submit_plan,
    update_plan_line,
)

# Six employers in all, as the source says, spread over the risk classes.
JOINT_COUNTS = {"A": 2, "B": 2, "C": 1, "D": 1}
# This year's joint task draws fewer: last year's six are still within their exclusion window.
CURRENT_COUNTS = {"A": 1, "B": 1, "C": 1}
JOINT_NAME = "外国人来华工作许可联合抽查"
JOINT_NOTE = "市科技局牵头，会同市公安局、市人社局开展，一次检查完成三个部门的检查事项"
ORDINARY_NAME = "外国人来华工作许可事项专项抽查（朝阳区）"


def joint_task_code(year: int | None = None) -> str:
    """Last year's joint task (or that of `year`)."""
    return f"T-{year or clock.last_year()}-007"


def current_task_code() -> str:
    """This year's joint task, under way today."""
    return joint_task_code(clock.this_year())


def ordinary_task_code() -> str:
    """This year's ordinary task, a confirmed draft."""
    return f"T-{clock.this_year()}-008"


def joint_window(year: int | None = None) -> tuple[date, date]:
    """Last year's joint inspection window: June."""
    year = year or clock.last_year()
    return date(year, 6, 7), date(year, 6, 30)


def current_window() -> tuple[date, date]:
    """This year's joint task: begun (up to ten days ago) and running on (up to two weeks),
    within the year, so that today falls inside it whatever the day."""
    today, year = clock.real_today(), clock.this_year()
    return clock.clamp(today - timedelta(days=10), year), clock.clamp(
        today + timedelta(days=14), year
    )


def current_draw_day() -> date:
    """This year's joint task draws its firms four days before its window opens."""
    return current_window()[0] - timedelta(days=4)


def ordinary_window() -> tuple[date, date]:
    today = clock.real_today()
    return today, clock.clamp(today + timedelta(days=30), today.year)


CHAOYANG = "220104"  # 朝阳区, where most employers of foreign staff are


def _published(codes: list[str]) -> list[InspectionItemVersion]:
    return list(
        InspectionItemVersion.objects.filter(
            item__code__in=codes, status=VersionStatus.PUBLISHED
        ).select_related("item__department")
    )


def _counts_within(population: dict[str, int], counts: dict[str, int]) -> dict[str, rules.Quota]:
    return {
        risk: rules.Quota(count=min(count, population.get(risk, 0)))
        for risk, count in counts.items()
    }


def _publish(plan: AnnualPlan) -> None:
    planner, admin = account("kj_planner"), account("kj_admin")
    if plan.status == PlanStatus.DRAFT:
        submit_plan(actor=planner, plan=plan)
        plan.refresh_from_db()
    if plan.status == PlanStatus.SUBMITTED:
        approve_plan(actor=admin, plan=plan)
        plan.refresh_from_db()
    if plan.status == PlanStatus.APPROVED:
        publish_plan(actor=planner, plan=plan)
        plan.refresh_from_db()


def _plan(kj: Department, year: int, drawn_up: date, created: dict[str, int]) -> AnnualPlan:
    """The bureau's plan of `year`, drawn up on `drawn_up`: the joint line first, and this
    year's ordinary Chaoyang line; published."""
    plan = AnnualPlan.objects.filter(department=kj, year=year).order_by("-version").first()
    if plan is not None:
        return plan
    planner = account("kj_planner")
    current = year == clock.this_year()
    with clock.on(drawn_up):
        plan = generate_annual_plan(actor=planner, department=kj, year=year)
        created["年度计划"] += 1
        joint = plan.lines.order_by("position").first()
        population = {q.risk_class: q.population for q in joint.quotas.all()}
        update_plan_line(
            actor=planner,
            line=joint,
            name=JOINT_NAME,
            quotas=_counts_within(population, CURRENT_COUNTS if current else JOINT_COUNTS),
            start_quarter=1 if current else 2,
            end_quarter=4 if current else 2,
            note=JOINT_NOTE,
        )
        if current:
            add_plan_line(
                actor=planner,
                plan=plan,
                items=_published(["KJ-WGR-001"]),
                name=ORDINARY_NAME,
                start_quarter=1,
                end_quarter=4,
            )
        created["计划任务"] += plan.lines.count()
        _publish(plan)
    if not current:
        filed_on = date(year, 3, 26)
        with clock.on(filed_on, 15):
            file_plan(
                actor=planner,
                plan=plan,
                filed_on=filed_on,
                authority="长春市人民政府办公厅",
                document_number=f"长科备〔{year}〕3号",
            )
    plan.refresh_from_db()
    return plan


def _confirm(task: SamplingTask, departments: dict[str, Department]) -> None:
    """公安 and 人社 confirm their part, each through its department administrator."""
    for code, username in (("GA", "ga_admin"), ("RS", "rs_admin")):
        confirm_participation(actor=account(username), task=task, department=departments[code])


def _joint_task(
    plan: AnnualPlan,
    code: str,
    window: tuple[date, date],
    opened_on: date,
    departments: dict[str, Department],
    created: dict[str, int],
) -> None:
    if SamplingTask.objects.filter(code=code).exists():
        return
    line = plan.lines.order_by("position").first()
    population = {q.risk_class: q.population for q in line.quotas.all()}
    counts = CURRENT_COUNTS if plan.year == clock.this_year() else JOINT_COUNTS
    with clock.on(opened_on):
        task = open_task(
            actor=account("kj_planner"),
            plan=plan,
            plan_line=line,
            code=code,
            name=f"{plan.year}年外国人来华工作许可联合抽查",
            items=list(line.items.all()),
            window_start=window[0],
            window_end=window[1],
            seats={departments["KJ"]: 1, departments["GA"]: 1, departments["RS"]: 1},
            quotas=_counts_within(population, counts),
            scope_mode=ScopeMode.TARGETED,
            region_code=CITY_REGION,
            tags=[FOREIGN_EMPLOYER_TAG],
            officer_cap=2,
            witnesses=["纪检监督员", "企业代表"],
        )
        _confirm(task, departments)
    created["抽查任务"] += 1


def _ordinary_task(plan: AnnualPlan, created: dict[str, int]) -> None:
    code = ordinary_task_code()
    lines = list(plan.lines.order_by("position"))
    if SamplingTask.objects.filter(code=code).exists() or len(lines) < 2:
        return
    window = ordinary_window()
    open_task(
        actor=account("kj_planner"),
        plan=plan,
        plan_line=lines[1],
        code=code,
        name=f"{plan.year}年外国人来华工作许可专项抽查（朝阳区）",
        items=list(lines[1].items.all()),
        window_start=window[0],
        window_end=window[1],
        seats={plan.department: 2},
        quotas={q.risk_class: rules.Quota(ratio=q.ratio) for q in lines[1].quotas.all()},
        scope_mode=ScopeMode.TARGETED,
        region_code=CHAOYANG,
        tags=[FOREIGN_EMPLOYER_TAG],
        cross_assignment=True,
        witnesses=["纪检监督员"],
    )
    created["抽查任务"] += 1


def _departments() -> dict[str, Department]:
    return {d.code: d for d in Department.objects.filter(code__in=["KJ", "GA", "RS"])}


def _ready(departments: dict[str, Department]) -> bool:
    """The accounts (every participating bureau's administrator) and the directory come first."""
    return (
        len(departments) == 3
        and bool(_published(["KJ-WGR-001"]))
        and None not in (account("kj_planner"), account("ga_admin"), account("rs_admin"))
    )


@transaction.atomic
def seed_plans() -> dict[str, int]:
    """Last year's plan, published and filed in its March, with its joint task opened in May.
    Idempotent."""
    created = {"年度计划": 0, "计划任务": 0, "抽查任务": 0}
    departments = _departments()
    if not _ready(departments):
        return created
    year = clock.last_year()
    plan = _plan(departments["KJ"], year, date(year, 1, 8), created)
    if plan.status == PlanStatus.PUBLISHED:
        _joint_task(
            plan, joint_task_code(), joint_window(), date(year, 5, 10), departments, created
        )
    return created


@transaction.atomic
def seed_current_plan() -> dict[str, int]:
    """This year's plan, drawn up and published last December, with this year's joint task
    (opened a week before its draw) and the ordinary task (a confirmed draft). Idempotent."""
    created = {"年度计划": 0, "计划任务": 0, "抽查任务": 0}
    departments = _departments()
    if not _ready(departments):
        return created
    year = clock.this_year()
    plan = _plan(departments["KJ"], year, date(year - 1, 12, 15), created)
    if plan.status == PlanStatus.PUBLISHED:
        opened_on = current_draw_day() - timedelta(days=3)
        _joint_task(plan, current_task_code(), current_window(), opened_on, departments, created)
        _ordinary_task(plan, created)
    return created

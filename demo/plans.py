"""Demo data for plans and tasks: the Science and Technology Bureau's published 2021 annual plan
and its sampling tasks.

The source document: the bureau "drew up the 2021 joint inspection plan for foreign nationals'
work permits, set up a cross-department sampling task in the system, randomly drew the joint
enforcement officers and 6 employer units". The joint task T-2021-007 (the task code of the
DR-1 test vectors) is left as a confirmed draft: the draws feature announces and performs its
draws. Beside it, an ordinary one-department task of the bureau.
"""

from datetime import date

from django.db import transaction

from backend.organisation.models import Department
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

YEAR = 2021
JOINT_TASK = "T-2021-007"
ORDINARY_TASK = "T-2021-008"
# Six employers in all, as the source says, spread over the risk classes.
JOINT_COUNTS = {"A": 2, "B": 2, "C": 1, "D": 1}
JOINT_WINDOW = (date(2021, 6, 7), date(2021, 6, 30))
ORDINARY_WINDOW = (date(2021, 10, 11), date(2021, 11, 5))
CHAOYANG = "220104"  # 朝阳区, where most employers of foreign staff are


def _published(codes: list[str]) -> list[InspectionItemVersion]:
    return list(
        InspectionItemVersion.objects.filter(
            item__code__in=codes, status=VersionStatus.PUBLISHED
        ).select_related("item__department")
    )


def _counts_within(population: dict[str, int]) -> dict[str, rules.Quota]:
    return {
        risk: rules.Quota(count=min(count, population.get(risk, 0)))
        for risk, count in JOINT_COUNTS.items()
    }


def _plan(kj: Department, created: dict[str, int]) -> AnnualPlan | None:
    plan = AnnualPlan.objects.filter(department=kj, year=YEAR).order_by("-version").first()
    if plan is not None:
        return plan
    planner, admin = account("kj_planner"), account("kj_admin")
    plan = generate_annual_plan(actor=planner, department=kj, year=YEAR)
    created["年度计划"] += 1
    joint = plan.lines.order_by("position").first()
    population = {q.risk_class: q.population for q in joint.quotas.all()}
    update_plan_line(
        actor=planner,
        line=joint,
        name="外国人来华工作许可联合抽查",
        quotas=_counts_within(population),
        start_quarter=2,
        end_quarter=2,
        note="市科技局牵头，会同市公安局、市人社局开展，一次检查完成三个部门的检查事项",
    )
    add_plan_line(
        actor=planner,
        plan=plan,
        items=_published(["KJ-WGR-001"]),
        name="外国人来华工作许可事项专项抽查（朝阳区）",
        start_quarter=4,
        end_quarter=4,
    )
    created["计划任务"] += plan.lines.count()
    submit_plan(actor=planner, plan=plan)
    approve_plan(actor=admin, plan=plan)
    publish_plan(actor=planner, plan=plan)
    file_plan(
        actor=planner,
        plan=plan,
        filed_on=date(2021, 3, 26),
        authority="长春市人民政府办公厅",
        document_number="长科备〔2021〕3号",
    )
    plan.refresh_from_db()
    return plan


def _tasks(plan: AnnualPlan, departments: dict[str, Department], created: dict[str, int]):
    planner = account("kj_planner")
    lines = list(plan.lines.order_by("position"))
    if not SamplingTask.objects.filter(code=JOINT_TASK).exists():
        population = {q.risk_class: q.population for q in lines[0].quotas.all()}
        task = open_task(
            actor=planner,
            plan=plan,
            plan_line=lines[0],
            code=JOINT_TASK,
            name="2021年外国人来华工作许可联合抽查",
            items=list(lines[0].items.all()),
            window_start=JOINT_WINDOW[0],
            window_end=JOINT_WINDOW[1],
            seats={departments["KJ"]: 1, departments["GA"]: 1, departments["RS"]: 1},
            quotas=_counts_within(population),
            scope_mode=ScopeMode.TARGETED,
            region_code=CITY_REGION,
            tags=[FOREIGN_EMPLOYER_TAG],
            officer_cap=2,
            witnesses=["纪检监督员", "企业代表"],
        )
        # 公安 confirms through its department administrator; 人社 has no account in the demo,
        # so the system records its confirmation.
        confirm_participation(actor=account("ga_admin"), task=task, department=departments["GA"])
        confirm_participation(actor=None, task=task, department=departments["RS"])
        created["抽查任务"] += 1
    if not SamplingTask.objects.filter(code=ORDINARY_TASK).exists() and len(lines) > 1:
        open_task(
            actor=planner,
            plan=plan,
            plan_line=lines[1],
            code=ORDINARY_TASK,
            name="2021年第四季度外国人来华工作许可专项抽查（朝阳区）",
            items=list(lines[1].items.all()),
            window_start=ORDINARY_WINDOW[0],
            window_end=ORDINARY_WINDOW[1],
            seats={departments["KJ"]: 2},
            quotas={q.risk_class: rules.Quota(ratio=q.ratio) for q in lines[1].quotas.all()},
            scope_mode=ScopeMode.TARGETED,
            region_code=CHAOYANG,
            tags=[FOREIGN_EMPLOYER_TAG],
            cross_assignment=True,
            witnesses=["纪检监督员"],
        )
        created["抽查任务"] += 1


@transaction.atomic
def seed_plans() -> dict[str, int]:
    """The KJ 2021 plan, published and filed, with its two tasks. Idempotent."""
    created = {"年度计划": 0, "计划任务": 0, "抽查任务": 0}
    departments = {d.code: d for d in Department.objects.filter(code__in=["KJ", "GA", "RS"])}
    if len(departments) < 3 or not _published(["KJ-WGR-001"]):
        return created  # the accounts and the directory parts come first
    plan = _plan(departments["KJ"], created)
    if plan.status == PlanStatus.PUBLISHED:
        _tasks(plan, departments, created)
    return created

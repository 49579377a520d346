"""The demo's plans and tasks: the Science and Technology Bureau's published 2021 plan with the
joint foreign-work-permit task, ready for the draws, and an ordinary one-department task."""

from datetime import date

import pytest
from django.core.management import call_command
from django.utils import timezone

from backend.audit.verification import verify_chain
from demo.plans import joint_task_code, ordinary_task_code, seed_current_plan, seed_plans
from inspections.planning.models import AnnualPlan, PlanStatus, SamplingTask, ScopeMode, TaskStatus
from inspections.planning.selectors import scope_counts
from inspections.planning.staffing import task_staffing


@pytest.fixture
def demo(db):
    call_command("seed_demo", quiet_accounts=True)


def test_last_years_plan_is_published_approved_and_filed(demo):
    year = timezone.localdate().year - 1
    plan = AnnualPlan.objects.get(department__code="KJ", year=year)
    assert plan.status == PlanStatus.PUBLISHED and plan.version == 1
    assert plan.submitted_by.username == "kj_planner"
    assert plan.approved_by.username == "kj_admin"
    assert plan.filing.filed_on == date(year, 3, 26)
    assert plan.lines.count() == 1
    assert timezone.localdate(plan.published_at).year == year


def test_the_joint_task_has_had_its_draws(demo):
    task = SamplingTask.objects.get(code=joint_task_code())
    # The fieldwork part of the demo then carries out, reviews and publishes its inspections.
    assert task.status == TaskStatus.PUBLISHED and task.department.code == "KJ"
    assert {p.department.code: (p.is_lead, p.status) for p in task.participations.all()} == {
        "KJ": (True, "confirmed"),
        "GA": (False, "confirmed"),
        "RS": (False, "confirmed"),
    }
    assert sorted(v.item.code for v in task.items.all()) == [
        "GA-CRJ-001",
        "KJ-WGR-001",
        "RS-LD-001",
    ]
    assert task.scope_mode == ScopeMode.TARGETED and task.tags == ["外籍员工用人单位"]
    assert task.region_code == "220100"
    assert task.witnesses == ["纪检监督员", "企业代表"]
    assert task.window_start.year == task.window_end.year == timezone.localdate().year - 1
    # Six employers, as the source document says.
    assert sum(q.count for q in task.quotas.all()) == 6
    assert scope_counts(task).planned == 6
    assert all(row.enough for row in task_staffing(task, expected_firms=6))


def test_there_is_an_ordinary_one_department_task(demo):
    task = SamplingTask.objects.get(code=ordinary_task_code())
    assert task.status == TaskStatus.DRAFT and task.plan.year == timezone.localdate().year
    assert [p.department.code for p in task.participations.all()] == ["KJ"]
    assert task.participations.get().seats == 2 and task.cross_assignment
    assert scope_counts(task).planned > 0


def test_the_demo_plans_are_idempotent_and_audited(demo):
    assert set(seed_plans().values()) == {0}
    assert set(seed_current_plan().values()) == {0}
    # Last year's plan and its joint task; this year's plan with its joint and ordinary tasks
    # (and the 2025 rules' own: demo.rules_2025).
    year = timezone.localdate().year
    assert AnnualPlan.objects.filter(year=year - 1).count() == 1
    assert SamplingTask.objects.filter(plan__year=year - 1).count() == 1
    assert AnnualPlan.objects.filter(year=year, status=PlanStatus.PUBLISHED).count() == 1
    assert verify_chain().ok

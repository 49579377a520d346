"""Issue 17: the demo tells a current story, every date relative to the day it is seeded
(Asia/Shanghai): last year's plan drawn, inspected, reviewed and published, so that last year's
statistics and the firms' pages are full; this year's joint task drawn and under way today for
the demo inspector; every bureau of a joint task has its own demo accounts; each draw is numbered
in the year it was held. Run under faketime on 1 January and 31 December too (docs/operations.md).

Seeding takes a while: one seed, several tests on it (module scope)."""

from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from backend.accounts.roles import Role
from backend.audit.verification import verify_chain
from demo.accounts import DEMO_ACCOUNTS
from demo.plans import current_task_code, joint_task_code
from disclosure.models import PublishedResult
from disclosure.statistics import compute
from fieldwork.models import RECORDING, Inspection
from fieldwork.selectors import inspections_visible_to
from inspections.draws.models import Draw, DrawStatus
from inspections.draws.services.draws import (
    announce_firms_draw,
    announce_teams_draw,
    perform_draw,
)
from inspections.draws.teams import effective_teams
from inspections.planning import rules
from inspections.planning.models import AnnualPlan, PlanStatus, SamplingTask, TaskStatus
from inspections.planning.services import confirm_participation, open_task

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def demo(db):
    call_command("seed_demo", quiet_accounts=True, stdout=StringIO())
    yield
    cache.clear()  # the public pages read here count against the per-address rate limit


def test_last_years_statistics_and_firm_pages_are_full(client):
    year = timezone.localdate().year - 1
    stats = compute(year)
    assert stats.tasks >= 1 and stats.firms == 6 and stats.results == 6
    assert stats.legal_reviews == 1
    page = client.get(reverse("disclosure:statistics", args=[year]))
    assert page.status_code == 200
    published = PublishedResult.objects.filter(year=year)
    assert published.count() == 6
    assert {timezone.localdate(r.published_at).year for r in published} == {year}
    firm = published.first().firm_uscc
    body = client.get(reverse("disclosure:firm", args=[firm])).content.decode()
    assert joint_task_code() in body


def test_the_demo_inspector_has_an_inspection_in_progress_today():
    today = timezone.localdate()
    user = _user("kj_inspector")
    mine = inspections_visible_to(user).filter(
        task__code=current_task_code(), window_start__lte=today, window_end__gte=today
    )
    assert mine.filter(state__in=RECORDING).exists()
    plan = AnnualPlan.objects.get(department__code="KJ", year=today.year)
    assert plan.status == PlanStatus.PUBLISHED
    task = SamplingTask.objects.get(code=current_task_code())
    assert task.status == TaskStatus.IN_PROGRESS and task.plan == plan
    assert task.draws.filter(status=DrawStatus.PERFORMED).count() == 2


def test_every_department_of_a_demo_task_has_its_accounts_and_a_joint_task_reaches_its_teams():
    accounts = {(a.department, a.role) for a in DEMO_ACCOUNTS}
    codes = {
        code
        for task in SamplingTask.objects.all()
        for code in task.participations.values_list("department__code", flat=True)
    }
    assert codes == {"KJ", "GA", "RS"}
    for code in codes:
        for role in (Role.PLANNER, Role.INSPECTOR, Role.LEGAL_REVIEWER, Role.DEPARTMENT_ADMIN):
            assert (code, role) in accounts, (code, role)
    # A new joint task on this year's joint line: confirmed by GA's and RS's own accounts, its
    # firms and teams drawn by KJ's planner: no account outside the demo's is needed.
    task = SamplingTask.objects.get(code=current_task_code())
    window = (task.window_start, task.window_end)
    joint = open_task(
        actor=_user("kj_planner"),
        plan=task.plan,
        plan_line=task.plan_line,
        code="",
        name="联合抽查（测试）",
        items=[v for v in task.items.all()],
        window_start=window[0],
        window_end=window[1],
        seats={p.department: 1 for p in task.participations.all()},
        quotas={"A": rules.Quota(count=1)},
        scope_mode=task.scope_mode,
        region_code=task.region_code,
        tags=task.tags,
        exclusion_months=0,
    )
    for username in ("ga_planner", "rs_admin"):
        user = _user(username)
        confirm_participation(actor=user, task=joint, department=user.department)
    planner = _user("kj_planner")
    draw = announce_firms_draw(actor=planner, task=joint)
    assert draw.status == DrawStatus.ANNOUNCED
    # On to the teams, by the same planner: the firms drawn, then one officer of each bureau.
    perform_draw(actor=planner, draw=draw, witness_values=[])
    joint.refresh_from_db()
    assert joint.status == TaskStatus.FIRMS_DRAWN
    teams = announce_teams_draw(actor=planner, task=joint)
    perform_draw(actor=planner, draw=teams, witness_values=[])
    joint.refresh_from_db()
    assert joint.status == TaskStatus.TEAMS_DRAWN
    seated = {seat.department_code for team in effective_teams(joint).values() for seat in team}
    assert seated == {"KJ", "GA", "RS"}


def test_draw_numbers_use_the_year_of_their_draw_date():
    draws = list(Draw.objects.all())
    assert len(draws) >= 4
    for draw in draws:
        year = timezone.localdate(draw.announced_at).year
        assert draw.public_id.startswith(f"D-{year}-"), draw.public_id
    last = Draw.objects.filter(task__code=joint_task_code())
    assert {d.public_id[:6] for d in last} == {f"D-{timezone.localdate().year - 1}"}
    assert Inspection.objects.filter(task__code=joint_task_code()).count() == 6
    assert verify_chain().ok
    out = StringIO()
    call_command("verify_records", stdout=out)
    for draw in draws:
        out = StringIO()
        call_command("verify_draw", draw.public_id, stdout=out, stderr=StringIO())
        assert "验证通过" in out.getvalue()


def _user(username):
    from backend.accounts.models import User

    return User.objects.get(username=username)

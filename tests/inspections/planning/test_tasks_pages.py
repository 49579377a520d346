"""The task pages: the list with its filters, opening a task from a plan line, the task page
with its live scope counts and staffing, the planner's steps, and the dashboard on the
planner's home page."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from inspections.planning.models import SamplingTask, TaskStatus
from tests.conftest import log_in


@pytest.mark.parametrize(
    "persona, status",
    [("planner", 200), ("department_admin", 200), ("inspector", 403), ("system_admin", 403)],
    indirect=["persona"],
)
def test_who_opens_the_task_list(client, persona, status):
    log_in(client, persona)
    assert client.get(reverse("tasks:list")).status_code == status


def test_the_list_filters_by_status_and_department(
    client, planner, kj, ga, staff, foreign_work, open_draft_task
):
    staff(ga, foreign_work, 1)
    alone = open_draft_task(code="T-2021-001")
    joint = open_draft_task(code="T-2021-002", seats={kj: 1, ga: 1})
    SamplingTask.objects.filter(pk=alone.pk).update(status=TaskStatus.ABANDONED)
    client.force_login(planner)

    def listed(**query):
        body = client.get(reverse("tasks:list"), query).content.decode()
        return [code for code in ("T-2021-001", "T-2021-002") if code in body]

    assert listed() == ["T-2021-001", "T-2021-002"]
    assert listed(status="abandoned") == ["T-2021-001"]
    assert listed(status="draft") == ["T-2021-002"]
    assert listed(department="GA") == ["T-2021-002"]
    assert listed(department="KJ") == ["T-2021-001", "T-2021-002"]
    assert "市公安局（待确认）" in client.get(reverse("tasks:list")).content.decode()
    assert joint.pk


def test_a_task_is_opened_from_a_plan_line_with_its_defaults(client, planner, published_plan):
    line = published_plan.lines.get()
    client.force_login(planner)
    form = client.get(reverse("tasks:new"), {"line": line.pk}).content.decode()
    assert 'value="2021-04-01"' in form and 'value="2021-06-30"' in form  # the 2nd quarter
    assert f'value="{line.items.get().pk}"' in form
    data = {
        "code": "T-2021-007",
        "name": "外国人来华工作许可抽查",
        "items": [line.items.get().pk],
        "scope_mode": "targeted",
        "tags": "外籍员工用人单位",
        "ratio_A": "2",
        "count_C": "1",
        "window_start": "2021-06-07",
        "window_end": "2021-06-30",
        "lead_seats": 2,
        "officer_cap": 3,
        "exclusion_months": 12,
        "witnesses": "纪检监督员、企业代表",
    }
    response = client.post(reverse("tasks:new") + f"?line={line.pk}", data)
    task = SamplingTask.objects.get()
    assert response["Location"] == reverse("tasks:detail", args=[task.pk])
    assert task.plan_line == line and task.tags == ["外籍员工用人单位"]
    assert task.witnesses == ["纪检监督员", "企业代表"] and task.officer_cap == 3


def test_a_bad_window_is_shown_on_the_form_and_nothing_is_saved(client, planner, published_plan):
    line = published_plan.lines.get()
    client.force_login(planner)
    data = {
        "name": "抽查",
        "items": [line.items.get().pk],
        "scope_mode": "untargeted",
        "ratio_A": "2",
        "window_start": "2021-06-30",
        "window_end": "2021-06-01",
        "lead_seats": 1,
        "officer_cap": 5,
        "exclusion_months": 12,
    }
    body = client.post(reverse("tasks:new"), data).content.decode()
    assert "检查结束日期2021年6月1日早于开始日期2021年6月30日" in body
    assert not SamplingTask.objects.exists()


def test_without_a_published_plan_the_planner_is_sent_to_the_plans(client, planner):
    client.force_login(planner)
    response = client.get(reverse("tasks:new"), follow=True)
    assert "发布计划后方可发起抽查任务" in response.content.decode()


def test_the_task_page_shows_scope_counts_staffing_and_the_log(client, planner, open_draft_task):
    task = open_draft_task()
    client.force_login(planner)
    body = client.get(reverse("tasks:detail", args=[task.pk])).content.decode()
    assert 'data-testid="scope-counts"' in body
    assert 'data-testid="eligible-total">95<' in body and 'data-testid="planned-total">5<' in body
    assert "4 名" in body  # the four certified KJ officers
    assert 'data-testid="step-abandon"' in body and 'data-testid="step-start"' not in body


def test_the_planner_abandons_a_draft_with_a_reason(client, planner, open_draft_task):
    task = open_draft_task()
    client.force_login(planner)
    client.post(reverse("tasks:step", args=[task.pk, "abandon"]), {"reason": ""})
    assert SamplingTask.objects.get(pk=task.pk).status == TaskStatus.DRAFT
    client.post(reverse("tasks:step", args=[task.pk, "abandon"]), {"reason": "企业大面积迁出"})
    body = client.get(reverse("tasks:detail", args=[task.pk])).content.decode()
    assert "草稿 → 已终止" in body and "企业大面积迁出" in body


def test_the_planner_edits_a_draft_through_its_form(client, planner, open_draft_task):
    task = open_draft_task()
    client.force_login(planner)
    url = reverse("tasks:edit", args=[task.pk])
    assert 'value="外国人来华工作许可抽查"' in client.get(url).content.decode()
    data = {
        "name": "改名",
        "items": [v.pk for v in task.items.all()],
        "scope_mode": "untargeted",
        "count_D": "3",
        "window_start": "2021-06-07",
        "window_end": "2021-07-07",
        "lead_seats": 3,
        "officer_cap": 5,
        "exclusion_months": 12,
    }
    assert client.post(url, data).status_code == 302
    task.refresh_from_db()
    assert task.name == "改名" and task.window_end == date(2021, 7, 7)


def test_the_planners_home_shows_the_departments_dashboard(
    client, planner, kj, ga, staff, foreign_work, open_draft_task
):
    today = date.today()
    staff(ga, foreign_work, 1)
    soon = open_draft_task(code="T-2021-001")
    SamplingTask.objects.filter(pk=soon.pk).update(
        window_start=today + timedelta(days=10), window_end=today + timedelta(days=20)
    )
    short = open_draft_task(code="T-2021-002", seats={kj: 1, ga: 1}, quotas={})
    short.participations.filter(department=ga).update(seats=2)  # asks more than GA has
    client.force_login(planner)
    body = client.get(reverse("accounts:home-planner")).content.decode()
    assert 'data-testid="dashboard"' in body
    assert "草稿 2" in body
    upcoming = body.split('data-testid="upcoming-windows"')[1].split("</ul>")[0]
    assert "T-2021-001" in upcoming and "T-2021-002" not in upcoming
    understaffed = body.split('data-testid="understaffed"')[1].split("</ul>")[0]
    assert "T-2021-002" in understaffed and "T-2021-001" not in understaffed
    assert "市公安局只有1名符合条件的执法人员，每组需2名" in understaffed


def test_the_dashboard_counts_officer_visits_against_the_cap(client, planner, open_draft_task):
    task = open_draft_task(officer_cap=1)  # 5 firms × 2 seats = 10 visits; 4 officers × 1
    client.force_login(planner)
    body = client.get(reverse("accounts:home-planner")).content.decode()
    assert f"{task.code}" in body
    assert "市科学技术局需安排10人次，符合条件的执法人员4名按每人上限最多4人次" in body

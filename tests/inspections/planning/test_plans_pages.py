"""The plan pages: list and generator, the plan page with its lines and staffing warnings, line
editing, the workflow buttons by role, and the department's settings."""

from decimal import Decimal

import pytest
from django.urls import reverse

from inspections.planning.models import AnnualPlan, PlanningSettings, PlanStatus
from tests.conftest import log_in


@pytest.fixture
def directory(kj, publish_item, make_directory):
    publish_item(code="KJ-WGR-001", name="外国人来华工作许可事项检查")
    make_directory({"A": 50, "B": 30, "C": 12, "D": 3})


@pytest.fixture
def generated(client, planner, directory):
    client.force_login(planner)
    response = client.post(reverse("plans:generate"), {"year": 2021})
    plan = AnnualPlan.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "plans:detail", args=[plan.pk]
    )
    return plan


@pytest.mark.parametrize(
    "persona, status",
    [
        ("planner", 200),
        ("department_admin", 200),
        ("legal_reviewer", 200),
        ("inspector", 403),
        ("system_admin", 403),
        ("audit_admin", 403),
    ],
    indirect=["persona"],
)
def test_who_opens_the_plan_list(client, persona, status):
    log_in(client, persona)
    assert client.get(reverse("plans:list")).status_code == status


def test_the_planner_generates_a_plan_and_sees_its_lines_and_warnings(client, generated):
    body = client.get(reverse("plans:detail", args=[generated.pk])).content.decode()
    assert "外国人来华工作许可事项检查" in body
    assert "合计 6 户" in body and "第2季度 6 户" in body
    # No certified officer in KJ: the page says so.
    assert 'data-testid="staffing-warnings"' in body
    assert "市科学技术局2021年第二季度只有0名符合条件的执法人员" in body
    assert 'data-testid="submit-plan"' in body and 'data-testid="approve-plan"' not in body


def test_a_generator_refusal_is_shown(client, generated):
    response = client.post(reverse("plans:generate"), {"year": 2021}, follow=True)
    assert "2021年度已有抽查计划" in response.content.decode()


def test_the_planner_edits_a_line_through_its_form(client, generated):
    line = generated.lines.get()
    url = reverse("plans:line-edit", args=[generated.pk, line.pk])
    form = client.get(url).content.decode()
    assert 'name="ratio_A"' in form and 'value="2"' in form
    data = {
        "name": "外国人来华工作许可专项抽查",
        "items": [v.pk for v in line.items.all()],
        "start_quarter": 3,
        "end_quarter": 4,
        "frequency": "每年1次",
        "ratio_A": "2",
        "count_B": "3",
        "ratio_C": "10",
    }
    assert client.post(url, data).status_code == 302
    line.refresh_from_db()
    assert line.name == "外国人来华工作许可专项抽查" and (line.start_quarter, line.end_quarter) == (
        3,
        4,
    )
    assert {q.risk_class: q.planned for q in line.quotas.all()} == {"A": 1, "B": 3, "C": 2}


def test_a_ratio_above_the_cap_is_shown_on_the_form_and_not_saved(client, generated):
    line = generated.lines.get()
    url = reverse("plans:line-edit", args=[generated.pk, line.pk])
    data = {
        "name": "改",
        "items": [v.pk for v in line.items.all()],
        "start_quarter": 2,
        "end_quarter": 2,
        "ratio_D": "100",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "D类抽查比例100%超过事项KJ-WGR-001的抽查比例上限10%" in response.content.decode()
    line.refresh_from_db()
    assert line.name != "改"


def test_submit_then_the_administrator_approves_and_the_planner_publishes(
    client, generated, planner, department_admin
):
    client.post(reverse("plans:step", args=[generated.pk, "submit"]))
    log_in(client, department_admin)
    page = client.get(reverse("plans:detail", args=[generated.pk])).content.decode()
    assert 'data-testid="approve-plan"' in page and 'data-testid="submit-plan"' not in page
    client.post(reverse("plans:step", args=[generated.pk, "approve"]))
    client.force_login(planner)
    client.post(reverse("plans:step", args=[generated.pk, "publish"]))
    client.post(
        reverse("plans:step", args=[generated.pk, "file"]),
        {"filed_on": "2021-03-26", "authority": "长春市人民政府办公厅"},
    )
    plan = AnnualPlan.objects.get(pk=generated.pk)
    assert plan.status == PlanStatus.PUBLISHED and plan.filing.authority == "长春市人民政府办公厅"
    body = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert "2021年3月26日 报长春市人民政府办公厅备案" in body
    assert reverse("tasks:new") + f"?line={plan.lines.get().pk}" in body


def test_a_planner_posting_approve_is_refused(client, generated):
    client.post(reverse("plans:step", args=[generated.pk, "submit"]))
    response = client.post(reverse("plans:step", args=[generated.pk, "approve"]))
    assert response.status_code == 403
    assert AnnualPlan.objects.get(pk=generated.pk).status == PlanStatus.SUBMITTED


def test_the_administrator_returns_the_plan_with_a_reason(client, generated, department_admin):
    client.post(reverse("plans:step", args=[generated.pk, "submit"]))
    log_in(client, department_admin)
    client.post(reverse("plans:step", args=[generated.pk, "return"]), {"reason": "请增加D类"})
    body = client.get(reverse("plans:detail", args=[generated.pk])).content.decode()
    assert "请增加D类" in body and AnnualPlan.objects.get().status == PlanStatus.DRAFT


def test_another_departments_staff_cannot_open_the_plan(client, generated, ga_department_admin):
    log_in(client, ga_department_admin)
    assert client.get(reverse("plans:detail", args=[generated.pk])).status_code == 404
    listed = client.get(reverse("plans:list")).content.decode()
    assert reverse("plans:detail", args=[generated.pk]) not in listed and "还没有年度计划" in listed


def test_the_department_administrator_sets_the_default_ratios(client, department_admin, kj):
    log_in(client, department_admin)
    data = {
        "ratio_a": "3",
        "ratio_b": "5",
        "ratio_c": "30",
        "ratio_d": "100",
        "team_seats": 2,
        "days_per_visit": "0.5",
        "officer_days_per_quarter": "8",
    }
    assert client.post(reverse("plans:settings"), data).status_code == 302
    settings = PlanningSettings.objects.get(department=kj)
    assert settings.ratio_a == Decimal("0.03") and settings.days_per_visit == Decimal("0.5")
    data["ratio_d"] = "120"
    response = client.post(reverse("plans:settings"), data)
    assert "D类默认抽查比例120%超出0%至100%的范围" in response.content.decode()


def test_the_planner_reads_the_settings_but_does_not_change_them(client, planner, kj):
    client.force_login(planner)
    body = client.get(reverse("plans:settings")).content.decode()
    assert "由部门管理员设置" in body and 'type="submit"' not in body.split("settings-form")[1]
    client.post(reverse("plans:settings"), {"ratio_a": "50"})
    assert not PlanningSettings.objects.exists()


def test_the_planners_menu_offers_plans_and_tasks(client, planner):
    client.force_login(planner)
    body = client.get(reverse("accounts:home-planner")).content.decode()
    assert reverse("plans:list") in body and reverse("tasks:list") in body

"""/api/v1/tasks/: open a task, read it scoped, its live scope counts, invitations, and the
planner's steps as POST actions."""

import pytest

from inspections.planning.models import SamplingTask, TaskStatus
from tests.conftest import log_in


def _post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


@pytest.fixture
def opened(client, planner, published_plan):
    line = published_plan.lines.get()
    client.force_login(planner)
    response = _post(
        client,
        "/api/v1/tasks/",
        {
            "plan": published_plan.pk,
            "plan_line": line.pk,
            "code": "T-2021-007",
            "name": "外国人来华工作许可抽查",
            "items": [v.pk for v in line.items.all()],
            "quotas": [{"risk_class": "A", "ratio": "0.02"}, {"risk_class": "C", "count": 2}],
            "seats": {"KJ": 2},
            "scope_mode": "targeted",
            "region_code": "220100",
            "tags": ["外籍员工用人单位"],
            "window_start": "2021-06-07",
            "window_end": "2021-06-30",
            "witnesses": ["纪检监督员", "企业代表"],
        },
    )
    assert response.status_code == 201, response.json()
    return response.json()


def test_a_task_is_opened_and_read_through_the_api(client, opened):
    assert opened["code"] == "T-2021-007" and opened["status"] == "draft"
    assert opened["departments"] == [
        {
            "code": "KJ",
            "name": "市科学技术局",
            "is_lead": True,
            "seats": 2,
            "status": "confirmed",
            "confirmed_at": opened["departments"][0]["confirmed_at"],
        }
    ]
    assert opened["witnesses"] == ["纪检监督员", "企业代表"]
    listed = client.get("/api/v1/tasks/", {"status": "draft"}).json()["results"]
    assert [t["code"] for t in listed] == ["T-2021-007"]
    assert client.get("/api/v1/tasks/", {"status": "archived"}).json()["results"] == []
    assert client.get("/api/v1/tasks/", {"department": "GA"}).json()["results"] == []


def test_the_scope_action_counts_each_stratum(client, opened):
    scope = client.get(f"/api/v1/tasks/{opened['id']}/scope/").json()
    assert (scope["eligible"], scope["excluded"], scope["planned"]) == (95, 0, 3)
    assert [(s["risk_class"], s["eligible"], s["planned"]) for s in scope["strata"]] == [
        ("A", 50, 1),
        ("B", 30, 0),
        ("C", 12, 2),
        ("D", 3, 0),
    ]


def test_a_team_of_one_is_refused_with_nothing_saved(client, planner, published_plan):
    client.force_login(planner)
    line = published_plan.lines.get()
    response = _post(
        client,
        "/api/v1/tasks/",
        {
            "plan": published_plan.pk,
            "name": "抽查",
            "items": [v.pk for v in line.items.all()],
            "quotas": [],
            "seats": {"KJ": 1},
            "window_start": "2021-06-07",
            "window_end": "2021-06-30",
        },
    )
    assert response.status_code == 400
    assert response.json()["fields"] == {
        "seats": ["每个检查组至少需要2名持证执法人员（专家不计入），当前只有1名"]
    }
    assert not SamplingTask.objects.exists()


def test_the_planners_steps_and_refused_ones(client, opened):
    url = f"/api/v1/tasks/{opened['id']}"
    refused = _post(client, f"{url}/start/")
    assert refused.status_code == 400
    assert refused.json()["message"] == "抽查任务T-2021-007当前为“草稿”，不能变更为“检查实施中”"
    # Starting opens the inspections of the drawn teams (tests/fieldwork/test_task_start.py):
    # without a performed teams draw there are none, and the task stays where it is.
    SamplingTask.objects.filter(pk=opened["id"]).update(status=TaskStatus.TEAMS_DRAWN)
    refused = _post(client, f"{url}/start/")
    assert refused.status_code == 400
    assert refused.json()["message"] == "抽查任务T-2021-007没有已完成的检查人员抽取"
    assert SamplingTask.objects.get(pk=opened["id"]).status == TaskStatus.TEAMS_DRAWN
    SamplingTask.objects.filter(pk=opened["id"]).update(status=TaskStatus.IN_PROGRESS)
    assert _post(client, f"{url}/review/").json()["status"] == "results_reviewed"
    assert _post(client, f"{url}/publish/").json()["status"] == "published"
    archived = _post(client, f"{url}/archive/").json()
    assert archived["status"] == "archived"
    assert [(t["from_status"], t["to_status"]) for t in archived["transitions"]] == [
        ("in_progress", "results_reviewed"),
        ("results_reviewed", "published"),
        ("published", "archived"),
    ]


def test_abandoning_through_the_api_needs_a_reason(client, opened):
    url = f"/api/v1/tasks/{opened['id']}/abandon/"
    assert _post(client, url).status_code == 400
    assert _post(client, url, {"reason": "范围内企业不足"}).json()["status"] == "abandoned"


def test_the_lead_invites_and_edits_a_draft(client, opened, ga, staff, foreign_work):
    staff(ga, foreign_work, 1)
    url = f"/api/v1/tasks/{opened['id']}"
    invited = _post(client, f"{url}/invite/", {"department": "GA", "seats": 1}).json()
    assert {d["code"]: d["status"] for d in invited["departments"]} == {
        "KJ": "confirmed",
        "GA": "invited",
    }
    edited = _post(client, f"{url}/edit/", {"name": "改名", "officer_cap": 3}).json()
    assert (edited["name"], edited["officer_cap"], edited["scope_mode"]) == ("改名", 3, "targeted")


def test_staff_outside_planning_cannot_read_tasks(client, inspector, audit_admin, opened):
    for user in (inspector, audit_admin):
        log_in(client, user)
        assert client.get("/api/v1/tasks/").status_code == 403

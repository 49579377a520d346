"""The plan and task API check their body before a service sees it: the 500s found by fuzzing
the staff API (issue 20, item 11), each written as it was sent."""

import pytest

from inspections.planning.models import PlanLine, SamplingTask, ScopeMode
from tests.conftest import log_in


def _post(client, url, data):
    return client.post(url, data, content_type="application/json")


@pytest.fixture
def directory(kj, publish_item, make_directory):
    publish_item(code="KJ-WGR-001")
    make_directory({"A": 50, "B": 30, "C": 12, "D": 3})


def test_a_line_added_without_items_is_refused(client, planner, directory):
    log_in(client, planner)
    plan = _post(client, "/api/v1/plans/generate/", {"year": 2021}).json()
    lines = PlanLine.objects.filter(plan_id=plan["id"]).count()
    response = _post(client, f"/api/v1/plans/{plan['id']}/add-line/", {"name": "无事项"})
    assert response.status_code == 400
    assert response.json()["fields"] == {"items": ["该字段是必填项。"]}
    assert PlanLine.objects.filter(plan_id=plan["id"]).count() == lines


def test_a_plan_step_on_a_non_numeric_id_is_a_404(client, planner, directory):
    log_in(client, planner)
    response = _post(client, "/api/v1/plans/null,null/add-line/", {"items": []})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("quotas", [[{}], [{"ratio": None}], [{"count": 2}]])
def test_a_task_edit_with_a_quota_row_without_its_class_is_refused(
    client, planner, open_draft_task, quotas
):
    task = open_draft_task()
    log_in(client, planner)
    response = _post(client, f"/api/v1/tasks/{task.pk}/edit/", {"quotas": quotas})
    assert response.status_code == 400
    assert "risk_class" in str(response.json()["fields"]["quotas"])


def test_a_task_edit_leaves_the_fields_it_does_not_name(client, planner, open_draft_task):
    task = open_draft_task(scope_mode=ScopeMode.TARGETED, region_code="220100")
    log_in(client, planner)
    response = _post(client, f"/api/v1/tasks/{task.pk}/edit/", {"name": "改名"})
    assert response.status_code == 200, response.json()
    task = SamplingTask.objects.get(pk=task.pk)
    assert (task.name, task.scope_mode) == ("改名", ScopeMode.TARGETED)


def test_a_nul_in_a_department_code_is_refused_before_any_query(client, planner, open_draft_task):
    # Found on PostgreSQL, which cannot compare a NUL: the invitation's department was a
    # DataError (500). Sent as the fuzzer did, as multipart; and as JSON, in a key too.
    task = open_draft_task()
    log_in(client, planner)
    url = f"/api/v1/tasks/{task.pk}/invite/"
    for response in (
        client.post(url, {"department": "m\x002K", "seats": 1}),
        _post(client, url, {"department": "G\x00A", "seats": 1}),
        _post(client, url, {"department": "GA", "seats": 1, "\x00": {}}),
    ):
        assert response.status_code == 400
        assert response.json() == {
            "code": "parse_error",
            "message": "提交的内容不能包含空字符（NUL）。",
            "fields": {},
        }
    assert task.participations.count() == 1

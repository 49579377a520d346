"""/api/v1/plans/: scoped reads and every workflow step as a POST action."""

import pytest

from inspections.planning.models import AnnualPlan, PlanStatus
from tests.conftest import log_in


@pytest.fixture
def directory(kj, publish_item, make_directory):
    publish_item(code="KJ-WGR-001")
    make_directory({"A": 50, "B": 30, "C": 12, "D": 3})


@pytest.fixture
def api(client):
    def as_user(user):
        log_in(client, user)
        return client

    return as_user


def _post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def test_the_planner_generates_edits_and_submits_through_the_api(api, planner, directory):
    client = api(planner)
    created = _post(client, "/api/v1/plans/generate/", {"year": 2021})
    assert created.status_code == 201
    plan = created.json()
    assert (plan["year"], plan["status"], plan["department"]) == (2021, "draft", "KJ")
    [line] = plan["lines"]
    assert line["planned"] == 6 and [i["code"] for i in line["items"]] == ["KJ-WGR-001"]
    edited = _post(
        client,
        f"/api/v1/plans/{plan['id']}/edit-line/",
        {
            "line": line["id"],
            "name": "专项抽查",
            "quotas": [{"risk_class": "A", "count": 4}, {"risk_class": "D", "ratio": "0.1"}],
            "start_quarter": 3,
            "end_quarter": 3,
        },
    ).json()
    assert edited["lines"][0]["name"] == "专项抽查" and edited["lines"][0]["planned"] == 5
    submitted = _post(client, f"/api/v1/plans/{plan['id']}/submit/").json()
    assert submitted["status"] == "submitted"


def test_a_bad_ratio_answers_with_the_one_error_shape(api, planner, directory):
    client = api(planner)
    plan = _post(client, "/api/v1/plans/generate/", {"year": 2021}).json()
    response = _post(
        client,
        f"/api/v1/plans/{plan['id']}/edit-line/",
        {"line": plan["lines"][0]["id"], "quotas": [{"risk_class": "C", "ratio": "0.5"}]},
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "message": "提交的数据有误，请检查标出的字段。",
        "fields": {"quotas": ["C类抽查比例50%超过事项KJ-WGR-001的抽查比例上限10%"]},
    }


def test_approval_is_the_administrators_and_publishing_the_planners(
    api, planner, department_admin, directory
):
    plan = _post(api(planner), "/api/v1/plans/generate/", {"year": 2021}).json()
    url = f"/api/v1/plans/{plan['id']}"
    _post(api(planner), f"{url}/submit/")
    refused = _post(api(planner), f"{url}/approve/")
    assert refused.status_code == 403
    assert refused.json()["message"] == "只有市科学技术局的部门管理员可以批准年度抽查计划"
    assert _post(api(department_admin), f"{url}/approve/").json()["status"] == "approved"
    assert _post(api(planner), f"{url}/publish/").json()["status"] == "published"
    filed = _post(
        api(planner), f"{url}/file/", {"filed_on": "2021-03-26", "authority": "市政府办公厅"}
    ).json()
    assert filed["filing"]["authority"] == "市政府办公厅"
    edit = _post(api(planner), f"{url}/title/", {"title": "改"})
    assert edit.status_code == 400
    assert edit.json()["message"] == "已发布的计划不能修改；如需调整，请修订生成新版本"
    revision = _post(api(planner), f"{url}/revise/", {"reason": "增加专项抽查"})
    assert revision.status_code == 201 and revision.json()["version"] == 2


def test_the_return_action_sends_the_plan_back_with_its_reason(
    api, planner, department_admin, directory
):
    plan = _post(api(planner), "/api/v1/plans/generate/", {"year": 2021}).json()
    _post(api(planner), f"/api/v1/plans/{plan['id']}/submit/")
    returned = _post(
        api(department_admin), f"/api/v1/plans/{plan['id']}/return/", {"reason": "比例偏低"}
    ).json()
    assert (returned["status"], returned["return_reason"]) == ("draft", "比例偏低")


def test_plans_are_scoped_to_the_department(
    api, planner, ga_department_admin, inspector, directory
):
    plan = _post(api(planner), "/api/v1/plans/generate/", {"year": 2021}).json()
    assert api(ga_department_admin).get("/api/v1/plans/").json()["results"] == []
    assert api(ga_department_admin).get(f"/api/v1/plans/{plan['id']}/").status_code == 404
    assert api(inspector).get("/api/v1/plans/").status_code == 403
    listed = api(planner).get("/api/v1/plans/", {"year": 2021}).json()["results"]
    assert [p["id"] for p in listed] == [plan["id"]]


def test_the_staffing_action_lists_the_warnings(api, planner, directory):
    plan = _post(api(planner), "/api/v1/plans/generate/", {"year": 2021}).json()
    warnings = api(planner).get(f"/api/v1/plans/{plan['id']}/staffing/").json()
    assert {w["department"] for w in warnings} == {"KJ"}
    assert warnings[0]["position"] == 1 and "只有0名符合条件的执法人员" in warnings[0]["message"]
    assert AnnualPlan.objects.get().status == PlanStatus.DRAFT

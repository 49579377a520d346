"""The same directory and item list through /api/v1/."""

import pytest

from inspections.directory.models import FOREIGN_EMPLOYER_TAG, InspectionItem
from inspections.directory.services import publish_item_version
from tests.conftest import log_in

FIRMS = "/api/v1/firms/"
ITEMS = "/api/v1/items/"


@pytest.fixture
def api(client):
    def as_user(user):
        log_in(client, user)
        return client

    return as_user


def test_the_public_gets_the_error_shape_and_nothing_else(client, db):
    response = client.get(FIRMS)
    assert response.status_code in (401, 403)
    assert set(response.json()) == {"code", "message", "fields"}
    assert client.get(ITEMS).status_code in (401, 403)


def test_an_audit_administrator_is_refused(api, audit_admin):
    assert api(audit_admin).get(FIRMS).status_code == 403


def test_firms_filter_like_the_page_and_page_by_cursor(api, planner, make_firm):
    for number in range(5):
        make_firm(name=f"南关{number}", region="220102", risk_class="D")
    make_firm(name="延吉", region="222401", tags={FOREIGN_EMPLOYER_TAG: {"foreign_staff": 2}})
    client = api(planner)
    page = client.get(FIRMS, {"region": "220100", "page_size": 2}).json()
    assert [f["name"] for f in page["results"]] == ["南关0", "南关1"]
    assert "count" not in page  # no COUNT(*) over the directory
    following = client.get(page["next"]).json()
    assert [f["name"] for f in following["results"]] == ["南关2", "南关3"]
    tagged = client.get(FIRMS, {"tag": FOREIGN_EMPLOYER_TAG}).json()["results"]
    assert [f["name"] for f in tagged] == ["延吉"]
    assert tagged[0]["tags"][0]["detail"] == {"foreign_staff": 2}
    assert tagged[0]["region_name"] == "吉林省延边朝鲜族自治州延吉市"


def test_counts_through_the_api(api, planner, make_firm):
    make_firm(risk_class="A")
    make_firm(risk_class="D", region="220202")
    body = api(planner).get(f"{FIRMS}counts/", {"region": "220200"}).json()
    assert body == {"total": 1, "counts": {"A": 0, "B": 0, "C": 0, "D": 1}}


def test_a_bad_filter_answers_in_the_error_shape(api, planner):
    response = api(planner).get(FIRMS, {"industry": "??"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "industry" in response.json()["fields"]


def test_retrieve_a_firm(api, inspector, make_firm):
    firm = make_firm(name="检查对象")
    body = api(inspector).get(f"{FIRMS}{firm.pk}/").json()
    assert body["uscc"] == firm.uscc and body["status_label"] == "存续"


ITEM = {
    "code": "KJ-API-001",
    "enforcement_field": "FOREIGN_WORK",
    "name": "外国人来华工作许可事项检查",
    "category": "general",
    "ratio_cap": "0.1",
    "legal_basis": "出境入境管理法",
    "methods": ["onsite"],
    "frequency": "每年1次",
    "checkpoints": ["许可证件有效", "按时办理变更"],
    "scope_rules": [{"tag": FOREIGN_EMPLOYER_TAG}],
}


def test_a_planner_runs_the_item_workflow_through_the_api(api, planner, foreign_work):
    client = api(planner)
    created = client.post(ITEMS, ITEM, content_type="application/json")
    assert created.status_code == 201, created.json()
    item = created.json()
    assert item["department"] == "KJ" and item["current_version"] is None
    url = f"{ITEMS}{item['id']}/"
    published = client.post(f"{url}publish/", {}, content_type="application/json").json()
    assert published["current_version"] == 1
    revised = client.post(
        f"{url}revise/",
        {"change_reason": "加一项", "checkpoints": ["许可证件有效", "按时办理变更", "住宿登记"]},
        content_type="application/json",
    ).json()
    assert [v["status"] for v in revised["versions"]] == ["published", "draft"]
    assert len(revised["versions"][1]["checkpoints"]) == 3
    client.post(f"{url}publish/", {"version": 2}, content_type="application/json")
    retired = client.post(f"{url}retire/", {"reason": "取消"}, content_type="application/json")
    assert [v["status"] for v in retired.json()["versions"]] == ["superseded", "retired"]


def test_service_refusals_come_back_in_the_error_shape(api, planner, foreign_work):
    client = api(planner)
    bad = {**ITEM, "category": "key"}  # a key item with a cap
    response = client.post(ITEMS, bad, content_type="application/json")
    assert response.status_code == 400
    assert "ratio_cap" in response.json()["fields"]
    item = client.post(ITEMS, ITEM, content_type="application/json").json()
    again = client.post(
        f"{ITEMS}{item['id']}/retire/", {"reason": "x"}, content_type="application/json"
    )
    assert again.status_code == 400 and "没有已发布的版本" in again.json()["message"]


def test_a_draft_is_edited_through_the_api_but_never_a_published_version(
    api, planner, foreign_work
):
    client = api(planner)
    item = client.post(ITEMS, ITEM, content_type="application/json").json()
    url = f"{ITEMS}{item['id']}/"
    edited = client.post(f"{url}edit-draft/", {"name": "新名称"}, content_type="application/json")
    assert edited.json()["versions"][0]["name"] == "新名称"
    client.post(f"{url}publish/", {}, content_type="application/json")
    refused = client.post(f"{url}edit-draft/", {"name": "再改"}, content_type="application/json")
    assert refused.status_code == 404  # no open draft: a published version is not editable


def test_only_planners_write_items(api, inspector, foreign_work):
    response = api(inspector).post(ITEMS, ITEM, content_type="application/json")
    assert response.status_code == 403


def test_setting_an_explicit_firm_list(api, planner, make_item, make_firm):
    version = make_item()
    firm = make_firm()
    response = api(planner).post(
        f"{ITEMS}{version.item_id}/firm-list/",
        {"usccs": [firm.uscc]},
        content_type="application/json",
    )
    assert response.json() == {"size": 1}
    assert list(InspectionItem.objects.get().firm_list.values_list("uscc", flat=True)) == [
        firm.uscc
    ]


def test_the_public_fields_of_published_items(api, inspector, planner, make_item):
    publish_item_version(actor=planner, version=make_item(scope_rules=[{"tag": "内部标签"}]))
    make_item()  # a draft is not published
    published = api(inspector).get(f"{ITEMS}published/").json()
    assert len(published) == 1
    assert set(published[0]) == {
        "code", "name", "department", "enforcement_field", "version", "category", "legal_basis",
        "target_type", "checkpoints", "methods", "ratio_cap", "frequency", "published_at",
    }  # fmt: skip
    assert published[0]["methods"] == ["实地检查", "书面检查"]
    assert published[0]["ratio_cap"] == "10%"
    assert "内部标签" not in str(published)

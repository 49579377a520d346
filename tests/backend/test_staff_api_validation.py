"""The API checks its path and query before a query runs: the 500s found by fuzzing the staff
API (issue 20, item 11) that belong to no one app, each written as it was sent."""

from backend.audit.services import record_event
from tests.conftest import log_in


def test_an_audit_search_by_an_address_that_is_none_is_refused(client, audit_admin, planner):
    # PostgreSQL's inet column: the adapter raised ValueError on this value, a 500.
    record_event(action="test.alpha", actor=planner)
    log_in(client, audit_admin)
    response = client.get("/api/v1/audit-events/", {"ip": "\x08\U000fea69Ý", "action": "test"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and "ip" in response.json()["fields"]
    assert client.get("/api/v1/audit-events/", {"ip": "10.0.0.1"}).status_code == 200


def test_an_api_path_that_matches_nothing_answers_in_the_api_shape(client, planner):
    log_in(client, planner)
    for path in ("/api/v1/tasks/abc/", "/api/v1/evidence/x/download/", "/api/v1/no-such/"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.json() == {
            "code": "not_found",
            "message": "未找到请求的对象。",
            "fields": {},
        }


def test_an_id_too_long_for_any_row_is_not_found(client, planner):
    # Found by the staff fuzz at 23:30 UTC: SQLite refused a 20-digit id with OverflowError.
    log_in(client, planner)
    response = client.post("/api/v1/tasks/86259389537265358018/confirm/", {})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"

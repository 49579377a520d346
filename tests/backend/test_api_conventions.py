"""The API's shape: one error format, pagination, token auth, the schema and its local docs."""

import re

from backend.jobs.health import EMBEDDED
from tests.conftest import PASSWORD, log_in


def test_an_anonymous_request_gets_the_error_shape_in_chinese(client, db):
    response = client.get("/api/v1/me/")
    assert response.status_code in (401, 403)
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    assert body["code"] == "not_authenticated"
    assert "登录" in body["message"]
    assert body["fields"] == {}


def test_a_refused_role_gets_permission_denied_in_chinese(client, planner):
    client.force_login(planner)
    body = client.get("/api/v1/audit-events/").json()
    assert body["code"] == "permission_denied"
    assert "无权" in body["message"]


def test_a_missing_object_gets_not_found(client, planner):
    client.force_login(planner)
    response = client.get("/api/v1/departments/999999/")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "未找到请求的对象。", "fields": {}}


def test_invalid_input_names_the_fields(client, db):
    response = client.post("/api/v1/auth/token/", {"username": "x"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "password" in body["fields"]
    assert all(isinstance(m, str) for m in body["fields"]["password"])


def test_a_token_authenticates_api_requests(client, planner):
    response = client.post(
        "/api/v1/auth/token/", {"username": planner.username, "password": PASSWORD}
    )
    assert response.status_code == 200
    token = response.json()["token"]
    me = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}").json()
    assert me["username"] == planner.username
    assert me["department"]["code"] == "KJ"
    assert me["role_label"] == "计划人员"


def test_lists_are_paginated(client, audit_admin):
    log_in(client, audit_admin)
    body = client.get("/api/v1/audit-events/").json()
    assert set(body) >= {"count", "next", "previous", "results"}


def test_the_schema_describes_the_api(client, db):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "openapi:" in text
    assert "/api/v1/me/" in text
    assert "/api/v1/departments/" in text


def test_the_docs_page_loads_its_assets_from_our_own_server(client, db):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    asset_urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any("swagger-ui" in url for url in asset_urls)
    assert not [url for url in asset_urls if url.startswith(("http://", "https://", "//"))]


def test_health_check_answers_when_the_database_does(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    # Without a broker the jobs run in the web process, and it says so.
    assert response.json() == {"status": "ok", "queue": {"mode": "embedded", "label": EMBEDDED}}


def test_every_response_carries_a_request_id(client, db):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="abc12345-proxy")
    assert response["X-Request-ID"] == "abc12345-proxy"
    generated = client.get("/healthz", HTTP_X_REQUEST_ID="bad id!")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", generated)

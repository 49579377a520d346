"""The open-data list endpoints, and the public pages that list or search the same data, are
rate limited per client address, with one count for both: 429 with Retry-After."""

import pytest

from tests.conftest import log_in

API = "/api/v1/public"


@pytest.fixture(autouse=True)
def three_a_minute(settings):
    settings.PUBLIC_API_RATE = "3/min"


def test_past_the_rate_a_client_gets_429_with_retry_after_in_the_error_shape(client, db):
    for _ in range(3):
        assert client.get(f"{API}/items/").status_code == 200
    response = client.get(f"{API}/items/")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    body = response.json()
    assert body["code"] == "throttled"
    assert body["message"] == f"请求过于频繁，请在 {response['Retry-After']} 秒后再试。"
    assert body["fields"] == {}
    # The CORS header is there too, so that a web page can read why it was refused.
    assert response["Access-Control-Allow-Origin"] == "*"


def test_the_limit_counts_every_list_endpoint_together(client, db):
    for path in ("items/", "firms/", "officers/"):
        assert client.get(f"{API}/{path}").status_code == 200
    assert client.get(f"{API}/departments/").status_code == 429


def test_each_address_has_its_own_count(client, db):
    for _ in range(3):
        client.get(f"{API}/items/", REMOTE_ADDR="10.0.0.1")
    assert client.get(f"{API}/items/", REMOTE_ADDR="10.0.0.1").status_code == 429
    assert client.get(f"{API}/items/", REMOTE_ADDR="10.0.0.2").status_code == 200


def test_a_forged_forwarded_for_header_does_not_escape_the_limit(client, db):
    for n in range(3):
        client.get(f"{API}/items/", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    response = client.get(f"{API}/items/", HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert response.status_code == 429


def test_behind_a_declared_proxy_the_forwarded_address_counts(client, db, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    for _ in range(3):
        client.get(f"{API}/items/", HTTP_X_FORWARDED_FOR="192.0.2.1")
    assert client.get(f"{API}/items/", HTTP_X_FORWARDED_FOR="192.0.2.1").status_code == 429
    assert client.get(f"{API}/items/", HTTP_X_FORWARDED_FOR="192.0.2.2").status_code == 200


def test_single_records_are_not_counted(client, make_firm):
    firm = make_firm()
    for _ in range(5):
        assert client.get(f"{API}/firms/{firm.uscc}/").status_code == 200
    assert client.get(f"{API}/firms/").status_code == 200


@pytest.mark.parametrize(
    "page",
    ["/public/firms/", "/public/items/", "/public/officers/", "/public/results/", "/public/plans/"],
)
def test_past_the_rate_a_public_list_page_answers_429_in_chinese_with_retry_after(client, db, page):
    for _ in range(3):
        assert client.get(page, {"q": "科技"}).status_code == 200
    response = client.get(page, {"q": "科技"})
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert response["Content-Type"].startswith("text/html")
    assert "no-store" in response["Cache-Control"]
    text = response.content.decode()
    assert "请求过于频繁" in text
    assert f"请在 {response['Retry-After']} 秒后再试" in text


def test_the_api_and_the_public_pages_share_one_count(client, db):
    assert client.get(f"{API}/items/").status_code == 200
    assert client.get("/public/items/").status_code == 200
    assert client.get(f"{API}/firms/").status_code == 200
    # The fourth list request of the minute, through either door, is refused.
    assert client.get("/public/firms/").status_code == 429
    assert client.get(f"{API}/officers/").status_code == 429


def test_pages_spend_the_apis_count_too(client, db):
    for _ in range(3):
        assert client.get("/public/officers/").status_code == 200
    assert client.get(f"{API}/items/").status_code == 429


def test_each_address_has_its_own_count_on_the_pages_too(client, db):
    for _ in range(3):
        client.get("/public/items/", REMOTE_ADDR="10.0.0.1")
    assert client.get("/public/items/", REMOTE_ADDR="10.0.0.1").status_code == 429
    assert client.get("/public/items/", REMOTE_ADDR="10.0.0.2").status_code == 200


def test_a_single_record_page_is_not_counted(client, make_firm):
    firm = make_firm()
    for _ in range(5):
        assert client.get(f"/public/firms/{firm.uscc}/").status_code == 200
        assert client.get("/public/").status_code == 200
    assert client.get("/public/firms/").status_code == 200


def test_a_refused_method_is_not_counted(client, db):
    for _ in range(5):
        assert client.post("/public/items/").status_code == 405
    assert client.get("/public/items/").status_code == 200


def test_staff_pages_are_not_counted(client, db, planner):
    log_in(client, planner)
    for _ in range(3):
        assert client.get("/public/items/").status_code == 200
    assert client.get("/public/items/").status_code == 429
    # The staff's own lists are not the open data: no public count applies to them.
    for _ in range(5):
        assert client.get("/tasks/").status_code == 200
        assert client.get("/directory/firms/").status_code == 200


def test_the_results_plans_tasks_and_statistics_lists_share_the_limit(client, db):
    for path in ("results/", "plans/", "tasks/"):
        assert client.get(f"{API}/{path}").status_code == 200
    response = client.get(f"{API}/statistics/")
    assert response.status_code == 429
    assert response.json()["code"] == "throttled" and "Retry-After" in response


def test_the_yearly_downloads_count_too(client, db):
    for _ in range(3):
        # No result in 2021 here: each answer is a 404, and each still counts.
        assert client.get(f"{API}/downloads/results-2021.csv").status_code == 404
    assert client.get(f"{API}/downloads/results-2021.xlsx").status_code == 429


def test_a_single_result_or_a_years_statistics_is_not_counted(client, db):
    for _ in range(5):
        assert client.get(f"{API}/results/T-0-001-G1/").status_code == 404
        assert client.get(f"{API}/statistics/2021/").status_code == 200
    assert client.get(f"{API}/results/").status_code == 200

"""The open-data list endpoints are rate limited per client address: 429 with Retry-After."""

import pytest

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


def test_the_public_pages_are_not_rate_limited_by_the_api(client, db):
    for _ in range(4):
        client.get(f"{API}/items/")
    assert client.get("/public/items/").status_code == 200


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

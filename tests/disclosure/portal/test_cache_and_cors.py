"""Cache headers on the portal and the open data; CORS open on /api/v1/public/ only."""

import pytest

PAGES = ["/public/", "/public/firms/?q=长春", "/public/items/", "/public/officers/",
         "/public/procedures/"]  # fmt: skip
API_LISTS = ["/api/v1/public/departments/", "/api/v1/public/firms/", "/api/v1/public/items/",
             "/api/v1/public/officers/"]  # fmt: skip


@pytest.fixture(autouse=True)
def cache_for_ten_minutes(settings):
    settings.PUBLIC_CACHE_SECONDS = 600


@pytest.mark.parametrize("url", PAGES + API_LISTS)
def test_public_answers_may_be_cached_by_anyone(client, db, url):
    response = client.get(url)
    assert response.status_code == 200
    assert set(response["Cache-Control"].split(", ")) == {"public", "max-age=600"}


def test_a_firm_and_an_item_may_be_cached_too(client, make_firm, make_item):
    firm = make_firm()
    make_item(code="KJ-C-001")
    for url in (
        f"/public/firms/{firm.uscc}/",
        f"/api/v1/public/firms/{firm.uscc}/",
        "/public/items/KJ-C-001/",
        "/api/v1/public/items/KJ-C-001/",
    ):
        assert "max-age=600" in client.get(url)["Cache-Control"], url


def test_errors_are_not_marked_cacheable(client, db):
    response = client.get("/api/v1/public/items/NOPE/")
    assert response.status_code == 404
    assert "public" not in response.get("Cache-Control", "")


def test_a_logged_in_member_of_staff_gets_a_private_copy(client, planner):
    # Their name is in the page header: no shared cache may keep it.
    client.force_login(planner)
    response = client.get("/public/")
    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]


@pytest.mark.parametrize("url", API_LISTS)
def test_the_open_data_allows_any_origin(client, db, url):
    response = client.get(url, HTTP_ORIGIN="https://news.example.com")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Retry-After" in response["Access-Control-Expose-Headers"]


def test_a_preflight_is_answered_for_reads_only(client, db):
    response = client.options(
        "/api/v1/public/items/",
        HTTP_ORIGIN="https://news.example.com",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="accept",
    )
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert "Accept" in response["Access-Control-Allow-Headers"]
    assert int(response["Access-Control-Max-Age"]) > 0


@pytest.mark.parametrize("url", ["/api/v1/departments/", "/api/v1/items/", "/public/"])
def test_the_staff_api_and_the_pages_keep_the_same_origin_policy(client, db, url):
    response = client.get(url, HTTP_ORIGIN="https://news.example.com")
    assert "Access-Control-Allow-Origin" not in response
    preflight = client.options(
        url, HTTP_ORIGIN="https://news.example.com", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET"
    )
    assert "Access-Control-Allow-Origin" not in preflight


def test_the_open_data_needs_no_session_and_sets_no_cookie(client, db):
    response = client.get("/api/v1/public/items/")
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")

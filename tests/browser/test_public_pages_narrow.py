"""No public page is wider than a phone's screen (375 px): the portal's home, search, lists and
results, and every draw page, also with its 技术验证 section open and after the 验证 button
has shown its steps (64-character hashes wrap instead of widening the page). Read only."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PAGES = [
    "/",
    "/public/",
    "/public/firms/?q=公司",
    "/public/items/",
    "/public/officers/",
    "/public/procedures/",
    "/public/open-data/",
    "/public/results/",
    "/public/plans/",
]


def _width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.parametrize("path", PAGES)
def test_a_public_page_does_not_scroll_sideways_on_a_phone(phone, path):
    response = phone.goto(path)
    assert response.ok, f"{path} answered {response.status}"
    assert _width(phone) <= 375, path


def test_the_results_links_lead_to_pages_that_fit_too(phone):
    phone.goto("/public/plans/")
    links = phone.locator("main a[href^='/public/plans/'], main a[href^='/public/tasks/']")
    hrefs = {links.nth(i).get_attribute("href") for i in range(links.count())}
    assert hrefs, "the demo publishes a plan"
    for href in sorted(hrefs):
        phone.goto(href)
        assert _width(phone) <= 375, href


def test_every_draw_page_fits_a_phone_with_its_details_open_and_verified(phone):
    draws = phone.request.get("/api/v1/public/draws/?page_size=500").json()["results"]
    assert draws
    for draw in draws:
        phone.goto(f"/public/draws/{draw['id']}/")
        assert _width(phone) <= 375, draw["id"]
        phone.get_by_test_id("technical").locator("summary").click()
        expect(phone.get_by_test_id("announcement")).to_be_visible()
        assert _width(phone) <= 375, f"{draw['id']} 技术验证"
        if draw["reveal"] is not None:
            phone.get_by_test_id("verify-button").click()
            expect(phone.get_by_test_id("verify-verdict")).to_have_attribute(
                "data-result", "ok", timeout=30_000
            )
            assert _width(phone) <= 375, f"{draw['id']} verified"

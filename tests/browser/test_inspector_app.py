"""The inspector's app on a phone (375 px), in a real browser over the demo: no inspector page
scrolls sideways, every link and button on them is a touch target of at least 44 × 44 px
(measured in the browser, every <details> opened), and an inspection's page opened once online
opens again with no connection, from the copy its service worker kept. Read only: nothing is
recorded."""

import re

import pytest
from playwright.sync_api import expect
from servers import log_in

from demo.accounts import DEMO_ACCOUNTS

pytestmark = pytest.mark.browser

PASSWORDS = {a.username: a.password for a in DEMO_ACCOUNTS}
TARGETS = "a, button, summary, input[type=file], input[type=submit], select, label.tap"
SMALL = """(selector) => Array.from(document.querySelectorAll(selector)).flatMap((el) => {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (!box.width || !box.height || style.visibility === "hidden") return [];
    if (box.height >= 44 && box.width >= 44) return [];
    const name = (el.textContent || el.getAttribute("aria-label") || el.name || "").trim();
    const size = `${Math.round(box.width)}×${Math.round(box.height)}`;
    return [`${el.tagName.toLowerCase()} “${name.slice(0, 30)}” ${size}`];
})"""


def _inspector(phone):
    log_in(phone, "kj_inspector", PASSWORDS["kj_inspector"])
    expect(phone).to_have_url(re.compile(r"/field/$"))


def _inspection_pages(phone) -> list[str]:
    """The inspector's inspections as their home lists them (open, upcoming, recent)."""
    phone.goto("/field/")
    links = phone.locator("main a[href*='/field/inspections/']")
    hrefs = {links.nth(i).get_attribute("href") for i in range(links.count())}
    pages = sorted(h for h in hrefs if re.fullmatch(r"/field/inspections/\d+/", h))
    assert pages, "the demo seats kj_inspector on inspections"
    return pages


def _check(phone, path, problems):
    response = phone.goto(path)
    assert response.ok, f"{path} answered {response.status}"
    phone.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
    width = phone.evaluate("document.documentElement.scrollWidth")
    if width > 375:
        problems.append(f"{path}：页面宽 {width}px")
    problems.extend(f"{path}：{small}" for small in phone.evaluate(SMALL, TARGETS))


def test_no_inspector_page_scrolls_sideways_and_every_target_is_44_px(phone):
    _inspector(phone)
    pages = _inspection_pages(phone)
    paths = ["/field/", *pages]
    for page in pages:
        phone.goto(page)
        for test_id in ("code-link", "followups-link"):
            link = phone.get_by_test_id(test_id)
            if link.count():
                paths.append(link.get_attribute("href"))
        paths.append(page.replace("/field/inspections/", "/field/evidence/inspections/"))
    problems: list[str] = []
    for path in dict.fromkeys(paths):
        _check(phone, path, problems)
    assert not problems, "\n".join(problems)


def test_the_camera_input_and_the_header_are_44_px_high(phone):
    _inspector(phone)
    for page in _inspection_pages(phone):
        phone.goto(page)
        if phone.get_by_test_id("photo-form").count():
            break
    else:
        pytest.fail("no inspection of kj_inspector's takes photos in the demo")
    for target in (
        phone.get_by_role("button", name="退出"),
        phone.get_by_test_id("notice-link"),
        phone.get_by_test_id("map-link"),
        phone.get_by_test_id("photo-form").locator("input[type=file]"),
    ):
        if not target.is_visible():
            phone.get_by_role("button", name="菜单").click()
        box = target.bounding_box()
        assert box is not None and box["height"] >= 44 and box["width"] >= 44, box


def test_the_inspection_page_opens_offline_after_one_online_visit(phone):
    _inspector(phone)
    page = _inspection_pages(phone)[0]
    # The app installs itself from the inspector's home.
    phone.evaluate("navigator.serviceWorker.ready.then(() => true)")
    phone.goto(page)
    expect(phone.get_by_test_id("checklist")).to_be_visible()
    assert phone.evaluate("navigator.serviceWorker.controller !== null")
    title = phone.get_by_test_id("home-title").inner_text()
    # The page's forms carry keys made when it was rendered: the kept copy has the same ones.
    keys = phone.locator("input[name=idempotency_key]").evaluate_all(
        "(inputs) => inputs.map((i) => i.value)"
    )

    context = phone.context
    # Playwright's offline mode once left a service worker's own requests online (microsoft/
    # playwright#2311); the keys below tell the kept copy from a page the server rendered anew.
    context.set_offline(True)
    try:
        response = phone.goto(page)
        assert response is not None and response.from_service_worker
        expect(phone.get_by_test_id("home-title")).to_have_text(title)
        expect(phone.get_by_test_id("checklist")).to_be_visible()
        kept = phone.locator("input[name=idempotency_key]").evaluate_all(
            "(inputs) => inputs.map((i) => i.value)"
        )
        assert kept == keys  # the kept copy, not a new page from the server
        # Its styles and the drafts script came from the worker's files too.
        assert (
            phone.evaluate("getComputedStyle(document.querySelector('.stage')).borderRadius")
            == "6px"
        )
        assert phone.evaluate("typeof window.__fieldworkDraftTimer") == "number"

        # A page never opened online says so in Chinese rather than the browser's error page.
        phone.goto("/field/inspections/999999/")
        expect(phone.get_by_role("heading", name="无网络连接")).to_be_visible()
    finally:
        context.set_offline(False)

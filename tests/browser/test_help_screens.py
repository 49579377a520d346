"""The 操作手册's screenshots (/help/, manual/static/help/screens/), taken from the demo.

Each shot logs in as the demo account of its role (or none, for the login page, the firms and
the public), opens the page the manual shows, checks that the page's 帮助 link leads to the
manual's part that shows it, and saves a PNG of the first screen into the directory the manual
serves: the manual shows the product as it is now whenever the browser tests have run (commit
the changed PNGs). tests/manual/test_manual.py checks that every screenshot the manual shows is
listed in SHOTS and committed.
"""

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image
from servers import _ENVIRONMENTS, MANAGE, log_in

from demo.accounts import DEMO_ACCOUNTS

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SCREENS = ROOT / "manual" / "static" / "help" / "screens"
PASSWORDS = {a.username: a.password for a in DEMO_ACCOUNTS}
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}


@dataclass(frozen=True)
class Shot:
    account: str | None  # a demo username; None: not logged in
    path: str  # may name one of the demo's records: {task}, {inspection}, {code}, {rating}, {draw}
    section: str  # the manual's part whose 帮助 link the page shows
    shows: str = ""  # a text the page must show for the manual's description of it to hold


# Names ending in -phone are taken on a 375 px phone.
SHOTS = {
    "login": Shot(None, "/accounts/login/", "account"),
    "planner-home": Shot("kj_planner", "/accounts/planner/", "planner"),
    "planner-plans": Shot("kj_planner", "/plans/", "planner"),
    "planner-task": Shot("kj_planner", "/tasks/{task}/", "planner"),
    "inspector-today-phone": Shot("kj_inspector", "/field/", "inspector"),
    "inspector-inspection-phone": Shot(
        "kj_inspector", "/field/inspections/{inspection}/", "inspector"
    ),
    "legal-queue": Shot("kj_legal", "/legal/", "legal"),
    "department-home": Shot("kj_admin", "/accounts/department/", "department"),
    "department-review": Shot("kj_admin", "/field/review/", "department"),
    "system-home": Shot("sys_admin", "/accounts/system/", "system"),
    "security-home": Shot("sec_admin", "/accounts/security/", "security"),
    "audit-events": Shot("audit_admin", "/audit/", "audit"),
    "supervisor-warnings": Shot("sf_supervisor", "/supervision/", "supervisor"),
    "firm-code-phone": Shot(None, "/public/jc/{code}/", "firm", "检查码有效"),
    "firm-rating-phone": Shot(None, "/public/pj/{rating}/", "firm", "总体评价"),
    "public-home": Shot(None, "/public/", "public"),
    "public-draw": Shot(None, "/public/draws/{draw}/", "public"),
}

# The demo's records the shots open, asked of the server's own database.
RECORDS = """
import json
from django.utils import timezone
from fieldwork.models import Inspection, InspectionCode
from inspections.draws.models import Draw
from inspections.planning.models import SamplingTask
from ratings.models import Rating, RatingLink

# The newest: the demo's 2025-rules story gives kj_inspector one in the year it runs.
inspection = Inspection.objects.filter(
    members__officer__user__username="kj_inspector"
).order_by("-pk").first()
today = timezone.localdate()
codes = list(InspectionCode.objects.select_related("inspection").order_by("pk"))
rated = set(Rating.objects.values_list("inspection_id", flat=True))
links = list(RatingLink.objects.order_by("pk"))
link = next(l for l in links if l.inspection_id not in rated and l.is_valid_on(today))
print(json.dumps({
    "task": SamplingTask.objects.filter(department__code="KJ").order_by("pk").first().pk,
    "inspection": inspection.pk,
    "code": next(c for c in codes if c.status(today) == "valid").token,
    "rating": link.token,
    "draw": Draw.objects.filter(status="performed").order_by("pk").first().public_id,
}))
"""


@pytest.fixture(scope="module")
def chinese_font():
    """Without a Chinese font Chromium draws boxes: fail rather than save them."""
    fonts = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout
    if not fonts.strip():
        pytest.fail("no Chinese font for Chromium: apt-get install fonts-wqy-microhei")


@pytest.fixture(scope="module")
def records(server_url):
    result = subprocess.run(
        [*MANAGE, "shell", "-c", RECORDS],
        env=_ENVIRONMENTS[server_url],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("name", sorted(SHOTS))
def test_manual_screenshot(name, browser, server_url, records, chinese_font, tmp_path):
    shot = SHOTS[name]
    phone = name.endswith("-phone")
    context = browser.new_context(
        base_url=server_url,
        locale="zh-CN",
        viewport=PHONE if phone else DESKTOP,
        is_mobile=phone,
    )
    try:
        page = context.new_page()
        if shot.account:
            log_in(page, shot.account, PASSWORDS[shot.account])
            assert "/accounts/login" not in page.url, f"{shot.account} could not log in"
        path = shot.path.format(**records)
        response = page.goto(path)
        assert response is not None and response.ok, (path, response and response.status)
        assert page.url.endswith(path), f"{path} led to {page.url}"
        help_href = page.get_by_test_id("help-link").get_attribute("href")
        assert help_href.startswith(f"/help/{shot.section}/"), (name, help_href)
        if shot.shows:
            assert shot.shows in page.inner_text("main"), (name, shot.shows)
        raw = tmp_path / f"{name}.png"
        page.screenshot(path=str(raw))
    finally:
        context.close()
    # 64 colours are plenty for a page of text and keep the committed files small.
    SCREENS.mkdir(parents=True, exist_ok=True)
    image = Image.open(raw).convert("RGB").quantize(colors=64)
    image.save(SCREENS / f"{name}.png", optimize=True)


@pytest.mark.parametrize("path", ["/help/", "/help/inspector/", "/help/planner/"])
def test_the_manual_fits_a_phone(phone, path):
    phone.goto(path)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    for image in phone.locator("figure.screen img").all():
        image.scroll_into_view_if_needed()
        # decode() resolves once the (lazily loaded) image has arrived and decoded.
        assert image.evaluate("i => i.decode().then(() => i.naturalWidth)") > 0
        assert image.bounding_box()["width"] <= 375


def test_the_manual_prints_without_menus(page):
    page.goto("/help/planner/")
    page.emulate_media(media="print")
    assert page.locator("header.topbar").is_hidden()
    assert page.locator("nav.manual-others").is_hidden()
    assert page.get_by_role("heading", name="编制年度抽查计划").is_visible()


def test_the_help_link_leads_from_a_page_to_its_topic(page):
    log_in(page, "kj_legal", PASSWORDS["kj_legal"])
    page.goto("/legal/catalogue/")
    page.get_by_test_id("help-link").click()
    page.wait_for_load_state()
    assert page.url.endswith("/help/legal/#catalogue")
    assert page.locator("#catalogue").is_visible()

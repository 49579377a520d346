"""The 操作手册 (/help/): every part renders for anyone, names only pages that exist, has a topic
for every page of the product, and shows only screenshots that the browser test takes."""

import ast
import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from backend.accounts.roles import NAVIGATION, Role
from manual.sections import ROLE_SECTION, SECTIONS, topic_for, url_names
from manual.templatetags.manual import page
from tests.conftest import log_in

ROOT = Path(__file__).resolve().parents[2]
SCREENS = ROOT / "manual" / "static" / "help" / "screens"
BROWSER_TEST = ROOT / "tests" / "browser" / "test_help_screens.py"

# Not pages of the product that a person reads: the manual itself and the Django admin's own
# pages (which do not use base.html, and are all explained by the system administrator's part).
UNEXPLAINED = ("help:",)


def _shot_list() -> set[str]:
    """The names in the browser test's SHOTS, read from its source (it needs a server to run)."""
    tree = ast.parse(BROWSER_TEST.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == "SHOTS" for t in targets):
                return {key.value for key in node.value.keys}
    raise AssertionError("tests/browser/test_help_screens.py has no SHOTS")


def _rendered(client: Client) -> dict[str, str]:
    pages = {"index": client.get(reverse("help:index"))}
    for section in SECTIONS:
        pages[section.slug] = client.get(reverse("help:section", args=[section.slug]))
    for slug, response in pages.items():
        assert response.status_code == 200, slug
    return {slug: response.content.decode() for slug, response in pages.items()}


@pytest.mark.django_db
def test_every_part_is_readable_without_logging_in_and_has_its_topics():
    pages = _rendered(Client())
    for section in SECTIONS:
        html = pages[section.slug]
        for anchor in set(section.pages.values()):
            assert f'id="{anchor}"' in html, (section.slug, anchor)
        assert f'href="/help/{section.slug}/"' in pages["index"]


@pytest.mark.django_db
def test_an_unknown_part_is_not_found():
    assert Client().get("/help/nobody/").status_code == 404


def test_the_parts_name_only_pages_and_namespaces_that_exist():
    names, namespaces = url_names()
    for section in SECTIONS:
        for name in section.pages:
            assert name in names or name in namespaces, (section.slug, name)


def test_a_removed_page_named_in_the_manual_fails():
    with pytest.raises(ValueError, match="已不存在"):
        page("plans:no-such-page", "不存在的页面")
    assert 'href="/plans/"' in page("plans:list", "年度计划")
    assert "<b" in page("plans:detail", "计划页面")  # needs a parameter: named, not linked


def test_every_page_of_the_product_has_a_topic():
    names, _ = url_names()
    missing = [n for n in sorted(names) if not n.startswith(UNEXPLAINED) and not topic_for(n)]
    assert missing == []


@pytest.mark.parametrize("role", Role.values)
def test_each_menu_entry_points_to_the_readers_own_part(role):
    own = ROLE_SECTION[role]
    for _, url_name in NAVIGATION[role]:
        section, _anchor = topic_for(url_name, role)
        assert section == own, (role, url_name, section.slug)


def test_a_shared_page_points_each_role_to_its_own_topic():
    assert topic_for("personnel:officers", Role.PLANNER)[0].slug == "planner"
    assert topic_for("personnel:officers", Role.LEGAL_REVIEWER) == (
        ROLE_SECTION[Role.LEGAL_REVIEWER],
        "officers",
    )
    assert topic_for("public:draw") == (next(s for s in SECTIONS if s.slug == "public"), "draws")


@pytest.mark.django_db
def test_the_header_links_to_the_pages_topic(planner):
    client = Client()
    response = client.get(reverse("public:home"))
    assert 'data-testid="help-link"' in response.content.decode()
    assert 'href="/help/public/#portal"' in response.content.decode()
    log_in(client, planner)
    html = client.get(reverse("plans:list")).content.decode()
    assert re.search(r'<a class="help-link" href="/help/planner/#plans"', html)


@pytest.mark.django_db
def test_every_screenshot_shown_is_taken_by_the_browser_test_and_committed():
    pages = _rendered(Client())
    shown = {
        name for html in pages.values() for name in re.findall(r'data-screen="([\w-]+)"', html)
    }
    shots = _shot_list()
    assert shown, "the manual shows screenshots"
    assert shown == shots, {
        "shown, never taken": shown - shots,
        "taken, never shown": shots - shown,
    }
    files = {path.stem for path in SCREENS.glob("*.png")}
    assert files == shots, {"missing": shots - files, "stale": files - shots}
    for name in shots:
        assert (SCREENS / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name

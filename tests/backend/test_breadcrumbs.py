"""Every staff page below home says where it is: 首页 › the menu entry › the page (issue 17,
base.html); the home page itself and the inspector's phone app do not."""

import re

import pytest
from builders import *  # noqa: F403  (published_plan and what it needs)
from django.urls import reverse

from backend.accounts.roles import HOME_URL_NAME, NAVIGATION
from tests.conftest import log_in

_TRAIL = re.compile(
    r'<nav class="breadcrumbs" aria-label="当前位置" data-testid="breadcrumbs">(.*?)</nav>'
)


def _trail(body: str) -> str | None:
    found = _TRAIL.search(body)
    return re.sub(r"<[^>]+>", "", found[1]) if found else None


@pytest.mark.parametrize(
    "persona",
    [
        "planner",
        "department_admin",
        "legal_reviewer",
        "system_admin",
        "security_admin",
        "audit_admin",
        "supervisor",
    ],
    indirect=True,
)
def test_every_menu_page_below_home_shows_the_trail_and_home_does_not(client, persona):
    log_in(client, persona)
    home = reverse(HOME_URL_NAME[persona.role])
    assert _trail(client.get(home).content.decode()) is None
    for label, name in NAVIGATION[persona.role]:
        url = reverse(name)
        if url == home or name == "admin:index":
            continue
        response = client.get(url)
        assert response.status_code == 200, url
        trail = _trail(response.content.decode())
        assert trail == f"首页 › {label}", (url, trail)


def test_a_page_below_a_menu_entry_names_the_entry_and_itself(client, planner, published_plan):
    log_in(client, planner)
    body = client.get(reverse("plans:detail", args=[published_plan.pk])).content.decode()
    assert _trail(body) == f"首页 › 年度计划 › {published_plan.title}"
    assert f'<a href="{reverse("plans:list")}">年度计划</a>' in _TRAIL.search(body)[1]
    # A page under no menu entry of the role still starts at home.
    assert _trail(client.get(reverse("accounts:profile")).content.decode()).startswith("首页")


def test_the_inspectors_phone_app_has_no_trail(client, inspector):
    log_in(client, inspector)
    assert _trail(client.get(reverse("personnel:me")).content.decode()) is None

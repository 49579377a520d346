"""Every step that cannot be undone asks first: its form carries data-confirm, which the static
app.js turns into a confirmation (the strict CSP allows no inline script; without JavaScript the
form still submits). Checked in every template, and on the rendered pages where the steps are."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from inspections.draws.services.draws import announce_firms_draw
from inspections.planning.services import generate_annual_plan, submit_plan
from tests.conftest import log_in

# The url names of the steps that cannot be undone, as the templates write them.
IRREVERSIBLE = (
    "tasks:draw_announce",
    "tasks:draw_perform",
    "tasks:draw_abandon",
    "tasks:step",
    "plans:step' plan.pk 'approve",
    "plans:step' plan.pk 'publish",
    "directory:version-publish",
    "fieldwork:emergency-start",
    "fieldwork:approve",
    "fieldwork:review",
    "fieldwork:task-start",
    "fieldwork:followups-close",
    "fieldwork:followups-archive",
    "publishing:publish",
    "legalreview:review-opinion",
    "legalreview:decision-step' decision.pk 'issue",
    "legalreview:decision-step' decision.pk 'withdraw",
    "ratings:complaint-close",
)
_FORM = re.compile(r"<form\b[^>]*>", re.S)


def _templates():
    root = Path(settings.BASE_DIR)
    for path in root.rglob("templates/**/*.html"):
        if ".venv" not in path.parts and "node_modules" not in path.parts:
            yield path


def test_every_irreversible_form_in_the_templates_asks_for_confirmation():
    found = set()
    for path in _templates():
        for tag in _FORM.findall(path.read_text(encoding="utf-8")):
            for name in IRREVERSIBLE:
                if f"url '{name}" in tag:
                    found.add(name)
                    assert 'data-confirm="' in tag, f"{path}: {tag}"
    assert found == set(IRREVERSIBLE)


def test_the_confirmations_say_what_cannot_be_undone():
    for path in _templates():
        for question in re.findall(r'data-confirm="([^"]*)"', path.read_text(encoding="utf-8")):
            # One question per branch where the template chooses ({% if %}...{% else %}).
            for branch in re.split(r"{%[^%]*%}", question):
                if branch:
                    assert "不能" in branch and branch.endswith("？"), (path, question)


def _forms_posting_to(body: str, fragment: str) -> list[str]:
    return [tag for tag in _FORM.findall(body) if fragment in tag]


def _assert_confirmed(client, url: str, fragment: str) -> None:
    body = client.get(url).content.decode()
    forms = _forms_posting_to(body, fragment)
    assert forms, f"no form posting to {fragment} on {url}"
    for tag in forms:
        assert re.search(r'data-confirm="[^"]*不能[^"]*"', tag), tag


def test_the_draw_pages_ask_before_announcing_performing_and_abandoning(
    client, planner, open_draft_task
):
    task = open_draft_task()
    log_in(client, planner)
    page = reverse("tasks:detail", args=[task.pk])
    _assert_confirmed(client, page, "/announce")
    _assert_confirmed(client, page, "/abandon")  # 终止任务
    draw = announce_firms_draw(actor=planner, task=task)
    _assert_confirmed(client, page, f"{draw.public_id}/perform")
    _assert_confirmed(client, page, f"{draw.public_id}/abandon")


def test_the_plan_page_asks_before_approving_and_publishing(
    client, planner, department_admin, kj, publish_item, make_directory
):
    from inspections.planning.services import approve_plan

    publish_item(code="KJ-WGR-001", name="外国人来华工作许可事项检查")
    make_directory({"A": 5})
    plan = submit_plan(
        actor=planner, plan=generate_annual_plan(actor=planner, department=kj, year=2021)
    )
    page = reverse("plans:detail", args=[plan.pk])
    log_in(client, department_admin)
    _assert_confirmed(client, page, "/approve")
    approve_plan(actor=department_admin, plan=plan)
    log_in(client, planner)
    _assert_confirmed(client, page, "/publish")


def test_the_inspection_pages_ask_before_starting_and_approving(
    client, planner, department_admin, teams_drawn
):
    log_in(client, planner)
    _assert_confirmed(client, reverse("fieldwork:task", args=[teams_drawn.pk]), "/start")
    from fieldwork.services.inspections import start_fieldwork

    start_fieldwork(actor=planner, task=teams_drawn)
    inspection = teams_drawn.inspections.order_by("code").first()
    log_in(client, department_admin)
    approve = reverse("fieldwork:approve", args=[inspection.pk])
    _assert_confirmed(client, reverse("fieldwork:approval-list"), approve)
    _assert_confirmed(client, reverse("fieldwork:inspection", args=[inspection.pk]), approve)


@pytest.mark.parametrize("page", ["tasks:list", "plans:list"])
def test_pages_without_irreversible_steps_do_not_ask(client, planner, page):
    log_in(client, planner)
    assert "data-confirm" not in client.get(reverse(page)).content.decode()

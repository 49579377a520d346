"""The task page is planning's; the draws step adds its card through a registered section."""

from inspections.draws.views import TASK_PAGE_SECTION
from inspections.planning import task_page
from inspections.planning.selectors import start_blockers


def test_the_draws_register_their_card_of_the_task_page():
    assert TASK_PAGE_SECTION in task_page._sections


def test_a_section_adds_its_templates_and_context_once(monkeypatch, planner, open_draft_task):
    monkeypatch.setattr(task_page, "_sections", [])
    calls = []

    def context(*, task, user, is_lead_planner):
        calls.append((task.pk, user.pk, is_lead_planner))
        return {"answer": 42}

    section = task_page.TaskPageSection(
        template="x/_body.html", head_template="x/_head.html", context=context
    )
    task_page.register_task_page_section(section)
    task_page.register_task_page_section(section)
    task = open_draft_task()

    page = task_page.task_page_sections(task=task, user=planner, is_lead_planner=True)

    assert page == {
        "answer": 42,
        "task_sections": ["x/_body.html"],
        "task_section_heads": ["x/_head.html"],
    }
    assert calls == [(task.pk, planner.pk, True)]


def test_the_task_page_shows_the_draws_card(client, planner, open_draft_task):
    task = open_draft_task()
    client.force_login(planner)
    page = client.get(f"/tasks/{task.pk}/").content.decode()
    assert 'data-testid="draws"' in page
    assert "公告检查对象抽取" in page


def test_a_draw_left_announced_keeps_the_task_from_starting(planner, open_draft_task):
    """The draws register what keeps a task from starting; planning only asks."""
    from inspections.draws.services.draws import announce_firms_draw

    task = open_draft_task()
    assert start_blockers(task) == []
    draw = announce_firms_draw(actor=planner, task=task)
    assert [code for code, _ in start_blockers(task)] == ["draw_pending"]
    assert draw.public_id in start_blockers(task)[0][1]

"""The public draw page speaks to a citizen first: what was drawn, when, who witnessed it and how
to check it, in plain Chinese; the JSON, hashes and commands wait in a collapsed 技术验证; the
verifier script is a static file the page loads under the strict policy."""

import re

import pytest
from django.contrib.staticfiles import finders

from inspections.draws.services.draws import announce_firms_draw, announce_teams_draw, perform_draw


@pytest.fixture
def announced(planner, open_draft_task):
    return announce_firms_draw(
        actor=planner, task=open_draft_task(witnesses=["纪检监督员", "企业代表"])
    )


def _summary(html: str) -> str:
    return html.split('data-testid="draw-summary"', 1)[1].split("</section>", 1)[0]


def _technical(html: str) -> str:
    return html.split('data-testid="technical"', 1)[1].split("</details>", 1)[0]


def test_a_performed_firms_draw_says_what_when_who_and_how_in_plain_words(
    client, planner, announced
):
    draw = perform_draw(actor=planner, draw=announced, witness_values=["314159", "福彩3D 507"])
    html = client.get(f"/public/draws/{draw.public_id}/").content.decode()
    summary = _summary(html)
    quota = draw.announcement["quota"]
    assert f"候选名单上的 {draw.announcement['pool_size']} 家检查对象" in summary
    assert f"随机抽取 {sum(quota.values())} 家" in summary
    assert draw.task.name in summary and draw.task.code in summary
    assert "纪检监督员（现场提供的值：314159）" in summary
    assert "企业代表（现场提供的值：福彩3D 507）" in summary
    assert "在浏览器中验证" in summary
    # Dates as a person writes them, never ISO.
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d 公告", summary)
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d 进行抽取", summary)
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:", summary)
    # The seed, the JSON and the command are there, but only in the collapsed section.
    assert draw.seed not in summary and "sha256sum" not in summary
    technical = _technical(html)
    assert draw.seed in technical and "python3 verify_draw.py" in technical
    assert "<details" in html and "open" not in html.split('data-testid="technical"', 1)[0][-80:]


def test_the_verify_button_names_the_files_the_browser_fetches(client, planner, announced):
    draw = perform_draw(actor=planner, draw=announced, witness_values=["1", "2"])
    html = client.get(f"/public/draws/{draw.public_id}/").content.decode()
    base = f"/public/draws/{draw.public_id}/"
    for name, url in (
        ("announcement", "announcement.json"),
        ("reveal", "reveal.json"),
        ("pool", "pool.csv"),
        ("result", "result.csv"),
    ):
        assert f'data-{name}-url="{base}{url}"' in html
    assert 'data-testid="verify-button"' in html
    assert '<script src="/static/portal/draw-verify.js" defer></script>' in html
    assert finders.find("portal/draw-verify.js")


def test_an_announced_draw_says_it_is_not_drawn_yet_and_offers_no_verification(client, announced):
    html = client.get(f"/public/draws/{announced.public_id}/").content.decode()
    assert "尚未进行抽取" in _summary(html)
    assert "抽取进行后即可验证" in _summary(html)
    assert 'data-testid="verify-button"' not in html
    assert announced.announcement["nonce_sha256"] in _technical(html)


def test_a_teams_draw_names_the_departments_and_the_cap(client, planner, announced):
    firms_draw = perform_draw(actor=planner, draw=announced, witness_values=["1", "2"])
    teams = announce_teams_draw(actor=planner, task=announced.task)
    teams = perform_draw(actor=planner, draw=teams, witness_values=["7", "8"])
    html = client.get(f"/public/draws/{teams.public_id}/").content.decode()
    summary = _summary(html)
    firms = len(bytes(firms_draw.result).splitlines()) - 1
    assert f"为被抽中的 {firms} 家检查对象各随机选派一个检查组" in summary
    assert f"最多负责 {teams.announcement['cap']} 家" in summary
    assert planner.department.name in summary
    # The public cannot fetch the officer pool, so the page does not ask the browser to.
    assert "data-pool-url" not in html and "data-conflicts-url" not in html
    assert f'data-firms-result-url="/public/draws/{teams.public_id}/firms_result.csv"' in html

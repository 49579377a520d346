"""Public verification of draws: no login, the nonce never before the reveal, the files
byte for byte, the verifier, and the same data under /api/v1/public/draws/."""

import json

import pytest

from disclosure.draw_views import VERIFIER
from inspections.draws import dr1
from inspections.draws.services.draws import announce_firms_draw, announce_teams_draw, perform_draw


@pytest.fixture
def announced(planner, open_draft_task):
    return announce_firms_draw(actor=planner, task=open_draft_task(witnesses=["纪检监督员"]))


def test_an_announced_draw_is_public_without_its_nonce(client, announced):
    page = client.get(f"/public/draws/{announced.public_id}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert announced.announcement["nonce_sha256"] in html
    assert announced.nonce not in html
    assert client.get(f"/public/draws/{announced.public_id}/reveal.json").status_code == 404
    assert client.get(f"/public/draws/{announced.public_id}/result.csv").status_code == 404
    announcement = client.get(f"/public/draws/{announced.public_id}/announcement.json")
    assert announced.nonce not in announcement.content.decode()
    api = client.get(f"/api/v1/public/draws/{announced.public_id}/")
    assert api.status_code == 200 and announced.nonce not in api.content.decode()
    assert api.json()["reveal"] is None and api.json()["result"] == []
    listing = client.get("/api/v1/public/draws/").content.decode()
    assert announced.public_id in listing and announced.nonce not in listing


def test_a_performed_draw_publishes_its_four_files_and_they_verify(client, planner, announced):
    draw = perform_draw(actor=planner, draw=announced, witness_values=["42"])
    base = f"/public/draws/{draw.public_id}/"
    files = {
        name: client.get(base + name).getvalue()  # large files are streamed
        for name in ("announcement.json", "reveal.json", "pool.csv", "result.csv")
    }
    assert files["pool.csv"] == bytes(draw.pool) and files["result.csv"] == bytes(draw.result)
    report = dr1.verify(
        json.loads(files["announcement.json"]),
        json.loads(files["reveal.json"]),
        files["pool.csv"],
        files["result.csv"],
    )
    assert report.ok, report.problems
    html = client.get(base).content.decode()
    assert draw.seed in html and "sha256sum" in html and draw.nonce in html
    key = dr1.parse_firms_result(bytes(draw.result))[0].key
    assert f"printf '%s' \"{draw.seed}:firms:{key}\" | sha256sum" in html.replace("&#x27;", "'")


def test_the_verifier_is_served_byte_for_byte(client, db):
    response = client.get("/public/verify_draw.py")
    assert response.status_code == 200 and response.content == VERIFIER.read_bytes()


def test_a_teams_pool_is_not_public(client, planner, announced):
    perform_draw(actor=planner, draw=announced, witness_values=["42"])
    teams = announce_teams_draw(actor=planner, task=announced.task)
    teams = perform_draw(actor=planner, draw=teams, witness_values=["7"])
    assert client.get(f"/public/draws/{teams.public_id}/pool.csv").status_code == 404
    html = client.get(f"/public/draws/{teams.public_id}/").content.decode()
    seat = dr1.parse_teams_result(bytes(teams.result))[0]
    assert seat.officer in html


def test_an_unknown_draw_is_not_found(client, db):
    assert client.get("/public/draws/D-2099-0001/").status_code == 404
    assert client.get("/api/v1/public/draws/D-2099-0001/").status_code == 404

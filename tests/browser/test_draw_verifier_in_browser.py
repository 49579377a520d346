"""The public draw page's 验证 button in a real Chromium: the page's own JavaScript recomputes
every demo draw from the published files and agrees with verify_draw.py, with the browser's Web
Crypto and with crypto.subtle removed (as on a plain-HTTP intranet, where the page's own SHA-256
takes over); a tampered result file is reported as 不一致 with the line that differs. The same
script reproduces the DR-1 test vectors, and its SHA-256 agrees with hashlib's.

Read only: these tests share the session's demo server."""

import hashlib
import json
from pathlib import Path

import pytest
from playwright.sync_api import expect
from servers import log_in

from demo.accounts import DEMO_ACCOUNTS
from inspections.draws import verify_draw

pytestmark = pytest.mark.browser

VECTORS = Path(__file__).resolve().parents[1] / "inspections" / "draws" / "vectors"
NO_WEB_CRYPTO = "delete Crypto.prototype.subtle;"
# Any Content-Security-Policy violation the page causes, collected for the test to read.
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""
HASHES = {"webcrypto": "浏览器内置的 SHA-256", "javascript": "本页自带的 SHA-256"}


def _performed_draws(page) -> list[dict]:
    draws, url = [], "/api/v1/public/draws/?page_size=500"
    while url:
        body = page.request.get(url).json()
        draws += body["results"]
        url = body.get("next")
    performed = [d for d in draws if d["reveal"] is not None]
    assert {d["purpose"] for d in performed} == {"firms", "teams"}, "the demo has both kinds"
    return performed


def _file(page, public_id: str, name: str) -> bytes:
    response = page.request.get(f"/public/draws/{public_id}/{name}")
    assert response.ok, f"{name} answered {response.status}"
    return response.body()


def _python_result(page, draw: dict, *, auditor: bool) -> bytes | None:
    """What verify_draw.py recomputes from the same files (None: a public teams draw, whose
    officer pool and conflicts file only auditors get)."""
    public_id = draw["id"]
    announcement = json.loads(_file(page, public_id, "announcement.json"))
    reveal = json.loads(_file(page, public_id, "reveal.json"))
    inner = hashlib.sha256(verify_draw.canonical(announcement)).digest()
    inner += hashlib.sha256(verify_draw.canonical(reveal)).digest()
    seed = hashlib.sha256(b"DR-1\x00" + inner).hexdigest()
    if draw["purpose"] == "firms":
        pool = verify_draw.read_csv(_file(page, public_id, "pool.csv"), "key,stratum,excluded", "")
        lines = verify_draw.draw_firms(seed, pool, announcement["quota"])
    elif auditor:
        pool = verify_draw.read_csv(_file(page, public_id, "pool.csv"), "key,stratum,excluded", "")
        conflicts = verify_draw.read_csv(
            _file(page, public_id, "conflicts.csv"), "officer,firm", ""
        )
        firms = verify_draw.read_csv(
            _file(page, public_id, "firms_result.csv"), "stratum,rank,key,ticket", ""
        )
        lines = verify_draw.draw_teams(
            seed,
            [row[2] for row in firms],
            pool,
            announcement["team"],
            announcement["cap"],
            {tuple(row) for row in conflicts},
        )
    else:
        return None
    return ("\n".join(lines) + "\n").encode()


def _verify_on_page(page, public_id: str, hash_kind: str) -> None:
    page.goto(f"/public/draws/{public_id}/")
    button = page.get_by_test_id("verify-button")
    expect(button).to_be_visible()
    button.click()
    verdict = page.get_by_test_id("verify-verdict")
    expect(verdict).to_have_attribute("data-result", "ok", timeout=30_000)
    expect(verdict).to_contain_text("一致")
    expect(page.get_by_test_id("verify-hash")).to_contain_text(HASHES[hash_kind])
    steps = page.get_by_test_id("verify-steps")
    expect(steps.locator("[data-step=nonce]")).to_be_visible()
    # The seed the page computed is the one published in the 技术验证 section.
    seed = steps.locator("[data-step=seed] pre").inner_text()
    assert seed == page.get_by_test_id("draw-seed").text_content()


@pytest.mark.parametrize("hash_kind", ["webcrypto", "javascript"])
def test_every_demo_draw_verifies_in_the_browser_as_verify_draw_does(page, hash_kind):
    page.add_init_script(WATCH_CSP)
    if hash_kind == "javascript":
        page.add_init_script(NO_WEB_CRYPTO)
    for draw in _performed_draws(page):
        _verify_on_page(page, draw["id"], hash_kind)
        steps = page.get_by_test_id("verify-steps")
        published = _file(page, draw["id"], "result.csv")
        expected = _python_result(page, draw, auditor=False)
        if expected is None:
            # A public teams draw: every ticket re-derived, and the page says what it cannot do.
            expect(steps.locator("[data-step=audit-only]")).to_be_visible()
        else:
            expect(steps.locator("[data-step=pool]")).to_be_visible()
            recomputed = steps.locator("[data-step=picks] pre").inner_text()
            assert (recomputed.rstrip("\n") + "\n").encode() == expected
            assert expected == published
        assert page.evaluate("window.__cspViolations") == [], draw["id"]


@pytest.mark.parametrize("hash_kind", ["webcrypto", "javascript"])
def test_an_auditor_recomputes_the_teams_draws_in_the_browser(page, hash_kind):
    account = next(a for a in DEMO_ACCOUNTS if a.username == "audit_admin")
    log_in(page, account.username, account.password)
    if hash_kind == "javascript":
        page.add_init_script(NO_WEB_CRYPTO)
    teams = [d for d in _performed_draws(page) if d["purpose"] == "teams"]
    for draw in teams:
        _verify_on_page(page, draw["id"], hash_kind)
        steps = page.get_by_test_id("verify-steps")
        expect(steps.locator("[data-step=conflicts]")).to_be_visible()
        recomputed = steps.locator("[data-step=picks] pre").inner_text()
        expected = _python_result(page, draw, auditor=True)
        assert (recomputed.rstrip("\n") + "\n").encode() == expected


@pytest.mark.parametrize("hash_kind", ["webcrypto", "javascript"])
def test_a_tampered_result_file_is_reported_as_not_matching(page, hash_kind):
    if hash_kind == "javascript":
        page.add_init_script(NO_WEB_CRYPTO)
    draw = next(d for d in _performed_draws(page) if d["purpose"] == "firms")
    published = _file(page, draw["id"], "result.csv").decode()
    lines = published.split("\n")
    # Swap the first pick's key for another firm's: the kind of quiet edit the page must catch.
    first = lines[1].split(",")
    first[2] = "91110000000000000X"
    lines[1] = ",".join(first)
    tampered = "\n".join(lines)
    page.route(
        f"**/public/draws/{draw['id']}/result.csv",
        lambda route: route.fulfill(
            status=200, content_type="text/csv; charset=utf-8", body=tampered.encode()
        ),
    )
    page.goto(f"/public/draws/{draw['id']}/")
    page.get_by_test_id("verify-button").click()
    verdict = page.get_by_test_id("verify-verdict")
    expect(verdict).to_have_attribute("data-result", "mismatch", timeout=30_000)
    expect(verdict).to_contain_text("不一致")
    expect(verdict).to_contain_text("结果文件第 2 行不同")
    expect(verdict).to_contain_text("91110000000000000X")


@pytest.mark.parametrize("hash_kind", ["webcrypto", "javascript"])
def test_the_page_script_reproduces_the_dr1_vectors(page, hash_kind):
    if hash_kind == "javascript":
        page.add_init_script(NO_WEB_CRYPTO)
    draw = _performed_draws(page)[0]
    page.goto(f"/public/draws/{draw['id']}/")
    assert page.evaluate("!!(window.crypto && window.crypto.subtle)") == (hash_kind == "webcrypto")
    files = {p.name: list(p.read_bytes()) for p in VECTORS.glob("*.*") if p.suffix != ".txt"}
    seeds = dict(line.split() for line in (VECTORS / "seeds.txt").read_text().splitlines())
    outcomes = page.evaluate(
        """async (f) => {
          const b = (name) => new Uint8Array(f[name]);
          const firms = await DR1.verify({announcement: b("firms.announcement.json"),
            reveal: b("firms.reveal.json"), pool: b("firms.pool.csv"),
            result: b("firms.result.csv")});
          const teams = await DR1.verify({announcement: b("teams.announcement.json"),
            reveal: b("teams.reveal.json"), pool: b("teams.pool.csv"),
            result: b("teams.result.csv"), conflicts: b("teams.conflicts.csv"),
            firmsResult: b("firms.result.csv")});
          const teamsPublic = await DR1.verify({announcement: b("teams.announcement.json"),
            reveal: b("teams.reveal.json"), result: b("teams.result.csv"),
            firmsResult: b("firms.result.csv")});
          return {firms, teams, teamsPublic};
        }""",
        files,
    )
    for name, purpose in (("firms", "firms"), ("teams", "teams"), ("teamsPublic", "teams")):
        outcome = outcomes[name]
        assert outcome["ok"], outcome["message"]
        assert outcome["hash"] == hash_kind
        assert outcome["seed"] == seeds[purpose]
    assert outcomes["firms"]["recomputed"].encode() == (VECTORS / "firms.result.csv").read_bytes()
    assert outcomes["teams"]["recomputed"].encode() == (VECTORS / "teams.result.csv").read_bytes()


def test_the_page_sha256_agrees_with_hashlib(page):
    """Every padding case (lengths around 55, 56 and 64 bytes) and multi-byte text."""
    page.goto("/public/")
    page.add_script_tag(url="/static/portal/draw-verify.js")
    inputs = [bytes(i % 256 for i in range(length)) for length in range(0, 140)]
    inputs.append("抽查结果 DR-1 🧾".encode())
    inputs.append(b"\xff" * 1000)
    digests = page.evaluate(
        "(all) => all.map((b) => DR1.hex(DR1.sha256Plain(new Uint8Array(b))))",
        [list(b) for b in inputs],
    )
    assert digests == [hashlib.sha256(b).hexdigest() for b in inputs]

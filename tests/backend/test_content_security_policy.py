"""Every HTML page sends a strict Content-Security-Policy, and no page needs more.

The demo data is seeded and each role's pages are crawled from its home page, as are the public
portal, the login page and the Django admin: every HTML answer carries the policy with
`script-src 'self'` (no 'unsafe-inline'), and its markup has nothing that policy would block —
no inline script, no inline event handler, no `style` attribute or `<style>` block — so that a
page added with one fails here, not in a user's browser. Only the DRF browsable API and the
Swagger page relax styles, each for itself; evidence downloads keep their own sandbox policy.
"""

import re
from collections import Counter
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command

from backend.accounts.models import User
from tests.conftest import log_in

STRICT = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}

# Pages per crawl, and pages of one shape (/firms/N/): enough to reach every kind of page of a
# role, few enough to stay quick.
CRAWL_LIMIT = 150
PER_SHAPE = 2

# Where each crawl starts, besides the links it finds.
STARTS = {
    None: [
        "/",
        "/public/",
        "/accounts/login/",
        "/public/procedures/",
        "/public/open-data/",
        "/no-such-page/",
    ],
    "kj_planner": ["/", "/plans/", "/tasks/", "/directory/firms/", "/imports/firms/"],
    "kj_inspector": ["/", "/field/"],
    "kj_legal": ["/", "/legal/"],
    "kj_admin": ["/", "/personnel/", "/disclosure/", "/tasks/"],
    "sys_admin": ["/", "/admin/", "/admin/accounts/user/", "/admin/accounts/user/add/"],
    "sec_admin": ["/", "/accounts/security/", "/checkpoints/"],
    "audit_admin": ["/", "/audit/"],
}

# Links a crawl must not follow: they act (a GET that starts something) or leave the site's HTML.
SKIP_PREFIXES = ("/accounts/logout/", "/static/", "/api/", "/admin/logout/", "/admin/jsi18n/")


def policy(response) -> dict[str, str]:
    header = response.get("Content-Security-Policy", "")
    directives = (part.strip().split(None, 1) for part in header.split(";") if part.strip())
    return {d[0]: d[1] if len(d) > 1 else "" for d in directives}


class PageScan(HTMLParser):
    """What a strict policy would block in a page, and the page's same-site links."""

    def __init__(self):
        super().__init__()
        self.blocked: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.blocked.append(f"<{tag} {name}=…>")
            if name == "style":
                self.blocked.append(f"<{tag} style={value!r}>")
            if name in {"href", "src", "action"} and (value or "").lower().startswith(
                "javascript:"
            ):
                self.blocked.append(f"<{tag} {name}={value!r}>")
        if tag == "script" and not attributes.get("src"):
            if attributes.get("type") != "application/json":  # data, never run
                self.blocked.append("inline <script>")
        if tag == "style":
            self.blocked.append("<style> block")
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])


def crawl(client, starts: list[str]) -> dict[str, object]:
    """GET pages breadth-first from `starts`, one visit per path; {path: response}."""
    seen_paths: set[str] = set()
    shapes: Counter[str] = Counter()
    queue = list(starts)
    pages = {}
    while queue and len(pages) < CRAWL_LIMIT:
        url = urldefrag(queue.pop(0)).url
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue
        if parts.path in seen_paths or parts.path.startswith(SKIP_PREFIXES):
            continue
        shape = re.sub(r"/\d+(?=/)", "/N", parts.path)
        if shapes[shape] >= PER_SHAPE:
            continue
        seen_paths.add(parts.path)
        shapes[shape] += 1
        response = client.get(url)
        pages[url] = response
        if response.get("Content-Type", "").startswith("text/html") and not getattr(
            response, "streaming", False
        ):
            scan = PageScan()
            scan.feed(response.content.decode())
            response.scan = scan
            queue.extend(scan.links)
    return pages


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    # The crawls read the public lists many times from one address (the limit has its own tests).
    settings.PUBLIC_API_RATE = "100000/min"


@pytest.fixture
def demo(db):
    call_command("seed_demo", quiet_accounts=True)


def html_pages(pages):
    return {url: r for url, r in pages.items() if hasattr(r, "scan")}


@pytest.mark.parametrize("username", list(STARTS), ids=lambda name: name or "public")
def test_every_page_of_each_role_has_the_strict_policy_and_nothing_it_would_block(
    client, demo, username
):
    if username is not None:
        log_in(client, User.objects.get(username=username))
    pages = html_pages(crawl(client, STARTS[username]))
    assert len(pages) >= 4, list(pages)
    assert any(r.status_code == 200 for r in pages.values())
    for url, response in pages.items():
        directives = policy(response)
        assert directives, f"{url} ({response.status_code}) has no Content-Security-Policy"
        for name, value in STRICT.items():
            assert directives.get(name) == value, f"{url}: {name} is {directives.get(name)!r}"
        assert "unsafe" not in response["Content-Security-Policy"], url
        assert response.scan.blocked == [], f"{url} has {response.scan.blocked}"


def test_the_admin_login_page_and_error_pages_have_the_policy_too(client, db, system_admin):
    for url in ("/accounts/login/", "/admin/", "/no-such-page/"):
        response = client.get(url, follow=True)
        assert policy(response)["script-src"] == "'self'", url
    log_in(client, system_admin)
    for url in ("/admin/", "/admin/accounts/user/", "/tasks/"):  # /tasks/: 403 for this role
        response = client.get(url)
        assert response.status_code in {200, 403}
        assert policy(response)["script-src"] == "'self'", url


def test_the_browsable_api_relaxes_styles_only(client, planner):
    log_in(client, planner)
    response = client.get("/api/v1/tasks/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    directives = policy(response)
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self' 'unsafe-inline'"
    # The same endpoint as JSON, and every page, keep the strict policy.
    assert policy(client.get("/api/v1/tasks/"))["style-src"] == "'self'"
    assert policy(client.get("/tasks/"))["style-src"] == "'self'"


def test_the_swagger_page_runs_no_inline_script(client, db):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    directives = policy(response)
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self' 'unsafe-inline'"
    scan = PageScan()
    scan.feed(response.content.decode())
    assert "inline <script>" not in scan.blocked
    # Its start-up script is a file of its own, from this server.
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


def test_an_evidence_download_keeps_its_own_sandbox_policy(client, demo):
    from fieldwork.models import EvidenceFile

    evidence = EvidenceFile.objects.select_related("inspection__task__department").first()
    assert evidence is not None, "the demo has evidence"
    admin = User.objects.get(username=f"{evidence.inspection.task.department.code.lower()}_admin")
    log_in(client, admin)
    listing = client.get(f"/field/evidence/inspections/{evidence.inspection_id}/")
    assert listing.status_code == 200
    assert policy(listing)["script-src"] == "'self'"
    response = client.get(f"/field/evidence/{evidence.pk}/download/")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_the_progress_pages_show_their_progress_without_an_inline_style(client, demo):
    """The import's and the draw's progress bars were `style="width: N%"`; now a <progress>."""
    from django.utils import timezone

    from backend.imports.models import ImportJob, Mode, Status
    from inspections.draws.models import DrawJob
    from inspections.planning.models import SamplingTask

    planner = User.objects.get(username="kj_planner")
    log_in(client, planner)
    job = ImportJob.objects.create(
        kind="firms",
        filename="检查对象.xlsx",
        file_sha256="0" * 64,
        size=1,
        mode=Mode.ALL_OR_NOTHING,
        created_by=planner,
        department=planner.department,
        status=Status.READING,
        total_rows=200,
        processed_rows=74,
        heartbeat_at=timezone.now(),
    )
    task = SamplingTask.objects.filter(department=planner.department).first()
    DrawJob.objects.create(
        task=task,
        action="announce",
        purpose="firms",
        created_by=planner,
        status="running",
        step="正在计算抽取结果",
        percent=60,
        heartbeat_at=timezone.now(),
    )
    for url, percent in ((f"/imports/job/{job.pk}/", 37), (f"/tasks/{task.pk}/", 60)):
        response = client.get(url)
        assert response.status_code == 200
        assert policy(response)["style-src"] == "'self'"
        page = response.content.decode()
        assert f'<progress class="progress" max="100" value="{percent}"' in page, url
        scan = PageScan()
        scan.feed(page)
        assert scan.blocked == [], f"{url} has {scan.blocked}"

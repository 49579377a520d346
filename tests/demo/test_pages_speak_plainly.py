"""No page a person reads shows an audit action's code, a model's label or an ISO timestamp.

Each demo account (and the anonymous public) walks the pages of the demo by following the links
it is shown, from its home page, as a person would; every HTML page's visible text is read
(not attributes, scripts or the public draw page's 技术验证 section, which is for those who
check the draw with the published files). Issue 17: dates read as `2026年12月5日 07:16`, actions
as the audit page's Chinese labels.
"""

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

from django.apps import apps
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve

from backend.accounts.models import User
from backend.audit import actions
from demo.accounts import DEMO_ACCOUNTS
from tests.conftest import log_in

ISO_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")

# Pages of one kind (one URL name) read at most this many times per account: enough to see
# each template with the demo's data, without walking every firm of the directory.
PER_KIND = 2
PER_ACCOUNT = 80

# Links not followed: leaving the session, and files rather than pages.
SKIPPED_PREFIXES = ("/accounts/logout", "/api/", "/static/", "/media/")


class _VisibleText(HTMLParser):
    """The text a reader sees: no tags, attributes, scripts or styles, and nothing inside an
    element marked `data-technical` (the draw page's 技术验证)."""

    SILENT = {"script", "style", "template", "noscript"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self._stack: list[bool] = []  # per open element: is it silent?

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        if tag in self.VOID:
            return
        silent = tag in self.SILENT or "data-technical" in attributes
        self._stack.append(silent)

    def handle_endtag(self, tag):
        if tag in self.VOID or not self._stack:
            return
        self._stack.pop()

    def handle_data(self, data):
        if not any(self._stack):
            self.parts.append(data)

    @property
    def text(self) -> str:
        return " ".join(self.parts)


def _codes() -> list[re.Pattern]:
    names = {value for value, _ in actions.choices()}
    names |= {model._meta.label_lower for model in apps.get_models()}
    # Whole tokens only: `auth.login`, `inspections.samplingtask`, not part of an e-mail address.
    return [re.compile(rf"(?<![\w@.]){re.escape(name)}(?![\w.])") for name in sorted(names)]


def _walk(client: Client, start: str) -> dict[str, str]:
    """Visible text of every HTML page reached from `start`, by URL."""
    seen_kinds: dict[str, int] = {}
    pages: dict[str, str] = {}
    queue = deque([start])
    visited = {start}
    while queue and len(pages) < PER_ACCOUNT:
        url = queue.popleft()
        response = client.get(url, follow=True, secure=True)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        parser = _VisibleText()
        parser.feed(response.content.decode())
        pages[url] = parser.text
        for href in parser.links:
            link = urldefrag(href)[0]
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue
            if link in visited or parts.path.startswith(SKIPPED_PREFIXES):
                continue
            try:
                kind = resolve(parts.path).view_name
            except Resolver404:
                continue
            if seen_kinds.get(kind, 0) >= PER_KIND:
                continue
            seen_kinds[kind] = seen_kinds.get(kind, 0) + 1
            visited.add(link)
            queue.append(link)
    return pages


def _findings(pages: dict[str, str], codes: list[re.Pattern]) -> list[str]:
    found = []
    for url, text in pages.items():
        for match in ISO_TIMESTAMP.finditer(text):
            found.append(f"{url}: ISO 时间 {match.group()}")
        for pattern in codes:
            match = pattern.search(text)
            if match:
                found.append(f"{url}: 代码 {match.group()}")
    return found


def test_no_page_shows_a_code_or_an_iso_timestamp(db):
    """One demo, walked by every demo account and by the public (seeding it once per account
    would cost a minute each)."""
    call_command("seed_demo", quiet_accounts=True)
    codes = _codes()
    found = []
    for account in DEMO_ACCOUNTS:
        client = Client()
        log_in(client, User.objects.get(username=account.username))
        pages = _walk(client, "/")
        assert len(pages) >= 3, (account.username, sorted(pages))
        found += [f"{account.username} {line}" for line in _findings(pages, codes)]
    pages = _walk(Client(), "/public/")
    assert len(pages) >= 10, sorted(pages)
    found += [f"公众 {line}" for line in _findings(pages, codes)]
    assert found == []


def test_the_reader_sees_through_tags_and_skips_technical_sections():
    parser = _VisibleText()
    parser.feed(
        '<p title="auth.login">登录<br>成功</p><script>var a="2026-12-05T07:16"</script>'
        "<details data-technical><pre>2026-12-05T07:16:49+08:00</pre></details>"
        "<p>2026-12-05T07:16:49+08:00 auth.login</p>"
    )
    assert "登录" in parser.text and "成功" in parser.text
    assert len(ISO_TIMESTAMP.findall(parser.text)) == 1
    codes = [pattern for pattern in _codes() if pattern.search("auth.login")]
    assert codes, "auth.login is a registered action"
    assert not any(pattern.search("mail kj.auth.login@example.cn") for pattern in codes)

"""The inspector's installable app: its web app manifest and its service worker.

Both are served under /field/, so the worker's scope covers the inspector's pages without a
Service-Worker-Allowed header, and neither needs a login (they hold no data; the pages they
keep are fetched with the officer's own session). The worker is a template so that it names
the static files by the URLs this deployment serves (hashed in production)."""

import hashlib
import json

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

# What the pages need besides themselves, kept when the worker installs.
ASSETS = (
    "css/app.css",
    "js/app.js",
    "fieldwork/fieldwork.css",
    "fieldwork/drafts.js",
    "fieldwork/offline.js",
    "fieldwork/icon.svg",
)


@require_GET
@cache_control(max_age=3600)
def manifest(request):
    scope = reverse("fieldwork:today")
    body = {
        "name": "双随机、一公开 现场检查",
        "short_name": "现场检查",
        "description": "执法人员的今日检查、检查记录和草稿，联网时打开过的检查页面断网后仍可打开",
        "lang": "zh-Hans",
        "id": scope,
        "start_url": scope,
        "scope": scope,
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1d4f91",
        "icons": [
            {"src": static("fieldwork/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("fieldwork/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {"src": static("fieldwork/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    return JsonResponse(
        body,
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )


@require_GET
@cache_control(no_cache=True)
def service_worker(request):
    assets = [static(a) for a in ASSETS]
    context = {
        "assets": json.dumps(assets),
        "logout": json.dumps(reverse("accounts:logout")),
        # Not static(""): the manifest storage of production has no entry for an empty name.
        "static_url": json.dumps(settings.STATIC_URL),
    }
    # A new deployment's files (new hashed names) make a new worker, which drops the old files.
    digest = hashlib.sha256(json.dumps(assets).encode()).hexdigest()[:12]
    context["version"] = json.dumps(digest)
    script = render_to_string("fieldwork/app/sw.js", context)
    response = HttpResponse(script, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = reverse("fieldwork:today")
    return response

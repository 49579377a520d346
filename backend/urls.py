from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from backend.accounts import views as account_views
from backend.api.views import healthz

admin.site.site_header = "双随机、一公开 监管平台 后台维护"
admin.site.site_title = "后台维护"

urlpatterns = [
    path("", account_views.home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("backend.accounts.urls")),
    path("audit/", include("backend.audit.urls")),
    path("checkpoints/", include("backend.checkpoints.urls")),
    path("notifications/", include("backend.notifications.urls")),
    path("personnel/", include("personnel.urls")),
    path("directory/", include("inspections.directory.urls")),
    path("plans/", include("inspections.planning.plan_urls")),
    path("tasks/", include("inspections.task_urls")),
    path("imports/", include("backend.imports.urls")),
    path("jobs/", include("backend.jobs.urls")),
    path("calendar/", include("backend.workdays.urls")),
    path("field/", include("fieldwork.urls")),
    path("legal/", include("legalreview.urls")),
    path("ratings/", include("ratings.urls")),
    path("supervision/", include("supervision.urls")),
    path("disclosure/", include("disclosure.staff_urls")),
    # 一公开, all of it the disclosure app's: results, plans, tasks, statistics and a firm's page
    # (namespace "disclosure"); the portal's home, search, items, officers and draws ("public").
    path("public/", include("disclosure.urls")),
    path("public/", include("disclosure.portal_urls")),
    # The 操作手册, one part per role, readable without logging in.
    path("help/", include("manual.urls")),
    path("api/v1/", include(("backend.api.urls", "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI with its start-up script served as a file of its own (the split view: no inline
    # script). Its page and the styles its bundle injects need inline styles and data: images;
    # this page alone gets them (docs/security.md).
    path(
        "api/docs/",
        csp_update({"style-src": [UNSAFE_INLINE], "img-src": ["data:"]})(
            SpectacularSwaggerSplitView.as_view(url_name="schema")
        ),
        name="api-docs",
    ),
    # Department moved from personnel to backend.organisation: old admin bookmarks still work.
    re_path(
        r"^admin/personnel/department/(?P<rest>.*)$",
        RedirectView.as_view(url="/admin/organisation/department/%(rest)s", permanent=True),
    ),
    # One login for everyone, with its lockout and second factor: the admin's own form is not it.
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="accounts:login", query_string=True),
        name="admin-login",
    ),
    path("admin/", admin.site.urls),
]

# Under /api/, a path that matches nothing answers in the API's error shape.
handler404 = "backend.api.errors.not_found"

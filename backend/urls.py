from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

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
    path("personnel/", include("personnel.urls")),
    path("directory/", include("inspections.urls")),
    path("plans/", include("inspections.plan_urls")),
    path("tasks/", include("inspections.task_urls")),
    path("imports/", include("backend.imports.urls")),
    path("calendar/", include("backend.workdays.urls")),
    path("field/", include("fieldwork.urls")),
    path("legal/", include("legalreview.urls")),
    path("disclosure/", include("disclosure.staff_urls")),
    # Results, plans, tasks and statistics; the firm page with its history answers first.
    path("public/", include("disclosure.urls")),
    path("public/", include("inspections.public.urls")),
    path("api/v1/", include(("backend.api.urls", "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]

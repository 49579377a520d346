from django.urls import include, path

from backend.api import views
from backend.api.routers import RootRouter

router = RootRouter()
router.register("departments", views.DepartmentViewSet, basename="department")

urlpatterns = [
    path("auth/token/", views.ObtainToken.as_view(), name="token"),
    path("auth/token/revoke/", views.RevokeToken.as_view(), name="token-revoke"),
    path("me/", views.MeView.as_view(), name="me"),
    path("audit-events/", views.AuditEventList.as_view(), name="audit-events"),
    path("notifications/", include("backend.notifications.api")),
    path("public/", include(("disclosure.portal_api_urls", "public"), namespace="public")),
    path("public/", include(("disclosure.api_urls", "disclosure"), namespace="disclosure")),
    path("personnel/", include("personnel.api.urls")),
    path("", include(router.urls)),
    path("", include("inspections.directory.api.urls")),
    path("", include("inspections.planning.api.urls")),
    path("", include("fieldwork.evidence_api")),
    path("", include("fieldwork.approval_api")),
    path("", include("ratings.api")),
    path("supervision/", include("supervision.api_urls")),
]

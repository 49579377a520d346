"""/api/v1/public/: the open-data API (included from backend/api/urls.py, namespace api:public)."""

from rest_framework.routers import SimpleRouter

from disclosure import portal_api as api

router = SimpleRouter()
router.register("draws", api.DrawViewSet, basename="draw")
router.register("departments", api.DepartmentViewSet, basename="department")
router.register("firms", api.FirmViewSet, basename="firm")
router.register("items", api.ItemViewSet, basename="item")
router.register("officers", api.OfficerViewSet, basename="officer")

urlpatterns = router.urls

from backend.api.routers import Router
from inspections.directory.api import views

router = Router()
router.register("firms", views.FirmViewSet, basename="firm")
router.register("items", views.ItemViewSet, basename="item")

urlpatterns = router.urls

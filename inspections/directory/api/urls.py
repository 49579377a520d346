from rest_framework.routers import SimpleRouter

from inspections.directory.api import views

router = SimpleRouter()
router.register("firms", views.FirmViewSet, basename="firm")
router.register("items", views.ItemViewSet, basename="item")

urlpatterns = router.urls

from rest_framework.routers import SimpleRouter

from inspections.api import planning, views

router = SimpleRouter()
router.register("firms", views.FirmViewSet, basename="firm")
router.register("items", views.ItemViewSet, basename="item")
router.register("plans", planning.PlanViewSet, basename="plan")
router.register("tasks", planning.TaskViewSet, basename="task")

urlpatterns = router.urls

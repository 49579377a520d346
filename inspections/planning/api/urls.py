from rest_framework.routers import SimpleRouter

from inspections.planning.api import views

router = SimpleRouter()
router.register("plans", views.PlanViewSet, basename="plan")
router.register("tasks", views.TaskViewSet, basename="task")

urlpatterns = router.urls

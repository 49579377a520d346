from backend.api.routers import Router
from inspections.planning.api import views

router = Router()
router.register("plans", views.PlanViewSet, basename="plan")
router.register("tasks", views.TaskViewSet, basename="task")

urlpatterns = router.urls

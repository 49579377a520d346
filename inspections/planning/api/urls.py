from backend.api.routers import Router
from inspections.planning.api import views
from inspections.planning.api.caps import FrequencyCapViewSet

router = Router()
router.register("plans", views.PlanViewSet, basename="plan")
router.register("tasks", views.TaskViewSet, basename="task")
router.register("frequency-caps", FrequencyCapViewSet, basename="frequency-cap")

urlpatterns = router.urls

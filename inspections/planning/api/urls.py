from rest_framework.routers import SimpleRouter

from inspections.planning.api import views
from inspections.planning.api.caps import FrequencyCapViewSet

router = SimpleRouter()
router.register("plans", views.PlanViewSet, basename="plan")
router.register("tasks", views.TaskViewSet, basename="task")
router.register("frequency-caps", FrequencyCapViewSet, basename="frequency-cap")

urlpatterns = router.urls

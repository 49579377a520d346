"""/api/v1/public/ results, plans, tasks, statistics and yearly downloads (namespace
api:disclosure), included from backend/api/urls.py beside inspections' open data."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from disclosure import api

router = SimpleRouter()
router.register("results", api.ResultViewSet, basename="result")
router.register("plans", api.PlanViewSet, basename="plan")
router.register("tasks", api.TaskViewSet, basename="task")
router.register("statistics", api.StatisticsViewSet, basename="statistics")

urlpatterns = [
    path("downloads/results-<int:year>.csv", api.ResultsCsv.as_view(), name="results-csv"),
    path("downloads/results-<int:year>.xlsx", api.ResultsXlsx.as_view(), name="results-xlsx"),
    *router.urls,
]

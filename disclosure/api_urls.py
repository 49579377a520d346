"""/api/v1/public/ results, plans, tasks, statistics and yearly downloads (namespace
api:disclosure), included from backend/api/urls.py beside inspections' open data."""

from django.urls import re_path
from rest_framework.routers import SimpleRouter

from disclosure import api

router = SimpleRouter()
router.register("results", api.ResultViewSet, basename="result")
router.register("plans", api.PlanViewSet, basename="plan")
router.register("tasks", api.TaskViewSet, basename="task")
router.register("statistics", api.StatisticsViewSet, basename="statistics")

urlpatterns = [
    # Any year text reaches the view, which answers a bad one with the API's JSON 404.
    re_path(
        r"^downloads/results-(?P<year>[^/]+)\.csv$", api.ResultsCsv.as_view(), name="results-csv"
    ),
    re_path(
        r"^downloads/results-(?P<year>[^/]+)\.xlsx$", api.ResultsXlsx.as_view(), name="results-xlsx"
    ),
    *router.urls,
]

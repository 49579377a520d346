from django.urls import path

from backend.imports import views

app_name = "imports"

urlpatterns = [
    path("job/<int:pk>/", views.job, name="job"),
    path("job/<int:pk>/status.json", views.job_status, name="job-status"),
    path("job/<int:pk>/errors.xlsx", views.error_report, name="error-report"),
    path("job/<int:pk>/rerun/", views.rerun, name="rerun"),
    path("<slug:kind>/", views.upload, name="upload"),
    path("<slug:kind>/template.xlsx", views.template, name="template"),
]

from django.urls import path

from backend.jobs import views

app_name = "jobs"

urlpatterns = [
    path("", views.job_list, name="list"),
    path("mine/", views.my_exports, name="mine"),
    path("<int:pk>/download/", views.download, name="download"),
]

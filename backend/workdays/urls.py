from django.urls import path

from backend.workdays import views

app_name = "workdays"

urlpatterns = [path("", views.years, name="years")]

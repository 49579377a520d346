from django.urls import path

from backend.checkpoints import views

app_name = "checkpoints"

urlpatterns = [
    path("", views.checkpoint_list, name="list"),
    path("make/", views.make, name="make"),
]

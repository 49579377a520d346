"""/public/: the disclosure portal (一公开), mounted from backend/urls.py."""

from django.urls import path

from inspections.public import views

app_name = "public"

urlpatterns = [
    path("", views.home, name="home"),
    path("firms/", views.firm_search, name="firms"),
    path("firms/<str:uscc>/", views.firm_detail, name="firm"),
    path("items/", views.item_list, name="items"),
    path("items/<str:code>/", views.item_detail, name="item"),
    path("officers/", views.officer_list, name="officers"),
    path("procedures/", views.procedures, name="procedures"),
]

from django.urls import path

from inspections.planning import cap_views
from inspections.planning import plan_views as views

app_name = "plans"

urlpatterns = [
    path("", views.plan_list, name="list"),
    path("export.xlsx", views.plan_list_export, name="list-export"),
    path("generate/", views.plan_generate, name="generate"),
    path("settings/", views.planning_settings, name="settings"),
    path("caps/", cap_views.cap_list, name="caps"),
    path("caps/export.xlsx", cap_views.cap_list_export, name="caps-export"),
    path("caps/new/", cap_views.cap_edit, name="cap-new"),
    path("caps/<int:pk>/edit/", cap_views.cap_edit, name="cap-edit"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/lines/new/", views.plan_line_add, name="line-add"),
    path("<int:pk>/lines/<int:line_pk>/edit/", views.plan_line_edit, name="line-edit"),
    path("<int:pk>/lines/<int:line_pk>/remove/", views.plan_line_remove, name="line-remove"),
    path("<int:pk>/export.xlsx", views.plan_export, name="export"),
    path("<int:pk>/print/", views.plan_print, name="print"),
    path("<int:pk>/<slug:step>/", views.plan_step, name="step"),
]

from django.urls import path

from inspections import task_views as views

app_name = "tasks"

urlpatterns = [
    path("", views.task_list, name="list"),
    path("new/", views.task_open, name="new"),
    path("<int:pk>/", views.task_detail, name="detail"),
    path("<int:pk>/edit/", views.task_edit, name="edit"),
    path("<int:pk>/invite/", views.task_invite, name="invite"),
    path("<int:pk>/confirm/", views.task_confirm, name="confirm"),
    path("<int:pk>/draws/announce/<slug:purpose>/", views.draw_announce, name="draw_announce"),
    path("<int:pk>/draws/<str:public_id>/perform/", views.draw_perform, name="draw_perform"),
    path("<int:pk>/<slug:step>/", views.task_step, name="step"),
]

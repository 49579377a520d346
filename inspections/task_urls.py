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
    path("<int:pk>/draw-jobs/<int:job_id>/", views.draw_job_status, name="draw_job"),
    path("<int:pk>/draw-jobs/<int:job_id>/done/", views.draw_job_done, name="draw_job_done"),
    path("<int:pk>/draws/<str:public_id>/abandon/", views.draw_abandon, name="draw_abandon"),
    path(
        "<int:pk>/draws/<str:public_id>/team/",
        views.draw_replacement_team,
        name="draw_replacement_team",
    ),
    path("<int:pk>/replacements/", views.draw_replace, name="draw_replace"),
    path("<int:pk>/notices/", views.task_notices, name="notices"),
    path("<int:pk>/notices.xlsx", views.task_notices_export, name="notices_export"),
    path("<int:pk>/<slug:step>/", views.task_step, name="step"),
]

"""The draws' pages of a task, under /tasks/<id>/ (namespace "tasks", put together with
planning's task pages by inspections/task_urls.py)."""

from django.urls import path

from inspections.draws import views

task_patterns = [
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
]

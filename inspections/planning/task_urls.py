"""Planning's pages of the sampling tasks, under /tasks/ (namespace "tasks", put together with
the draws' pages of a task by inspections/task_urls.py)."""

from django.urls import path

from inspections.planning import task_views as views

task_patterns = [
    path("", views.task_list, name="list"),
    path("export.xlsx", views.task_list_export, name="list-export"),
    path("new/", views.task_open, name="new"),
    path("<int:pk>/", views.task_detail, name="detail"),
    path("<int:pk>/edit/", views.task_edit, name="edit"),
    path("<int:pk>/invite/", views.task_invite, name="invite"),
    path("<int:pk>/confirm/", views.task_confirm, name="confirm"),
    path("<int:pk>/withdraw/<str:code>/", views.task_withdraw, name="withdraw"),
    # Last: a step's slug would match the draws' and the notices' addresses of a task.
    path("<int:pk>/<slug:step>/", views.task_step, name="step"),
]

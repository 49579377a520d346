"""/disclosure/: the department's publication pages (namespace "publishing")."""

from django.urls import path

from disclosure import staff_views

app_name = "publishing"

urlpatterns = [
    path("", staff_views.due, name="due"),
    path("due.xlsx", staff_views.due_export, name="due-export"),
    path("publish/", staff_views.publish, name="publish"),
    path("results/<str:code>/correct/", staff_views.correct, name="correct"),
    path("results/<str:code>/withdraw/", staff_views.withdraw, name="withdraw"),
    path("deadlines/", staff_views.deadlines, name="deadlines"),
]

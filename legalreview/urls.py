"""Legal review pages under /legal/."""

from django.urls import path

from legalreview import views

app_name = "legalreview"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("export.xlsx", views.queue_export, name="queue-export"),
    path("reviews/<int:pk>/", views.review, name="review"),
    path("reviews/<int:pk>/opinion/", views.review_opinion, name="review-opinion"),
    path("reviews/<int:pk>/extend/", views.review_extend, name="review-extend"),
    path("department/", views.department, name="department"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("catalogue/<int:pk>/edit/", views.catalogue_edit, name="catalogue-edit"),
    path("catalogue/<int:pk>/<slug:step>/", views.catalogue_step, name="catalogue-step"),
    path(
        "inspections/<int:inspection_pk>/decisions/new/",
        views.decision_new,
        name="decision-new",
    ),
    path("decisions/<int:pk>/", views.decision, name="decision"),
    path("decisions/<int:pk>/edit/", views.decision_edit, name="decision-edit"),
    path("decisions/<int:pk>/<slug:step>/", views.decision_step, name="decision-step"),
]

"""Evidence files of inspections, under /field/evidence/."""

from django.urls import path

from fieldwork import evidence_views as views

urlpatterns = [
    path("inspections/<int:pk>/", views.evidence_list, name="evidence-list"),
    path("inspections/<int:pk>/upload/", views.upload, name="evidence-upload"),
    path("<int:pk>/download/", views.download, name="evidence-download"),
]

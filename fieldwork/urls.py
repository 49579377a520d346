"""Pages of the fieldwork app under /field/: each part adds its own module here."""

from django.urls import include, path

app_name = "fieldwork"

urlpatterns: list = [
    path("", include("fieldwork.page_urls")),
    path("evidence/", include("fieldwork.evidence_urls")),
    path("", include("fieldwork.followup_urls")),
]

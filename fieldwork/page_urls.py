"""The inspectors' and reviewers' pages (phone first)."""

from django.urls import path

from fieldwork import code_views
from fieldwork.views import app, approvals, documents, inspections, review, tasks

urlpatterns: list = [
    path("", inspections.today, name="today"),
    path("manifest.webmanifest", app.manifest, name="manifest"),
    path("sw.js", app.service_worker, name="service-worker"),
    path("inspections/<int:pk>/", inspections.inspection_detail, name="inspection"),
    path("inspections/<int:pk>/notice/", documents.notice, name="notice"),
    path("inspections/<int:pk>/documents/<slug:kind>/", documents.document_page, name="document"),
    path(
        "inspections/<int:pk>/documents/<slug:kind>.docx",
        documents.document_docx,
        name="document-docx",
    ),
    path("inspections/<int:pk>/code/", code_views.code_page, name="code"),
    path("inspections/<int:pk>/code.png", code_views.code_png, name="code-png"),
    path("inspections/<int:pk>/stages/<slug:slug>/", inspections.stage, name="stage"),
    path(
        "inspections/<int:pk>/findings/remaining-clear/",
        inspections.remaining_clear,
        name="remaining-clear",
    ),
    path("inspections/<int:pk>/review/", review.review, name="review"),
    path("review/", review.review_list, name="review-list"),
    path("review/export.xlsx", review.review_list_export, name="review-list-export"),
    path("approvals/", approvals.approval_list, name="approval-list"),
    path("inspections/<int:pk>/approve/", approvals.approve, name="approve"),
    path(
        "inspections/<int:pk>/emergency-start/",
        approvals.emergency_start,
        name="emergency-start",
    ),
    path("tasks/<int:pk>/", tasks.task_inspections, name="task"),
    path("tasks/<int:pk>/start/", tasks.task_start, name="task-start"),
]

"""Follow-up pages and the result code table, under /field/."""

from django.urls import path

from fieldwork import followup_views as views
from fieldwork import result_code_views as codes

urlpatterns = [
    path("inspections/<int:pk>/followups/", views.follow_ups, name="followups"),
    path("inspections/<int:pk>/followups/open/", views.follow_up_open, name="followup-open"),
    path(
        "inspections/<int:pk>/followups/<int:follow_up_pk>/recheck/",
        views.follow_up_recheck,
        name="followup-recheck",
    ),
    path(
        "inspections/<int:pk>/followups/<int:follow_up_pk>/complete/",
        views.follow_up_complete,
        name="followup-complete",
    ),
    path("inspections/<int:pk>/close/", views.inspection_close, name="followups-close"),
    path("inspections/<int:pk>/archive/", views.inspection_archive, name="followups-archive"),
    path("followups/", views.follow_up_list, name="followup-list"),
    path("followups/export.xlsx", views.follow_up_export, name="followup-export"),
    path("result-codes/", codes.result_codes, name="result-codes"),
    path("result-codes/add/", codes.result_code_add, name="result-code-add"),
    path("result-codes/<int:pk>/edit/", codes.result_code_edit, name="result-code-edit"),
    path("result-codes/<int:pk>/retire/", codes.result_code_retire, name="result-code-retire"),
    path("result-codes/<int:pk>/restore/", codes.result_code_restore, name="result-code-restore"),
]

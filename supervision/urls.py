from django.urls import path

from supervision import views

app_name = "supervision"

urlpatterns = [
    path("", views.warnings, name="warnings"),
    path("warnings.xlsx", views.warnings_export, name="warnings-export"),
    path("inspections/<int:pk>/", views.inspection, name="inspection"),
    path("firms/<str:uscc>/", views.firm, name="firm"),
    path("opinions/", views.opinions, name="opinions"),
    path("opinions.xlsx", views.opinions_export, name="opinions-export"),
    path("opinions/new/", views.opinion_new, name="opinion-new"),
    path("opinions/<int:pk>/", views.opinion, name="opinion"),
    path("opinions/<int:pk>/answer/", views.opinion_answer, name="opinion-answer"),
    path("department/opinions/", views.department_opinions, name="department-opinions"),
    path(
        "department/opinions.xlsx",
        views.department_opinions_export,
        name="department-opinions-export",
    ),
    path("annual/", views.annual, name="annual"),
    path("annual.xlsx", views.annual_export, name="annual-export"),
]

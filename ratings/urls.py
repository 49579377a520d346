from django.urls import path

from ratings import views

app_name = "ratings"

urlpatterns = [
    path("", views.rating_list, name="list"),
    path("export.xlsx", views.rating_list_export, name="list-export"),
    path("<int:pk>/", views.rating_detail, name="detail"),
    path("<int:pk>/complaint/", views.complaint_open, name="complaint-open"),
    path("link/<int:pk>/", views.inspection_link, name="inspection-link"),
    path("link/<int:pk>/qr.png", views.inspection_link_png, name="inspection-link-png"),
    path("summary/", views.department_summary, name="summary"),
    path("complaints/", views.complaint_list, name="complaints"),
    path("complaints/export.xlsx", views.complaint_list_export, name="complaints-export"),
    path("complaints/<int:pk>/", views.complaint_detail, name="complaint"),
    path("complaints/<int:pk>/answer/", views.complaint_answer, name="complaint-answer"),
    path("complaints/<int:pk>/close/", views.complaint_close, name="complaint-close"),
    path("statistics/", views.statistics, name="statistics"),
    path("statistics.xlsx", views.statistics_export, name="statistics-export"),
]

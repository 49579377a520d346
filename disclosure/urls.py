"""/public/ pages of results, plans, tasks and statistics (namespace "disclosure").

Mounted beside disclosure.portal_urls (namespace "public"), whose public:firm is this firm
page too.
"""

from django.urls import path

from disclosure import views

app_name = "disclosure"

urlpatterns = [
    path("firms/<str:uscc>/", views.firm_detail, name="firm"),
    path("results/", views.result_list, name="results"),
    path("results/<str:code>/", views.result_detail, name="result"),
    path("tasks/<str:code>/", views.task_detail, name="task"),
    path("plans/", views.plan_list, name="plans"),
    path("plans/<str:code>/", views.plan_detail, name="plan"),
    path("statistics/", views.statistics_latest, name="statistics-latest"),
    path("statistics/<int:year>/", views.statistics_year, name="statistics"),
    path("downloads/", views.downloads, name="downloads"),
]

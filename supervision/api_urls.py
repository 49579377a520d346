from django.urls import path

from supervision import api

urlpatterns = [
    path("warnings/", api.WarningList.as_view(), name="supervision-warnings"),
    path("opinions/", api.OpinionList.as_view(), name="supervision-opinions"),
    path("opinions/<int:pk>/", api.OpinionDetail.as_view(), name="supervision-opinion"),
]

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from personnel.api import views

app_name = "personnel"

router = SimpleRouter()
router.register("officers", views.OfficerViewSet, basename="officer")
router.register("certificates", views.CertificateViewSet, basename="certificate")

urlpatterns = [
    path("pools/", views.PoolCountsView.as_view(), name="pools"),
    path("eligibility/", views.EligibilityView.as_view(), name="eligibility"),
    path("", include(router.urls)),
]

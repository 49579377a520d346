from django.urls import include, path

from backend.api.routers import Router
from personnel.api import views

app_name = "personnel"

router = Router()
router.register("officers", views.OfficerViewSet, basename="officer")
router.register("certificates", views.CertificateViewSet, basename="certificate")

urlpatterns = [
    path("pools/", views.PoolCountsView.as_view(), name="pools"),
    path("eligibility/", views.EligibilityView.as_view(), name="eligibility"),
    path("", include(router.urls)),
]

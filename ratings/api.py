"""The firms' ratings through the API (/api/v1/), under the same selectors as the pages.

- GET inspections/<id>/rating-link/   the firm's rating link of a closed inspection (its team and
                                      department, to print it): URL, validity, QR image (SVG)
- GET ratings/summary/?year=           the department administrator: aggregates over ≥5 ratings
- GET ratings/                         the supervisor only: each rating (texts masked)
- GET complaints/                      the supervisor: all; a department administrator: theirs

No endpoint gives the inspecting department a rating row or id: `ratings/` refuses every role
but the supervisor's, and a link reads the same whether or not the firm has used it.
"""

from dataclasses import asdict

from django.urls import path
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from fieldwork.qr import qr_svg
from ratings import selectors
from ratings.models import Complaint, Rating
from ratings.views import rating_url


class RatingLinkView(APIView):
    @extend_schema(summary="企业评价链接（检查办结后）", responses=OpenApiTypes.OBJECT)
    def get(self, request, pk: int):
        inspection, link = selectors.link_for_user(request.user, pk)
        url = rating_url(request, link.token)
        return Response(
            {
                "inspection": inspection.code,
                "url": url,
                "issued_on": link.issued_on,
                "last_day": link.last_day,
                "valid_today": link.is_valid_on(timezone.localdate()),
                "qr_svg": qr_svg(url),
            }
        )


def _aggregate(a: selectors.Aggregate) -> dict:
    data = asdict(a)
    data.pop("always")
    # Below the threshold not even the number: it would tell which firms rated.
    if not a.shown:
        data["count"] = None
    data["shown"] = a.shown
    data["message"] = a.too_few
    return data


class SummaryView(APIView):
    @extend_schema(summary="本部门企业评价汇总（不少于5条的分组）", responses=OpenApiTypes.OBJECT)
    def get(self, request):
        year = request.query_params.get("year", "")
        groups = selectors.department_aggregates(
            request.user, year=int(year) if year.isdigit() and len(year) == 4 else None
        )
        return Response({key: [_aggregate(a) for a in rows] for key, rows in groups.items()})


class RatingSerializer(serializers.ModelSerializer):
    inspection = serializers.CharField(source="inspection.code")
    firm_name = serializers.CharField(source="inspection.firm_name")
    department = serializers.CharField(source="department.name")
    visit_length_label = serializers.CharField(source="get_visit_length_display")
    favours_detail = serializers.SerializerMethodField()
    comment = serializers.SerializerMethodField()

    class Meta:
        model = Rating
        fields = [
            "id",
            "inspection",
            "firm_name",
            "department",
            "year",
            "month",
            "overall",
            "certificates_shown",
            "rights_explained",
            "visit_length",
            "visit_length_label",
            "asked_for_favours",
            "favours_detail",
            "comment",
            "submitted_at",
        ]

    def get_favours_detail(self, rating) -> str:
        return selectors.masked(rating.favours_detail)

    def get_comment(self, rating) -> str:
        return selectors.masked(rating.comment)


class RatingList(ListAPIView):
    serializer_class = RatingSerializer

    @extend_schema(summary="企业评价（执法监督人员）")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema asks for the model only
            return Rating.objects.none()
        params = self.request.query_params
        return selectors.search_ratings(
            selectors.ratings_for_supervisor(self.request.user),
            **{
                k: params.get(k, "")[:100]
                for k in ("q", "department", "overall", "favours", "year")
            },
        )


class ComplaintSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.name")
    state_label = serializers.CharField(source="get_state_display")
    outcome_label = serializers.CharField(source="get_outcome_display")
    subject = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Complaint
        fields = [
            "id",
            "number",
            "department",
            "subject",
            "state",
            "state_label",
            "opened_on",
            "due_on",
            "overdue",
            "outcome",
            "outcome_label",
            "closed_on",
        ]

    def get_subject(self, complaint) -> str:
        return selectors.masked(complaint.subject)

    def get_overdue(self, complaint) -> bool:
        return complaint.is_overdue(timezone.localdate())


class ComplaintList(ListAPIView):
    serializer_class = ComplaintSerializer

    @extend_schema(summary="投诉（执法监督人员：全部；部门管理员：本部门）")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        return selectors.search_complaints(
            selectors.complaints_visible_to(self.request.user),
            today=timezone.localdate(),
            **{k: params.get(k, "")[:100] for k in ("q", "state", "department")},
        )


urlpatterns = [
    path("inspections/<int:pk>/rating-link/", RatingLinkView.as_view(), name="rating-link"),
    path("ratings/summary/", SummaryView.as_view(), name="rating-summary"),
    path("ratings/", RatingList.as_view(), name="ratings"),
    path("complaints/", ComplaintList.as_view(), name="complaints"),
]

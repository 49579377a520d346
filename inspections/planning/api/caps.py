"""The frequency caps (频次上限) through the API: the department administrator lists, sets and
changes them; the same services and refusals as the pages."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from backend.accounts.roles import Role
from backend.api.permissions import HasRole
from inspections.planning.caps import caps_visible_to, search_caps
from inspections.planning.models import CapLevel, FrequencyCap
from inspections.planning.services.caps import set_frequency_cap, update_frequency_cap
from personnel.models import EnforcementField


class CapSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.code", read_only=True)
    enforcement_field = serializers.SlugRelatedField(slug_field="code", read_only=True)
    level_label = serializers.CharField(source="get_level_display", read_only=True)
    counts = serializers.SerializerMethodField()

    class Meta:
        model = FrequencyCap
        fields = [
            "id",
            "department",
            "enforcement_field",
            "level",
            "level_label",
            "limit",
            "counts",
            "exempt_higher_campaigns",
            "note",
            "updated_at",
        ]

    def get_counts(self, cap) -> list[str]:
        return sorted(cap.kinds)


class CapInputSerializer(serializers.Serializer):
    # Whether the field is needed, and whether the limit is allowed, is the service's to say.
    enforcement_field = serializers.SlugRelatedField(
        slug_field="code",
        queryset=EnforcementField.objects.all(),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": "没有代码为{value}的执法领域"},
    )
    level = serializers.ChoiceField(choices=CapLevel.choices)
    limit = serializers.IntegerField()
    counts_routine = serializers.BooleanField(required=False)
    counts_campaign = serializers.BooleanField(required=False)
    counts_case = serializers.BooleanField(required=False)
    exempt_higher_campaigns = serializers.BooleanField(required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=200)


class FrequencyCapViewSet(viewsets.ReadOnlyModelViewSet):
    """The frequency caps of the administrator's department (`?q=` searches)."""

    serializer_class = CapSerializer
    permission_classes = [IsAuthenticated, HasRole.of(Role.DEPARTMENT_ADMIN)]

    def get_queryset(self):
        caps = caps_visible_to(self.request.user)
        return search_caps(caps, self.request.query_params.get("q", "")).order_by(
            "enforcement_field__code", "level"
        )

    @extend_schema(request=CapInputSerializer, responses=CapSerializer, summary="设定频次上限")
    def create(self, request, *args, **kwargs):
        data = CapInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        cap = set_frequency_cap(
            actor=request.user, department=request.user.department, **data.validated_data
        )
        return Response(CapSerializer(cap).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CapInputSerializer, responses=CapSerializer, summary="修改频次上限")
    @action(detail=True, methods=["post"])
    def edit(self, request, pk=None):
        cap = self.get_object()
        data = CapInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        cap = update_frequency_cap(actor=request.user, cap=cap, **data.validated_data)
        return Response(CapSerializer(cap).data)

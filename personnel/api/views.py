"""The personnel API: officers and certificates (scoped, masked, filterable), the certificate
steps as actions that call the services, pool counts, and the eligibility question."""

from datetime import date

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.roles import Role
from backend.api.permissions import HasRole
from personnel import services
from personnel.api.serializers import (
    CertificateIssueSerializer,
    CertificateRenewSerializer,
    CertificateSerializer,
    CitizenIdLookupSerializer,
    EligibilityQuerySerializer,
    EligibilityResultSerializer,
    OfficerSerializer,
    PoolCountsSerializer,
    ReasonSerializer,
)
from personnel.eligibility import FirmRef, ItemRef, Window, eligibility
from personnel.filters import CertificateFilter, OfficerFilter
from personnel.pools import pool_counts
from personnel.selectors import (
    DIRECTORY_ROLES,
    POOL_ROLES,
    certificates_visible_to,
    find_officer_by_citizen_id,
    get_certificate_for_manager,
    officers_managed_by,
    officers_visible_to,
    pool_departments_visible_to,
)

MANAGER = HasRole.of(Role.DEPARTMENT_ADMIN)


@extend_schema(tags=["执法人员"])
class OfficerViewSet(viewsets.ReadOnlyModelViewSet):
    """执法检查人员名录：本部门人员（执法人员只能看到本人）；身份证号和电话按权限脱敏。"""

    serializer_class = OfficerSerializer
    permission_classes = [IsAuthenticated, HasRole.of(*DIRECTORY_ROLES, Role.INSPECTOR)]
    filterset_class = OfficerFilter

    def get_queryset(self):
        return officers_visible_to(self.request.user).order_by("name", "pk")

    @extend_schema(
        request=CitizenIdLookupSerializer,
        responses=OfficerSerializer,
        summary="按公民身份号码查找本部门人员（号码放在请求体中，不出现在网址里）",
    )
    @action(detail=False, methods=["post"], permission_classes=[IsAuthenticated, MANAGER])
    def lookup(self, request):
        query = CitizenIdLookupSerializer(data=request.data)
        query.is_valid(raise_exception=True)
        officer = find_officer_by_citizen_id(request.user, query.validated_data["citizen_id"])
        if officer is None:
            raise NotFound("本部门没有该公民身份号码的执法人员。")
        return Response(self.get_serializer(officer).data)


_STEPS = {
    "renew": (services.renew_certificate, CertificateRenewSerializer),
    "suspend": (services.suspend_certificate, ReasonSerializer),
    "restore": (services.restore_certificate, ReasonSerializer),
    "revoke": (services.revoke_certificate, ReasonSerializer),
}


@extend_schema(tags=["执法证"])
class CertificateViewSet(viewsets.ReadOnlyModelViewSet):
    """执法证登记。发证、延续、暂扣、恢复、撤销须填写理由，每一步都留有记录。"""

    serializer_class = CertificateSerializer
    filterset_class = CertificateFilter

    def get_permissions(self):
        if self.action in ("create", *_STEPS):
            return [IsAuthenticated(), MANAGER()]
        return [IsAuthenticated(), HasRole.of(*DIRECTORY_ROLES, Role.INSPECTOR)()]

    def get_queryset(self):
        return (
            certificates_visible_to(self.request.user)
            .prefetch_related("enforcement_fields", "events__actor")
            .order_by("officer__name", "-valid_to", "pk")
        )

    @extend_schema(request=CertificateIssueSerializer, responses={201: CertificateSerializer})
    def create(self, request):
        data = CertificateIssueSerializer(
            data=request.data, officers=officers_managed_by(request.user)
        )
        data.is_valid(raise_exception=True)
        certificate = services.issue_certificate(actor=request.user, **data.validated_data)
        return Response(self.get_serializer(certificate).data, status=status.HTTP_201_CREATED)

    def _step(self, request, pk, name):
        service, input_serializer = _STEPS[name]
        certificate = get_certificate_for_manager(request.user, pk)
        data = input_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        certificate = service(actor=request.user, certificate=certificate, **data.validated_data)
        return Response(self.get_serializer(certificate).data)

    @extend_schema(request=CertificateRenewSerializer, summary="延续有效期")
    @action(detail=True, methods=["post"])
    def renew(self, request, pk=None):
        return self._step(request, pk, "renew")

    @extend_schema(request=ReasonSerializer, summary="暂扣")
    @action(detail=True, methods=["post"])
    def suspend(self, request, pk=None):
        return self._step(request, pk, "suspend")

    @extend_schema(request=ReasonSerializer, summary="恢复（解除暂扣）")
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None):
        return self._step(request, pk, "restore")

    @extend_schema(request=ReasonSerializer, summary="撤销")
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        return self._step(request, pk, "revoke")


class _OnDate(serializers.Serializer):
    on = serializers.DateField(required=False)


@extend_schema(tags=["执法人员"])
class PoolCountsView(APIView):
    """三个人员库按部门的人数（指定日期，默认今天）。"""

    permission_classes = [IsAuthenticated, HasRole.of(*POOL_ROLES)]

    @extend_schema(
        parameters=[OpenApiParameter("on", OpenApiTypes.DATE, description="统计日期")],
        responses=PoolCountsSerializer(many=True),
        summary="人员库人数",
    )
    def get(self, request):
        query = _OnDate(data=request.query_params)
        query.is_valid(raise_exception=True)
        day = query.validated_data.get("on") or date.today()
        counts = pool_counts(pool_departments_visible_to(request.user), on=day)
        return Response(
            {"on": day.isoformat(), "results": PoolCountsSerializer(counts, many=True).data}
        )


@extend_schema(tags=["执法人员"])
class EligibilityView(APIView):
    """该人员能否在这些日期、就该执法领域的事项检查该单位；不能的，列出全部原因。"""

    permission_classes = [IsAuthenticated, HasRole.of(Role.DEPARTMENT_ADMIN, Role.PLANNER)]

    @extend_schema(
        request=EligibilityQuerySerializer,
        responses=EligibilityResultSerializer,
        summary="检查资格校验",
    )
    def post(self, request):
        query = EligibilityQuerySerializer(
            data=request.data, officers=officers_visible_to(request.user)
        )
        query.is_valid(raise_exception=True)
        data = query.validated_data
        result = eligibility(
            officer=data["officer"],
            firm=FirmRef(uscc=data["firm_uscc"], region_code=data["firm_region_code"]),
            item=ItemRef(enforcement_field_code=data["enforcement_field"].code),
            window=Window(data["start"], data["end"]),
            cross_assignment=data["cross_assignment"],
            require_training=data["require_training"],
        )
        return Response(
            {
                "officer": data["officer"].pk,
                "eligible": result.eligible,
                "reasons": [{"code": r.code, "message": r.message} for r in result.reasons],
                "certificate": result.certificate.number if result.certificate else None,
            }
        )

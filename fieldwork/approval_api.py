"""行政检查审批 through the API (/api/v1/): the same services as the pages.

- GET  approvals/                          inspections waiting for the caller's approval
                                           (?q=, ?type=routine|campaign|case,
                                           ?state=pending|emergency|overdue)
- GET  inspections/<id>/approval/          an inspection's type and approval state
- POST inspections/<id>/approval/          the head approves (before, or after an emergency)
- POST inspections/<id>/emergency-start/   a team member starts first, with the reason
- POST inspections/<id>/code/withdraw/      the head withdraws the inspection's 检查码 (reason)

An inspection reads back with its 检查码 once approved: the short code, its status today and the
public verification URL that its QR image holds.
"""

from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from fieldwork.code_display import shown_code
from fieldwork.models import Inspection
from fieldwork.selectors import approvals_waiting_for, get_inspection_for_user
from fieldwork.services import approvals, codes


class InspectionCodeSerializer(serializers.Serializer):
    code = serializers.CharField(source="code.code")
    status = serializers.CharField()
    status_label = serializers.CharField(source="status.label")
    url = serializers.URLField()
    issued_at = serializers.DateTimeField(source="code.issued_at")
    withdrawn_at = serializers.DateTimeField(source="code.withdrawn_at", allow_null=True)
    withdrawn_reason = serializers.CharField(source="code.withdrawn_reason")


class ApprovalStateSerializer(serializers.ModelSerializer):
    task = serializers.CharField(source="task.code")
    inspection_type_label = serializers.CharField(source="get_inspection_type_display")
    approval_state_label = serializers.CharField(source="get_approval_state_display")
    approved_by = serializers.StringRelatedField()
    basis = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()
    inspection_code = serializers.SerializerMethodField()

    class Meta:
        model = Inspection
        fields = [
            "id",
            "code",
            "task",
            "firm_uscc",
            "firm_name",
            "window_start",
            "window_end",
            "inspection_type",
            "inspection_type_label",
            "basis",
            "approval_state",
            "approval_state_label",
            "approved_at",
            "approved_by",
            "emergency_reason",
            "emergency_started_at",
            "approval_due",
            "overdue",
            "inspection_code",
        ]

    def get_basis(self, inspection) -> dict:
        return inspection.task.basis

    def get_overdue(self, inspection) -> bool:
        return inspection.approval_overdue(timezone.localdate())

    @extend_schema_field(InspectionCodeSerializer(allow_null=True))
    def get_inspection_code(self, inspection) -> dict | None:
        shown = shown_code(self.context["request"], inspection)
        return InspectionCodeSerializer(shown).data if shown is not None else None


class ApproveSerializer(serializers.Serializer):
    opinion = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    # Needed when a 个案 or 专项 passes a frequency cap: the service says so, in its words.
    cap_reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    idempotency_key = serializers.UUIDField(required=False, allow_null=True)


class EmergencyStartSerializer(serializers.Serializer):
    # Whether it is blank is the service's to say, in its own words.
    reason = serializers.CharField(allow_blank=True, max_length=2000)
    idempotency_key = serializers.UUIDField(required=False, allow_null=True)


class ApprovalList(ListAPIView):
    serializer_class = ApprovalStateSerializer

    @extend_schema(summary="待审批的检查（本部门负责人）")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        return approvals_waiting_for(
            self.request.user,
            search=params.get("q", ""),
            inspection_type=params.get("type", ""),
            approval_state=params.get("state", ""),
        )


def _state(request, pk: int, code=status.HTTP_200_OK) -> Response:
    inspection = get_inspection_for_user(request.user, pk)
    data = ApprovalStateSerializer(inspection, context={"request": request}).data
    return Response(data, status=code)


class InspectionApproval(APIView):
    @extend_schema(responses=ApprovalStateSerializer, summary="检查类型与审批情况")
    def get(self, request, pk: int):
        return _state(request, pk)

    @extend_schema(
        request=ApproveSerializer,
        responses=ApprovalStateSerializer,
        summary="审批（部门负责人；紧急先行检查的，在期限内补办）",
    )
    def post(self, request, pk: int):
        inspection = get_inspection_for_user(request.user, pk)
        form = ApproveSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        approvals.approve_inspection(
            actor=request.user,
            inspection=inspection,
            opinion=form.validated_data.get("opinion", ""),
            idempotency_key=form.validated_data.get("idempotency_key"),
            cap_reason=form.validated_data.get("cap_reason", ""),
        )
        return _state(request, pk)


class EmergencyStart(APIView):
    @extend_schema(
        request=EmergencyStartSerializer,
        responses=ApprovalStateSerializer,
        summary="紧急先行检查（检查组成员，须说明理由）",
    )
    def post(self, request, pk: int):
        inspection = get_inspection_for_user(request.user, pk)
        form = EmergencyStartSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        approvals.start_in_emergency(
            actor=request.user,
            inspection=inspection,
            reason=form.validated_data["reason"],
            idempotency_key=form.validated_data.get("idempotency_key"),
        )
        return _state(request, pk)


class WithdrawCodeSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, max_length=2000)


class WithdrawCode(APIView):
    @extend_schema(
        request=WithdrawCodeSerializer,
        responses=ApprovalStateSerializer,
        summary="撤回检查码（部门负责人，须说明理由）",
    )
    def post(self, request, pk: int):
        inspection = get_inspection_for_user(request.user, pk)
        form = WithdrawCodeSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        codes.withdraw_inspection_code(
            actor=request.user, inspection=inspection, reason=form.validated_data["reason"]
        )
        return _state(request, pk)


urlpatterns = [
    path("approvals/", ApprovalList.as_view(), name="approvals"),
    path(
        "inspections/<int:pk>/approval/", InspectionApproval.as_view(), name="inspection-approval"
    ),
    path(
        "inspections/<int:pk>/emergency-start/",
        EmergencyStart.as_view(),
        name="inspection-emergency-start",
    ),
    path(
        "inspections/<int:pk>/code/withdraw/",
        WithdrawCode.as_view(),
        name="inspection-code-withdraw",
    ),
]

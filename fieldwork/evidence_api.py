"""Evidence through the API (/api/v1/): the same service as the pages.

- GET  inspections/<id>/evidence/   the inspection's evidence files
- POST inspections/<id>/evidence/   upload one (multipart; 201, or 200 for a retried key)
- GET  evidence/<id>/download/      the file, after its SHA-256 is checked (409 otherwise)
"""

from django.http import FileResponse
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.api.parsers import FormParser, MultiPartParser
from fieldwork.models import EvidenceKind
from fieldwork.selectors import get_inspection_for_user
from fieldwork.selectors.evidence import (
    DOWNLOAD_BLOCK,
    download_headers,
    evidence_items,
    evidence_summary,
    get_evidence_for_user,
    too_large_to_read,
)
from fieldwork.services import evidence as services


class EvidenceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    inspection = serializers.IntegerField()
    record_sequence = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=EvidenceKind.choices)
    format = serializers.CharField()
    content_type = serializers.CharField()
    original_name = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    documents = serializers.IntegerField(allow_null=True)
    note = serializers.CharField()
    occurred_at = serializers.DateTimeField()
    uploaded_at = serializers.DateTimeField()
    uploaded_by = serializers.CharField()
    upload_deadline = serializers.DateField(allow_null=True)
    deadline_warning = serializers.CharField()
    late = serializers.BooleanField()
    replayed = serializers.BooleanField()
    download_url = serializers.CharField()


class EvidenceUploadSerializer(serializers.Serializer):
    """The fields of an upload; what they must be is the service's to say."""

    file = serializers.FileField(allow_empty_file=True)
    kind = serializers.ChoiceField(choices=EvidenceKind.choices)
    idempotency_key = serializers.UUIDField(help_text="客户端为每次提交生成，重试时原样再次发送")
    occurred_at = serializers.DateTimeField(required=False, allow_null=True)
    documents = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)
    place = serializers.CharField(required=False, allow_blank=True, max_length=200)
    latitude = serializers.CharField(required=False, allow_blank=True, max_length=20)
    longitude = serializers.CharField(required=False, allow_blank=True, max_length=20)


class InspectionEvidence(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(responses=EvidenceSerializer(many=True), summary="检查的证据材料")
    def get(self, request, pk: int):
        inspection = get_inspection_for_user(request.user, pk)
        items = evidence_items(inspection)
        return Response([evidence_summary(item.evidence) for item in items])

    @extend_schema(
        request={"multipart/form-data": EvidenceUploadSerializer},
        responses={201: EvidenceSerializer, 200: EvidenceSerializer},
        summary="上传证据材料（同一提交标识重试只生成一条记录）",
    )
    def post(self, request, pk: int):
        message = too_large_to_read(request.META.get("CONTENT_LENGTH"))
        if message:
            return Response(
                {"code": "too_large", "message": message, "fields": {"file": [message]}},
                status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            )
        inspection = get_inspection_for_user(request.user, pk)
        form = EvidenceUploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        result = services.upload_evidence(
            actor=request.user,
            inspection=inspection,
            kind=data["kind"],
            file=data["file"],
            original_name=data["file"].name,
            idempotency_key=data["idempotency_key"],
            occurred_at=data.get("occurred_at"),
            documents=data.get("documents"),
            note=data.get("note", ""),
            place=data.get("place", ""),
            latitude=data.get("latitude") or None,
            longitude=data.get("longitude") or None,
        )
        return Response(
            evidence_summary(result.evidence, replayed=result.replayed),
            status=status.HTTP_200_OK if result.replayed else status.HTTP_201_CREATED,
        )


class EvidenceDownload(APIView):
    @extend_schema(
        responses={(200, "application/octet-stream"): bytes},
        summary="下载证据材料（先核对SHA-256，不一致返回409）",
    )
    def get(self, request, pk: int):
        evidence = get_evidence_for_user(request.user, pk)
        try:
            handle = services.open_verified(actor=request.user, evidence=evidence)
        except services.EvidenceIntegrityError as failure:
            return Response(
                {"code": failure.code, "message": failure.message, "fields": {}},
                status=status.HTTP_409_CONFLICT,
            )
        response = FileResponse(handle, content_type=evidence.content_type)
        for header, value in download_headers(evidence).items():
            response[header] = value
        response.block_size = DOWNLOAD_BLOCK
        return response


urlpatterns = [
    path(
        "inspections/<int:pk>/evidence/", InspectionEvidence.as_view(), name="inspection-evidence"
    ),
    path("evidence/<int:pk>/download/", EvidenceDownload.as_view(), name="evidence-download"),
]

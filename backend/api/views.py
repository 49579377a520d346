from django.db import connection
from django.http import JsonResponse
from drf_spectacular.utils import extend_schema
from rest_framework import generics, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.roles import Role
from backend.accounts.selectors import departments_visible_to
from backend.api.permissions import HasRole
from backend.api.serializers import AuditEventSerializer, DepartmentSerializer, MeSerializer
from backend.audit.filters import AuditEventFilter
from backend.audit.selectors import events_visible_to
from backend.audit.services import record_event


def healthz(request):
    """200 when the database answers; 503 otherwise (for the load balancer and monitoring)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        return JsonResponse({"status": "error", "message": "数据库无响应"}, status=503)
    return JsonResponse({"status": "ok"})


class ObtainToken(ObtainAuthToken):
    """Exchange a username and password for an API token (same lockout as the login page)."""

    @extend_schema(summary="获取接口令牌")
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        record_event(action="auth.token", actor=Token.objects.get(key=response.data["token"]).user)
        return response


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeSerializer, summary="当前用户")
    def get(self, request):
        return Response(MeSerializer(request.user).data)


class DepartmentViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = DepartmentSerializer
    filterset_fields = ["code", "region_code"]

    def get_queryset(self):
        return departments_visible_to(self.request.user).order_by("code")


class AuditEventList(generics.ListAPIView):
    serializer_class = AuditEventSerializer
    permission_classes = [IsAuthenticated, HasRole.of(Role.AUDIT_ADMIN)]
    filterset_class = AuditEventFilter

    def get_queryset(self):
        return events_visible_to(self.request.user).order_by("-id")

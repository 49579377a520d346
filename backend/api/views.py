from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import JsonResponse
from drf_spectacular.utils import extend_schema
from knox.auth import TokenAuthentication
from rest_framework import exceptions, generics, status, viewsets
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.roles import Role
from backend.accounts.selectors import departments_visible_to, has_second_factor
from backend.accounts.services import (
    create_api_token,
    refuse_api_token,
    revoke_api_token,
    verify_second_factor,
)
from backend.api.permissions import HasRole
from backend.api.serializers import (
    AuditEventSerializer,
    DepartmentSerializer,
    MeSerializer,
    TokenRequestSerializer,
    TokenSerializer,
)
from backend.audit.filters import AuditEventFilter
from backend.audit.selectors import events_visible_to
from backend.jobs.health import queue_health


def healthz(request):
    """200 when the database answers; 503 otherwise (for the load balancer and monitoring).

    The queue's state is reported, not judged: the web still serves when the broker is down
    (jobs then refuse to start and say so), so the load balancer must not drop it for that.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        return JsonResponse({"status": "error", "message": "数据库无响应"}, status=503)
    return JsonResponse({"status": "ok", "queue": queue_health()})


class ObtainToken(APIView):
    """Exchange one's own username, password and, where the account has one, second-factor code
    for a new API token, shown in this answer only (same lockout as the login page).

    The credentials in the body are the proof, so no session or token stands in for them: a
    token is only ever made for the account that proved itself, with both factors.
    """

    authentication_classes = []
    permission_classes = [AllowAny]
    serializer_class = TokenRequestSerializer

    @extend_schema(
        request=TokenRequestSerializer, responses=TokenSerializer, summary="获取接口令牌"
    )
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        credentials = data.validated_data
        user = authenticate(
            request, username=credentials["username"], password=credentials["password"]
        )
        if user is None:
            raise exceptions.ValidationError({"non_field_errors": ["用户名或密码错误。"]})
        passed = False
        if user.requires_second_factor or has_second_factor(user):
            passed = self._second_factor(user, credentials.get("otp_code", ""))
        try:
            token_row, token = create_api_token(user=user, second_factor_passed=passed)
        except PermissionDenied as exc:
            # The service's transaction is undone; the refusal is recorded outside it.
            refuse_api_token(user=user, reason=str(exc))
            raise
        body = {"token": token, "expiry": token_row.expiry, "username": user.get_username()}
        return Response(TokenSerializer(body).data, status=status.HTTP_200_OK)

    @staticmethod
    def _second_factor(user, code: str) -> bool:
        if not has_second_factor(user):
            reason = "该账号须先在网页登录并绑定双因素认证，才能创建接口令牌"
            refuse_api_token(user=user, reason=reason)
            raise exceptions.PermissionDenied(reason)
        if not code:
            message = "请填写手机验证器上的 6 位验证码或一个恢复码"
            raise exceptions.ValidationError({"otp_code": [message]})
        if verify_second_factor(user=user, code=code) is None:
            raise exceptions.ValidationError({"otp_code": ["验证码不正确"]})
        return True


class RevokeToken(APIView):
    """Revoke the token this request is authenticated with (a script's logout)."""

    authentication_classes = [TokenAuthentication]
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None}, summary="吊销当前接口令牌")
    def post(self, request):
        revoke_api_token(user=request.user, token_key=request.auth.token_key)
        return Response(status=status.HTTP_204_NO_CONTENT)


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

"""/api/v1/notifications/: the caller's own notifications, and marking them read."""

from django.urls import path
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.notifications import services
from backend.notifications.models import Notification
from backend.notifications.selectors import notifications_of, unread_count


class NotificationSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "kind_label",
            "title",
            "body",
            "link",
            "created_at",
            "read_at",
            "is_read",
        ]
        read_only_fields = fields


class NotificationList(generics.ListAPIView):
    """Own notifications, newest first; `?state=unread|read`, `?q=` searches title and body."""

    serializer_class = NotificationSerializer
    permission_classes = [IsAuthenticated]
    filter_backends = []

    def get_queryset(self):
        return notifications_of(
            self.request.user,
            state=self.request.query_params.get("state", ""),
            search=self.request.query_params.get("q", "")[:100],
        )

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        response.data["unread"] = unread_count(request.user)
        return response


class NotificationRead(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=NotificationSerializer)
    def post(self, request, pk: int):
        try:
            notification = services.mark_read(user=request.user, notification_id=pk)
        except Notification.DoesNotExist:
            # Another user's notification is not confirmed to exist.
            raise NotFound("未找到该通知") from None
        return Response(NotificationSerializer(notification).data)


class NotificationReadAll(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses=inline_serializer(
            "NotificationsMarkedRead", {"marked": serializers.IntegerField()}
        ),
    )
    def post(self, request):
        return Response({"marked": services.mark_all_read(user=request.user)})


urlpatterns = [
    path("", NotificationList.as_view(), name="notifications"),
    path("<int:pk>/read/", NotificationRead.as_view(), name="notification-read"),
    path("read-all/", NotificationReadAll.as_view(), name="notifications-read-all"),
]

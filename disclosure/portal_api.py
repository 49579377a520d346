"""The open-data API under /api/v1/public/: read-only, no login, CORS open, cached, rate limited.

Each view reads a queryset of `redaction` and hands the serializer the public record made from
each row (`redact`), never the row itself.
"""

from collections.abc import Callable

from django.conf import settings
from django.utils.cache import patch_cache_control
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.permissions import AllowAny

from disclosure import redaction
from disclosure import serializers as s
from disclosure.filters import PublicFirmFilter, PublicItemFilter, PublicOfficerFilter
from disclosure.throttling import PublicListThrottle

TAG = "公开数据"

ERROR = s.ApiErrorSerializer
RETRY_AFTER = OpenApiParameter(
    "Retry-After",
    OpenApiTypes.INT,
    OpenApiParameter.HEADER,
    response=[429],
    description="可以再次请求前需要等待的秒数",
)


def list_schema(serializer, summary: str, description: str = ""):
    return extend_schema(
        summary=summary,
        description=description,
        tags=[TAG],
        parameters=[RETRY_AFTER],
        responses={
            200: serializer(many=True),
            400: OpenApiResponse(ERROR, description="查询参数有误（fields 列出有误的参数）"),
            404: OpenApiResponse(ERROR, description="页码或翻页游标无效"),
            429: OpenApiResponse(ERROR, description="请求过于频繁，按 Retry-After 等待后再试"),
        },
    )


def detail_schema(serializer, summary: str):
    return extend_schema(
        summary=summary,
        tags=[TAG],
        responses={200: serializer, 404: OpenApiResponse(ERROR, description="未找到")},
    )


class PublicPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class PublicFirmPagination(CursorPagination):
    """Keyset pages in id order: no COUNT(*) and no OFFSET over a province's million firms."""

    ordering = "id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def decode_cursor(self, request):
        # DRF trusts the position inside a well-formed cursor; a made-up one ("p=a") would reach
        # the id filter and fail there with a 500 instead of the 404 of any other bad cursor.
        cursor = super().decode_cursor(request)
        if cursor is not None and cursor.position is not None and not cursor.position.isdigit():
            raise NotFound(self.invalid_cursor_message)
        return cursor


class PublicViewSet(viewsets.GenericViewSet):
    """No login, no session: the same answer for everyone, so it may be cached by anyone."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    pagination_class = PublicPagination
    redact: Callable

    def get_object(self):
        # PostgreSQL refuses a NUL in a string literal: an impossible code, so not found.
        if "\x00" in self.kwargs.get(self.lookup_field, ""):
            raise NotFound()
        return super().get_object()

    def get_throttles(self):
        return [PublicListThrottle()] if self.action == "list" else []

    def get_serializer(self, instance=None, *args, **kwargs):
        if instance is not None:
            redact = type(self).redact
            instance = [redact(row) for row in instance] if kwargs.get("many") else redact(instance)
        return super().get_serializer(instance, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code == 200:
            patch_cache_control(response, public=True, max_age=settings.PUBLIC_CACHE_SECONDS)
        return response


@extend_schema_view(list=list_schema(s.OpenDepartmentSerializer, "执法部门"))
class DepartmentViewSet(mixins.ListModelMixin, PublicViewSet):
    serializer_class = s.OpenDepartmentSerializer
    redact = staticmethod(redaction.public_department)

    def get_queryset(self):
        return redaction.public_departments()


@extend_schema_view(
    list=list_schema(
        s.OpenFirmSerializer,
        "检查对象",
        "按名称或统一社会信用代码查询，可按行政区划、行业和登记状态筛选；按录入顺序以游标翻页。",
    ),
    retrieve=detail_schema(s.OpenFirmSerializer, "按统一社会信用代码查看检查对象"),
)
class FirmViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PublicViewSet):
    serializer_class = s.OpenFirmSerializer
    filterset_class = PublicFirmFilter
    pagination_class = PublicFirmPagination
    lookup_field = "uscc"
    lookup_value_regex = "[^/]+"
    redact = staticmethod(redaction.public_firm)

    def get_queryset(self):
        return redaction.public_firms()


@extend_schema_view(
    list=list_schema(
        s.OpenItemSerializer,
        "随机抽查事项清单",
        "已公布的事项及其全部已公布版本（现行、已被替代、已停用），不含草稿。",
    ),
    retrieve=detail_schema(s.OpenItemSerializer, "按事项编码查看事项及其历史版本"),
)
class ItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PublicViewSet):
    serializer_class = s.OpenItemSerializer
    filterset_class = PublicItemFilter
    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    redact = staticmethod(redaction.public_item)

    def get_queryset(self):
        return redaction.public_items()


@extend_schema_view(
    list=list_schema(
        s.OpenOfficerSerializer,
        "执法检查人员",
        "各部门持有今日有效执法证件的执法人员：姓名、所属部门和证件（编号、执法领域、有效期）。",
    )
)
class OfficerViewSet(mixins.ListModelMixin, PublicViewSet):
    serializer_class = s.OpenOfficerSerializer
    filterset_class = PublicOfficerFilter
    redact = staticmethod(redaction.public_officer)

    def get_queryset(self):
        return redaction.public_officers()


@extend_schema_view(
    list=list_schema(
        s.OpenDrawSerializer,
        "公开抽取（DR-1）",
        "全部抽取：已公告、已抽取和已作废的。公告自公告时起公开；揭示、种子和结果在抽取后公开。",
    ),
    retrieve=detail_schema(s.OpenDrawSerializer, "按抽取编号查看一次抽取"),
)
class DrawViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PublicViewSet):
    serializer_class = s.OpenDrawSerializer
    lookup_field = "public_id"
    lookup_value_regex = "[^/]+"

    @staticmethod
    def redact(draw):
        return redaction.public_draw(draw)

    def get_queryset(self):
        return redaction.public_draws()

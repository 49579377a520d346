from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from backend.accounts.roles import Role
from backend.api.permissions import HasRole
from inspections.directory.api import serializers as s
from inspections.directory.filters import FirmFilter
from inspections.directory.models import InspectionItemVersion, VersionStatus
from inspections.directory.selectors import (
    DIRECTORY_READERS,
    firms_visible_to,
    items_visible_to,
    published_items,
    risk_class_counts,
)
from inspections.directory.services import (
    create_item,
    publish_item_version,
    retire_item,
    revise_item,
    set_item_firm_list,
    update_draft,
)

Readers = HasRole.of(*DIRECTORY_READERS)
Planners = HasRole.of(Role.PLANNER)


class FirmCursorPagination(CursorPagination):
    """Keyset pages in id order: no COUNT(*) and no OFFSET over a million firms."""

    ordering = "id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class FirmViewSet(viewsets.ReadOnlyModelViewSet):
    """The target directory (检查对象名录库), with the list page's filters."""

    serializer_class = s.FirmSerializer
    permission_classes = [IsAuthenticated, Readers]
    filterset_class = FirmFilter
    pagination_class = FirmCursorPagination

    def get_queryset(self):
        return firms_visible_to(self.request.user).prefetch_related("tags")

    @extend_schema(responses=s.RiskCountsSerializer, summary="当前筛选条件下各信用风险分类的数量")
    @action(detail=False)
    def counts(self, request):
        counts = risk_class_counts(self.filter_queryset(self.get_queryset()))
        return Response({"total": sum(counts.values()), "counts": counts})


class ItemViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The item list (随机抽查事项清单) with every version; writes are workflow actions."""

    serializer_class = s.ItemSerializer
    pagination_class = None  # a department's list is tens of items, not thousands

    def get_permissions(self):
        if self.action in {"list", "retrieve", "published"}:
            return [IsAuthenticated(), Readers()]
        return [IsAuthenticated(), Planners()]

    def get_queryset(self):
        versions = InspectionItemVersion.objects.prefetch_related(
            "checkpoints", "scope_rules"
        ).order_by("number")
        return (
            items_visible_to(self.request.user)
            .prefetch_related(Prefetch("versions", queryset=versions))
            .order_by("department__code", "code")
        )

    def _item_response(self, item, code=status.HTTP_200_OK):
        return Response(s.ItemSerializer(self.get_queryset().get(pk=item.pk)).data, status=code)

    @extend_schema(request=s.ItemCreateSerializer, responses=s.ItemSerializer, summary="新建事项")
    def create(self, request, *args, **kwargs):
        data = s.ItemCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        version = create_item(actor=request.user, department=request.user.department, **fields)
        return self._item_response(version.item, status.HTTP_201_CREATED)

    @extend_schema(request=s.ItemReviseSerializer, responses=s.ItemSerializer, summary="修订")
    @action(detail=True, methods=["post"])
    def revise(self, request, pk=None):
        item = self.get_object()
        data = s.ItemReviseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        revise_item(actor=request.user, item=item, **data.validated_data)
        return self._item_response(item)

    @extend_schema(request=s.ItemReviseSerializer, responses=s.ItemSerializer, summary="修改草稿")
    @action(detail=True, methods=["post"], url_path="edit-draft")
    def edit_draft(self, request, pk=None):
        """Change the open draft; a published version is refused by the service."""
        item = self.get_object()
        data = s.DraftEditSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        draft = get_object_or_404(item.versions.all(), status=VersionStatus.DRAFT)
        update_draft(actor=request.user, version=draft, **data.validated_data)
        return self._item_response(item)

    @extend_schema(request=s.PublishSerializer, responses=s.ItemSerializer, summary="发布版本")
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        item = self.get_object()
        data = s.PublishSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        number = data.validated_data.get("version")
        versions = item.versions.all()
        if number is None:
            version = get_object_or_404(versions, status=VersionStatus.DRAFT)
        else:
            version = get_object_or_404(versions, number=number)
        publish_item_version(actor=request.user, version=version)
        return self._item_response(item)

    @extend_schema(request=s.RetireSerializer, responses=s.ItemSerializer, summary="停用事项")
    @action(detail=True, methods=["post"])
    def retire(self, request, pk=None):
        item = self.get_object()
        data = s.RetireSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        retire_item(actor=request.user, item=item, reason=data.validated_data["reason"])
        return self._item_response(item)

    @extend_schema(request=s.FirmListSerializer, summary="设置事项的指定检查对象名单")
    @action(detail=True, methods=["post"], url_path="firm-list")
    def firm_list(self, request, pk=None):
        item = self.get_object()
        data = s.FirmListSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        size = set_item_firm_list(actor=request.user, item=item, usccs=data.validated_data["usccs"])
        return Response({"size": size})

    @extend_schema(responses=s.PublicItemSerializer(many=True), summary="现行（已发布）事项")
    @action(detail=False)
    def published(self, request):
        """The versions in force, with only the fields the public portal may publish."""
        return Response(s.PublicItemSerializer(published_items(), many=True).data)

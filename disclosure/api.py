"""Open data of results, plans, tasks and statistics under /api/v1/public/.

The same contract as the directory's open data (disclosure.portal_api, whose `PublicViewSet`
these extend): no login,
open CORS, `Cache-Control: public`, the list endpoints and the yearly downloads rate limited
per client address, and each view hands its serializer the public records of
`disclosure.redaction`, never a row.
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.http import FileResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins
from rest_framework.exceptions import APIException, NotFound
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.excel import XLSX_CONTENT_TYPE
from disclosure import downloads, statistics, yearly
from disclosure import redaction as r
from disclosure import serializers as s
from disclosure.filters import PublicPlanFilter, PublicResultFilter, PublicTaskFilter
from disclosure.models import PublishedResult
from disclosure.portal_api import (
    ERROR,
    RETRY_AFTER,
    TAG,
    PublicFirmPagination,
    PublicViewSet,
    detail_schema,
    list_schema,
)
from disclosure.throttling import PublicListThrottle


class NewestFirstPagination(PublicFirmPagination):
    """Cursor pages, newest publication first: no COUNT(*), no OFFSET over a million rows."""

    ordering = "-id"


@extend_schema_view(
    list=list_schema(
        s.OpenResultSerializer,
        "抽查检查结果",
        "经审核后公示的检查结果，含更正和撤回（均保留原公示并注明日期和原因）；新公示在前，"
        "以游标翻页。可按检查对象、检查机关、行政区划、检查事项、年度或检查日期、检查结果、"
        "后续处置和公示状态筛选。",
    ),
    retrieve=detail_schema(s.OpenResultSerializer, "按公示编号查看一条公示"),
)
class ResultViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PublicViewSet):
    serializer_class = s.OpenResultSerializer
    filterset_class = PublicResultFilter
    pagination_class = NewestFirstPagination
    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    redact = staticmethod(lambda row: r.public_records([row])[0])

    def get_queryset(self):
        return r.public_results()

    def list(self, request, *args, **kwargs):
        # The serializer documents the shape; `open_result` writes it (see its docstring).
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        base = request.build_absolute_uri(reverse("api:disclosure:result-list"))
        return self.get_paginated_response(
            [s.open_result(record, base) for record in r.public_records(page)]
        )


@extend_schema_view(
    list=list_schema(
        s.OpenPlanSerializer, "年度抽查计划", "已发布的年度抽查计划（含已被新版本替代的版本）。"
    ),
    retrieve=detail_schema(s.OpenPlanSerializer, "按计划编号（部门代码-年度-版本号）查看计划"),
)
class PlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PublicViewSet):
    serializer_class = s.OpenPlanSerializer
    filterset_class = PublicPlanFilter
    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    redact = staticmethod(r.public_plan)

    def get_queryset(self):
        return r.public_plans()

    def get_object(self):
        plan = r.find_plan(self.get_queryset(), self.kwargs["code"].replace("\x00", ""))
        if plan is None:
            raise NotFound()
        return plan


@extend_schema_view(
    list=list_schema(
        s.OpenTaskSerializer,
        "抽查任务",
        "已公告抽取的抽查任务及其全部抽取（含作废和递补抽取）和结果公示情况。",
    ),
    retrieve=detail_schema(s.OpenTaskSerializer, "按任务编号查看抽查任务"),
)
class TaskViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PublicViewSet):
    serializer_class = s.OpenTaskSerializer
    filterset_class = PublicTaskFilter
    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    redact = staticmethod(r.public_task)

    def get_queryset(self):
        return r.public_task_details()


@dataclass(frozen=True)
class _Year:
    year: int
    due_by: date
    downloadable: bool


def _statistics_record(year: int):
    figures, _by_department = yearly.year_figures(year)

    def counts(rows):
        return [{"code": code, "label": label, "count": n} for code, label, n in rows]

    return {
        "year": year,
        "due_by": figures.due_by,
        "tasks": figures.tasks,
        "firms": figures.firms,
        "results": figures.results,
        "by_category": counts(figures.by_category),
        "follow_ups": counts(figures.follow_ups),
        "by_method": counts(figures.by_method),
        "legal_reviews": figures.legal_reviews,
        "downloadable": downloads.has_results(year),
    }


class _YearRecord(dict):
    """A dict whose `year` and `downloadable` the link fields read as attributes."""

    @property
    def year(self) -> int:
        return self["year"]

    @property
    def downloadable(self) -> bool:
        return self["downloadable"]


@extend_schema_view(
    list=list_schema(
        s.OpenYearSerializer,
        "年度统计与批量下载",
        "已结束的年度，每年一条：统计数据和该年全部公示结果（.csv、.xlsx）的地址。",
    ),
    retrieve=extend_schema(
        summary="年度行政执法统计：抽查任务数、检查对象户数、检查结果分类、后续处置方式、法制审核次数",
        tags=[TAG],
        parameters=[
            OpenApiParameter("year", OpenApiTypes.INT, OpenApiParameter.PATH, description="年度")
        ],
        responses={
            200: s.OpenStatisticsSerializer,
            404: OpenApiResponse(ERROR, description="该年度尚未结束，或年度无效"),
        },
    ),
)
class StatisticsViewSet(PublicViewSet):
    lookup_field = "year"
    lookup_value_regex = "[^/]+"
    pagination_class = None

    def get_queryset(self):
        return PublishedResult.objects.none()  # the figures are computed, not listed

    def get_serializer_class(self):
        return s.OpenYearSerializer if self.action == "list" else s.OpenStatisticsSerializer

    @staticmethod
    def redact(record):
        return record

    def list(self, request, *args, **kwargs):
        years = [
            _Year(year=y, due_by=statistics.due_by(y), downloadable=downloads.has_results(y))
            for y in statistics.available_years()
        ]
        return Response(self.get_serializer(years, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        text = kwargs["year"]
        year = int(text) if text.isascii() and text.isdigit() and len(text) == 4 else 0
        if not statistics.is_published_year(year):
            raise NotFound("该年度尚未结束，统计数据将于次年1月公开")
        return Response(self.get_serializer(_YearRecord(_statistics_record(year))).data)


# --- yearly downloads ---------------------------------------------------------------------------

RETRY_AFTER_503 = OpenApiParameter(
    "Retry-After",
    OpenApiTypes.INT,
    OpenApiParameter.HEADER,
    response=[429, 503],
    description="可以再次请求前需要等待的秒数",
)


class _AlwaysJson(BaseContentNegotiation):
    """A download answers with its file whatever Accept says; errors in the API's JSON shape."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def _download_schema(media_type: str, what: str, extra: dict | None = None):
    extra = extra or {}
    return extend_schema(
        summary=f"某年度全部公示结果（{what}）",
        description="该年度（按检查日期）的全部公示，含更正和撤回，按公示顺序；每行一条公示。",
        tags=[TAG],
        parameters=[
            OpenApiParameter("year", OpenApiTypes.INT, OpenApiParameter.PATH, description="年度"),
            RETRY_AFTER_503 if extra else RETRY_AFTER,
        ],
        responses={
            (200, media_type): OpenApiResponse(OpenApiTypes.BINARY, description=what),
            404: OpenApiResponse(ERROR, description="该年度没有公示的检查结果"),
            429: OpenApiResponse(ERROR, description="请求过于频繁，按 Retry-After 等待后再试"),
            **extra,
        },
    )


class _YearDownload(APIView):
    authentication_classes = ()
    permission_classes = (AllowAny,)
    renderer_classes = (JSONRenderer,)
    content_negotiation_class = _AlwaysJson
    throttle_classes = (PublicListThrottle,)

    def year(self, year: str) -> int:
        value = int(year) if year.isascii() and year.isdigit() and len(year) == 4 else 0
        if not 2000 <= value <= 2100 or not downloads.has_results(value):
            raise NotFound("该年度没有公示的检查结果")
        return value

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code == 200:
            patch_cache_control(response, public=True, max_age=settings.PUBLIC_CACHE_SECONDS)
        return response


class ResultsCsv(_YearDownload):
    @_download_schema("text/csv", ".csv，UTF-8 带 BOM，Excel 可直接打开")
    def get(self, request, year: str):
        value = self.year(year)
        response = StreamingHttpResponse(
            downloads.iter_year_csv(value), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="results-{value}.csv"'
        return response


class FileBeingBuilt(APIException):
    """The year's workbook is not built for its present publications yet: its job was started
    (a request never builds it), and the client is told when to come back."""

    status_code = 503
    default_code = "file_being_built"

    def __init__(self, wait: int):
        super().__init__(f"该年度的结果文件正在生成，请约 {wait} 秒后再试；也可先下载 .csv 文件。")
        self.wait = wait  # DRF's handler sends it as Retry-After


class ResultsXlsx(_YearDownload):
    @_download_schema(
        XLSX_CONTENT_TYPE,
        ".xlsx",
        {
            503: OpenApiResponse(
                ERROR,
                description="该年度的结果文件正在生成（公示有变化后重新生成），"
                "按 Retry-After 等待后再试",
            )
        },
    )
    def get(self, request, year: str):
        value = self.year(year)
        path = downloads.built_xlsx(value)
        if path is None:
            yearly.request_results_file(value)
            raise FileBeingBuilt(settings.RESULTS_FILE_RETRY_AFTER)
        return FileResponse(
            path.open("rb"),
            as_attachment=True,
            filename=f"results-{value}.xlsx",
            content_type=XLSX_CONTENT_TYPE,
        )

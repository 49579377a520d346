"""Filters of the public results, plans and tasks, shared by the portal's pages and the API.

Like `inspections.public.filters`, they narrow the querysets of `disclosure.redaction` and
never widen them.
"""

import django_filters
from django import forms
from django.core.cache import cache
from django.db.models import Exists, OuterRef, Q

from disclosure.models import FollowUpSummary, PublicationKind, PublishedResultItem
from disclosure.redaction import PUBLIC_PLAN_STATUSES
from fieldwork.models import ResultCode
from inspections.directory.filters import RegionFilter
from inspections.directory.models import InspectionItemVersion, Region
from inspections.directory.selectors import filter_by_region
from inspections.planning.models import AnnualPlan, SamplingTask, TaskDepartment, TaskStatus
from inspections.public.filters import (
    SEARCH_MAX_LENGTH,
    DepartmentFilter,
    LeanFilterSet,
    looks_like_code,
)
from inspections.public.redaction import PUBLIC_VERSION_STATUSES

STATUS_CHOICES = [
    ("in_force", "有效"),
    ("corrected", "已更正"),
    ("withdrawn", "已撤回"),
    ("withdrawal", "撤回公告"),
]


def _cached(key: str, compute):
    """Choice lists change when an item or a result code is published, rarely; reading them
    on every search costs two queries, so they are kept a minute in the cache."""
    return cache.get_or_set(f"disclosure:choices:{key}", compute, 60)


def _item_choices():
    return _cached("items", _compute_item_choices)


def _result_choices():
    return _cached("results", _compute_result_choices)


def _compute_item_choices():
    """Codes of items with a public version, named by their newest public version."""
    names: dict[str, str] = {}
    for code, name in (
        InspectionItemVersion.objects.filter(status__in=PUBLIC_VERSION_STATUSES)
        .order_by("item__code", "number")
        .values_list("item__code", "name")
    ):
        names[code] = name
    return [(code, f"{code} {name}") for code, name in names.items()]


def _compute_result_choices():
    codes = ResultCode.objects.select_related("parent").order_by("position", "code")
    return [(c.code, c.label) for c in codes]


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 2000)
        kwargs.setdefault("max_value", 2100)
        super().__init__(**kwargs)


class PublicResultFilter(LeanFilterSet):
    q = django_filters.CharFilter(
        method="filter_q",
        max_length=SEARCH_MAX_LENGTH,
        label="检查对象",
        help_text="名称中的文字，或统一社会信用代码（完整18位或前几位）",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "名称或统一社会信用代码"}),
    )
    department = DepartmentFilter(field_name="department", label="检查机关")
    region = RegionFilter(
        field_name="region_code",
        queryset=Region.objects.all(),
        method="filter_region",
        label="行政区划",
        empty_label="全部区划",
        help_text="6位行政区划代码，含下级区划",
    )
    item = django_filters.ChoiceFilter(
        method="filter_item", choices=_item_choices, label="检查事项", empty_label="全部事项"
    )
    year = YearFilter(field_name="year", label="年度", help_text="检查日期所在年度，例如 2021")
    date = django_filters.DateFromToRangeFilter(
        field_name="inspected_on",
        label="检查日期",
        help_text="date_after、date_before：检查日期的起止（含），格式 2021-06-01",
        widget=django_filters.widgets.DateRangeWidget(attrs={"type": "date"}),
    )
    result = django_filters.ChoiceFilter(
        method="filter_result",
        choices=_result_choices,
        label="检查结果",
        empty_label="全部结果",
        help_text="结果代码；选上级代码时包含其下各具体情形",
    )
    follow_up = django_filters.ChoiceFilter(
        field_name="follow_up_status",
        choices=FollowUpSummary.choices,
        label="后续处置",
        empty_label="全部",
    )
    status = django_filters.ChoiceFilter(
        method="filter_status",
        choices=STATUS_CHOICES,
        label="公示状态",
        empty_label="全部",
        help_text="in_force：现行有效的结果；corrected、withdrawn：已被更正、撤回的原公示",
    )
    task = django_filters.CharFilter(
        field_name="task_code", max_length=30, label="任务编号", widget=forms.HiddenInput
    )

    class Meta:
        fields: list[str] = []

    def filter_q(self, queryset, name, value):
        text = value.strip()
        if not text:
            return queryset
        if looks_like_code(text):
            code = text.upper()
            if len(code) == 18:
                return queryset.filter(firm_uscc=code)
            return queryset.filter(firm_uscc__startswith=code)
        if any("a" <= ch.lower() <= "z" for ch in text):
            return queryset.filter(firm_name__icontains=text)
        return queryset.filter(firm_name__contains=text)

    def filter_region(self, queryset, name, value):
        return filter_by_region(queryset, value.code) if value else queryset

    def filter_item(self, queryset, name, value: str):
        listed = PublishedResultItem.objects.filter(item_code=value, result=OuterRef("pk"))
        return queryset.filter(Exists(listed))

    def filter_result(self, queryset, name, value: str):
        return queryset.filter(result_codes__contains=f" {value} ")

    def filter_status(self, queryset, name, value):
        if value == "in_force":
            return queryset.filter(replaced_by__isnull=True).exclude(
                kind=PublicationKind.WITHDRAWAL
            )
        if value == "withdrawal":
            return queryset.filter(kind=PublicationKind.WITHDRAWAL)
        replaced_kind = (
            PublicationKind.WITHDRAWAL if value == "withdrawn" else PublicationKind.CORRECTION
        )
        return queryset.filter(replaced_by__kind=replaced_kind)


class PublicPlanFilter(LeanFilterSet):
    department = DepartmentFilter(field_name="department")
    year = YearFilter(field_name="year", label="计划年度")
    status = django_filters.ChoiceFilter(
        field_name="status",
        choices=[(s.value, s.label) for s in PUBLIC_PLAN_STATUSES],
        label="状态",
        empty_label="全部",
    )

    class Meta:
        model = AnnualPlan
        fields: list[str] = []


class PublicTaskFilter(LeanFilterSet):
    department = DepartmentFilter(
        method="filter_department", label="部门", help_text="发起或参与的部门"
    )
    year = YearFilter(field_name="plan__year", label="计划年度")
    status = django_filters.ChoiceFilter(
        field_name="status",
        choices=[(s.value, s.label) for s in TaskStatus if s != TaskStatus.DRAFT],
        label="任务状态",
        empty_label="全部",
    )

    class Meta:
        model = SamplingTask
        fields: list[str] = []

    def filter_department(self, queryset, name, value):
        if not value:
            return queryset
        takes_part = TaskDepartment.objects.filter(task=OuterRef("pk"), department=value)
        return queryset.filter(Q(department=value) | Exists(takes_part))

"""The public filters, shared by the portal's pages and the open-data API: of firms, items and
officers (the directory's open data), and of results, plans and tasks.

They filter the querysets of `disclosure.redaction`, never widen them: every filter narrows a
set the redaction module already decided is public.
"""

import copy

import django_filters
from django import forms
from django.core.cache import cache
from django.db.models import Exists, OuterRef, Q, Subquery
from django.http import QueryDict
from django.utils import timezone

from backend.codes import USCC_CHARSET
from disclosure import redaction
from disclosure.models import FollowUpSummary, PublicationKind, PublishedResultItem
from disclosure.redaction import PUBLIC_PLAN_STATUSES, PUBLIC_VERSION_STATUSES
from fieldwork.models import ResultCode
from inspections.directory.filters import IndustryFilter, RegionFilter
from inspections.directory.models import (
    Firm,
    FirmStatus,
    InspectionItem,
    InspectionItemVersion,
    ItemCategory,
    Region,
)
from inspections.directory.selectors import filter_by_region
from inspections.planning.models import AnnualPlan, SamplingTask, TaskDepartment, TaskStatus
from personnel.models import Officer

_CODE_CHARS = set(USCC_CHARSET)
SEARCH_MAX_LENGTH = 100


class LeanFilterSet(django_filters.FilterSet):
    """A FilterSet that costs a tenth as much to make, for the public lists asked on every search.

    django-filter deep-copies every filter (with its field, widget and choices) and builds a new
    form class for each instance: about 2 ms a request, more than the query. Here each instance
    takes shallow copies of the class's filters (their fields are shared, and the form deep-copies
    fields anyway, as every Django form does) and a form class built once per FilterSet class.
    Only the filters' `parent` and `model`, and a method filter's binding, are per instance.
    """

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = {}
        for name, base in self.base_filters.items():
            filter_ = copy.copy(base)
            filter_.model = queryset.model
            filter_.parent = self
            if base.method is not None:
                filter_.method = base.method  # binds a FilterMethod to this copy, not the base
            self.filters[name] = filter_

    def get_form_class(self):
        cls = type(self)
        if "_lean_form_class" not in cls.__dict__:
            cls._lean_form_class = super().get_form_class()
        return cls._lean_form_class


def looks_like_code(text: str) -> bool:
    """Letters and digits of the code's character set only: a 统一社会信用代码 or its start."""
    code = text.strip().upper()
    return len(code) >= 4 and code.isascii() and set(code) <= _CODE_CHARS


def search_firms(queryset, text: str):
    """By code (the whole code, or its first characters) or by a part of the name."""
    text = text.strip()
    if not text:
        return queryset
    if looks_like_code(text):
        code = text.upper()
        return (
            queryset.filter(uscc=code)
            if len(code) == 18
            else queryset.filter(uscc__startswith=code)
        )
    # Chinese has no case: only a term with Latin letters pays for UPPER() on every name; a plain
    # LIKE can use the trigram index on PostgreSQL (inspections migration 0003).
    if any("a" <= ch.lower() <= "z" for ch in text):
        return queryset.filter(name__icontains=text)
    return queryset.filter(name__contains=text)


class DepartmentFilter(django_filters.ModelChoiceFilter):
    """A department by its code (KJ), which the public lists show."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", redaction.public_departments())
        kwargs.setdefault("to_field_name", "code")
        kwargs.setdefault("empty_label", "全部部门")
        kwargs.setdefault("label", "部门")
        super().__init__(**kwargs)


class PublicFirmFilter(LeanFilterSet):
    q = django_filters.CharFilter(
        method="filter_q",
        max_length=SEARCH_MAX_LENGTH,
        label="名称或统一社会信用代码",
        help_text="名称中的文字，或统一社会信用代码（完整18位或前几位）",
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "企业名称或统一社会信用代码"}
        ),
    )
    region = RegionFilter(
        field_name="region_code",
        queryset=Region.objects.all(),
        method="filter_region",
        label="行政区划",
        empty_label="全部区划",
        help_text="6位行政区划代码，含下级区划：220100 为长春市全市",
    )
    industry = IndustryFilter(
        field_name="industry_code",
        lookup_expr="startswith",
        label="行业代码",
        help_text="国民经济行业分类代码或其前缀，例如 C36（汽车制造业）或 6513",
    )
    status = django_filters.ChoiceFilter(
        field_name="status", choices=FirmStatus.choices, label="登记状态", empty_label="全部"
    )

    class Meta:
        model = Firm
        fields = []

    def filter_q(self, queryset, name, value):
        return search_firms(queryset, value)

    def filter_region(self, queryset, name, value):
        return filter_by_region(queryset, value.code) if value else queryset


class PublicItemFilter(LeanFilterSet):
    q = django_filters.CharFilter(
        method="filter_q",
        max_length=SEARCH_MAX_LENGTH,
        label="事项名称或编码",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "事项名称或编码"}),
    )
    department = DepartmentFilter(field_name="department")
    category = django_filters.ChoiceFilter(
        method="filter_category",
        choices=ItemCategory.choices,
        label="事项类别",
        empty_label="全部类别",
        help_text="按事项最新公布版本的类别",
    )
    in_force = django_filters.BooleanFilter(
        method="filter_in_force",
        label="状态",
        help_text="true：现行有效的事项；false：已停用的事项",
        widget=forms.Select(choices=[("", "全部"), ("true", "现行有效"), ("false", "已停用")]),
    )

    class Meta:
        model = InspectionItem
        fields = []

    def filter_q(self, queryset, name, value):
        text = value.strip()
        if not text:
            return queryset
        named = InspectionItemVersion.objects.filter(
            item=OuterRef("pk"),
            status__in=redaction.PUBLIC_VERSION_STATUSES,
            name__icontains=text,
        )
        return queryset.filter(Q(code__iexact=text) | Exists(named))

    def filter_category(self, queryset, name, value):
        latest = (
            InspectionItemVersion.objects.filter(
                item=OuterRef("pk"), status__in=redaction.PUBLIC_VERSION_STATUSES
            )
            .order_by("-number")
            .values("category")[:1]
        )
        return queryset.annotate(latest_category=Subquery(latest)).filter(latest_category=value)

    def filter_in_force(self, queryset, name, value):
        return redaction.items_in_force(queryset, value)


class PublicOfficerFilter(LeanFilterSet):
    department = DepartmentFilter(field_name="department")
    name = django_filters.CharFilter(
        field_name="name", lookup_expr="contains", max_length=50, label="姓名"
    )
    certificate = django_filters.CharFilter(
        method="filter_certificate",
        max_length=40,
        label="执法证号",
        help_text="完整的执法证件编号：核验执法人员出示的证件是否有效",
    )

    class Meta:
        model = Officer
        fields = []

    def filter_certificate(self, queryset, name, value):
        number = value.strip()
        if not number:
            return queryset
        day = timezone.localdate()
        return queryset.filter(
            Exists(redaction.valid_certificates(day).filter(officer=OuterRef("pk"), number=number))
        )


# --- results, plans and tasks ------------------------------------------------------------------

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

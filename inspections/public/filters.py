"""The public filters, shared by the portal's pages and the open-data API.

They filter the querysets of `redaction`, never widen them: every filter narrows a set the
redaction module already decided is public.
"""

import copy

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, Subquery
from django.http import QueryDict
from django.utils import timezone

from backend.codes import USCC_CHARSET
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
from inspections.public import redaction
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
        return redaction.in_force(queryset, value)


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

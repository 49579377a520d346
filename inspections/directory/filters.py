"""The directory's filters, shared by the list page, its exports and the API."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError

from backend.codes import USCC_CHARSET, CodeError
from inspections.directory.classifications import normalise_industry_code
from inspections.directory.models import FIRM_FLAGS, Firm, FirmStatus, Region, RiskClass, TargetType
from inspections.directory.selectors import filter_by_region, filter_by_tag

_CODE_CHARS = set(USCC_CHARSET)


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        indent = "" if obj.code.endswith("0000") else "　" if obj.code.endswith("00") else "　　"
        return f"{indent}{obj.name}（{obj.code}）"


class RegionFilter(django_filters.ModelChoiceFilter):
    field_class = RegionChoiceField


class IndustryCodeField(forms.CharField):
    """An industry code, normalised with its section letter (6513 → I6513)."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return ""
        try:
            return normalise_industry_code(value)
        except CodeError as exc:
            # The message quotes the input; as a parameter, a "%" typed by the user is not read
            # as a format directive (django-filter formats `message % params` for the API).
            raise ValidationError(
                "%(reason)s", code=exc.code, params={"reason": exc.message}
            ) from None


class IndustryFilter(django_filters.CharFilter):
    field_class = IndustryCodeField


class FirmFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_search",
        label="名称或代码",
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "名称关键字或统一社会信用代码"}
        ),
    )
    region = RegionFilter(
        field_name="region_code",
        queryset=Region.objects.all(),
        method="filter_region",
        label="行政区划",
        empty_label="全部区划",
    )
    industry = IndustryFilter(
        field_name="industry_code",
        lookup_expr="startswith",
        label="行业代码",
        widget=forms.TextInput(attrs={"placeholder": "如 C36 或 6513"}),
    )
    risk_class = django_filters.MultipleChoiceFilter(
        field_name="risk_class",
        choices=RiskClass.choices,
        label="信用风险分类",
        distinct=False,
        widget=forms.CheckboxSelectMultiple,
    )
    status = django_filters.MultipleChoiceFilter(
        field_name="status",
        choices=FirmStatus.choices,
        label="登记状态",
        distinct=False,
        widget=forms.CheckboxSelectMultiple,
    )
    target_type = django_filters.ChoiceFilter(
        field_name="target_type",
        choices=TargetType.choices,
        label="对象类型",
        empty_label="全部类型",
    )
    flag = django_filters.MultipleChoiceFilter(
        method="filter_flags",
        choices=FIRM_FLAGS,
        label="标记",
        distinct=False,
        widget=forms.CheckboxSelectMultiple,
    )
    tag = django_filters.CharFilter(method="filter_tag", label="标签")

    class Meta:
        model = Firm
        fields = []

    def filter_search(self, queryset, name, value):
        text = value.strip()
        if not text:
            return queryset
        code = text.upper()
        # Letters and digits only, from the code's character set: a code or the start of one.
        if len(code) >= 4 and code.isascii() and set(code) <= _CODE_CHARS:
            if len(code) == 18:
                return queryset.filter(uscc=code)
            return queryset.filter(uscc__startswith=code)
        # Chinese has no case: only a term with Latin letters pays for UPPER() on every name;
        # a plain LIKE can use the trigram index on PostgreSQL (migration 0003).
        if any("a" <= ch.lower() <= "z" for ch in text):
            return queryset.filter(name__icontains=text)
        return queryset.filter(name__contains=text)

    def filter_region(self, queryset, name, value):
        return filter_by_region(queryset, value.code) if value else queryset

    def filter_flags(self, queryset, name, value):
        for flag in value:
            queryset = queryset.filter(**{flag: True})
        return queryset

    def filter_tag(self, queryset, name, value):
        return filter_by_tag(queryset, value.strip()) if value.strip() else queryset

    def is_narrowed(self) -> bool:
        """Whether any filter is set (the whole directory otherwise)."""
        data = self.form.cleaned_data if self.form.is_valid() else {}
        return any(value not in (None, "", [], ()) for value in data.values())

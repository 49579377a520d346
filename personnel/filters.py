"""Filters for the officer directory and the certificate register, shared by pages and API."""

from datetime import date

import django_filters
from django import forms
from django.db.models import Q

from personnel.models import (
    Certificate,
    CertificateStatus,
    EnforcementField,
    Officer,
    OfficerCategory,
    OfficerStatus,
)
from personnel.pools import Pool, certificates_valid_on, holds_valid_certificate, in_pool


class OfficerFilter(django_filters.FilterSet):
    """Search by name or expertise (never by ID number: that would put it in a URL), and filter
    by category, status, pool and whether a valid certificate is held, all on one date."""

    q = django_filters.CharFilter(method="search", label="姓名或业务专长")
    category = django_filters.ChoiceFilter(choices=OfficerCategory.choices, label="人员类别")
    status = django_filters.ChoiceFilter(choices=OfficerStatus.choices, label="状态")
    pool = django_filters.ChoiceFilter(choices=Pool.choices, method="filter_pool", label="人员库")
    has_certificate = django_filters.BooleanFilter(
        method="filter_has_certificate", label="持有效执法证"
    )
    on = django_filters.DateFilter(method="keep", label="日期（默认今天）")

    class Meta:
        model = Officer
        fields = ["q", "category", "status", "pool", "has_certificate", "on"]

    @property
    def day(self) -> date:
        if self.form.is_valid() and self.form.cleaned_data.get("on"):
            return self.form.cleaned_data["on"]
        return date.today()

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(expertise__icontains=value))

    def filter_pool(self, queryset, name, value):
        return in_pool(queryset, value, on=self.day)

    def filter_has_certificate(self, queryset, name, value):
        held = holds_valid_certificate(self.day)
        return queryset.filter(held if value else ~held)

    def keep(self, queryset, name, value):
        return queryset  # the date only parametrises the other filters


class IdFilter(django_filters.NumberFilter):
    """An object id: an integer the id column can hold. A fraction or a 30-digit number is
    refused (400) rather than sent to the database, which cannot compare it (SQLite raised
    OverflowError, a 500)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class CertificateFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="证件编号或姓名")
    status = django_filters.ChoiceFilter(
        choices=CertificateStatus.choices, method="filter_status", label="状态"
    )
    field = django_filters.ModelChoiceFilter(
        field_name="enforcement_fields",
        queryset=EnforcementField.objects.all(),
        to_field_name="code",
        label="执法领域",
    )
    officer = IdFilter(field_name="officer", label="执法人员编号")
    expires_before = django_filters.DateFilter(
        field_name="valid_to", lookup_expr="lte", label="有效期截止不晚于"
    )
    on = django_filters.DateFilter(method="keep", label="日期（默认今天）")

    class Meta:
        model = Certificate
        fields = ["q", "status", "field", "officer", "expires_before", "on"]

    @property
    def day(self) -> date:
        if self.form.is_valid() and self.form.cleaned_data.get("on"):
            return self.form.cleaned_data["on"]
        return date.today()

    def search(self, queryset, name, value):
        return queryset.filter(Q(number__icontains=value) | Q(officer__name__icontains=value))

    def filter_status(self, queryset, name, value):
        """The status on the chosen date: 过期 and 未生效 come from the dates."""
        day = self.day
        if value == CertificateStatus.VALID:
            return queryset.filter(pk__in=certificates_valid_on(day).values("pk"))
        if value == CertificateStatus.EXPIRED:
            return queryset.filter(status=CertificateStatus.VALID, valid_to__lt=day)
        if value == CertificateStatus.NOT_YET_VALID:
            return queryset.filter(status=CertificateStatus.VALID, valid_from__gt=day)
        return queryset.filter(status=value)

    def keep(self, queryset, name, value):
        return queryset

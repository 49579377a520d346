import django_filters
from django import forms

from backend.audit import actions
from backend.audit.models import AuditEvent


class IPFilter(django_filters.CharFilter):
    """An address, checked as one: PostgreSQL's inet column cannot be compared with any other
    text (the adapter raised ValueError, a 500); a bad one is a 400."""

    field_class = forms.GenericIPAddressField


class AuditEventFilter(django_filters.FilterSet):
    since = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__gte", label="起始日期"
    )
    until = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__lte", label="截止日期"
    )
    actor = django_filters.CharFilter(
        field_name="actor_username", lookup_expr="icontains", label="账号"
    )
    # Every action any app defines, by its Chinese name; a stored name no app defines any more
    # is still found by "操作代码" (a prefix such as "plans." finds a whole family).
    action = django_filters.ChoiceFilter(
        field_name="action", choices=actions.choices, label="操作", empty_label="全部"
    )
    action_code = django_filters.CharFilter(
        field_name="action", lookup_expr="startswith", label="操作代码"
    )
    department = django_filters.CharFilter(field_name="department_code", label="部门代码")
    object_type = django_filters.CharFilter(field_name="object_type", label="对象类型")
    object_id = django_filters.CharFilter(field_name="object_id", label="对象标识")
    request_id = django_filters.CharFilter(field_name="request_id", label="请求编号")
    ip = IPFilter(field_name="ip", label="IP地址")

    class Meta:
        model = AuditEvent
        fields = ["outcome"]

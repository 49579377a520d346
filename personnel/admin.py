from django.contrib import admin

from backend.audit.admin import AuditedModelAdmin
from personnel.models import Department, EnforcementField


@admin.register(Department)
class DepartmentAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "region_code", "parent"]
    search_fields = ["code", "name"]


@admin.register(EnforcementField)
class EnforcementFieldAdmin(AuditedModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]

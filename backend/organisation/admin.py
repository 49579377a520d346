from django.contrib import admin

from backend.audit.admin import AuditedModelAdmin
from backend.organisation.models import Department


@admin.register(Department)
class DepartmentAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "region_code", "parent", "training_min_hours"]
    search_fields = ["code", "name"]

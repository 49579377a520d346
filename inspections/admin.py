from django.contrib import admin

from backend.audit.admin import AuditedModelAdmin
from inspections.directory.models import Industry, Region


# Reference tables only: items and firms change through their services (a published item
# version is never edited), so they have no back-office forms.
@admin.register(Region)
class RegionAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "parent"]
    search_fields = ["code", "name"]


@admin.register(Industry)
class IndustryAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "parent"]
    search_fields = ["code", "name"]

"""The back office reads the fieldwork tables; it never writes them.

Records and evidence are append-only (and hash-chained): no add, change or delete here, ever.
The rest changes only through the services, which check the rules and write the audit trail:
inspections and follow-ups on the fieldwork pages, the result code table at
/field/result-codes/.
"""

from django.contrib import admin

from fieldwork.models import (
    EvidenceFile,
    FollowUp,
    Inspection,
    InspectionMember,
    InspectionRecord,
    ResultCode,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MemberInline(admin.TabularInline):
    model = InspectionMember
    extra = 0
    fields = ["department", "seat", "officer", "certificate_number", "draw_public_id"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = ["code", "firm_name", "firm_uscc", "state", "window_start", "window_end"]
    list_filter = ["state"]
    search_fields = ["code", "firm_name", "firm_uscc"]
    inlines = [MemberInline]


@admin.register(InspectionRecord)
class InspectionRecordAdmin(ReadOnlyAdmin):
    list_display = ["inspection", "sequence", "kind", "occurred_at", "recorded_at", "recorded_by"]
    list_filter = ["kind"]
    search_fields = ["inspection__code", "content_hash"]
    list_select_related = ["inspection", "recorded_by"]


@admin.register(EvidenceFile)
class EvidenceFileAdmin(ReadOnlyAdmin):
    list_display = ["inspection", "kind", "original_name", "size", "sha256", "uploaded_at"]
    list_filter = ["kind"]
    search_fields = ["inspection__code", "sha256", "original_name"]
    list_select_related = ["inspection"]


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnlyAdmin):
    list_display = ["inspection", "kind", "authority", "due_on", "status", "completed_on"]
    list_filter = ["kind", "status"]
    search_fields = ["inspection__code", "authority"]
    list_select_related = ["inspection"]


@admin.register(ResultCode)
class ResultCodeAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "parent", "department", "needs_follow_up", "active"]
    list_filter = ["active", "department"]
    search_fields = ["code", "name"]

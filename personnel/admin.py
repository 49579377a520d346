from django.contrib import admin

from backend.audit.admin import AuditedModelAdmin
from backend.codes import mask_citizen_id, mask_phone
from personnel.models import (
    Certificate,
    CertificateEvent,
    ConflictOfInterest,
    EnforcementField,
    Expert,
    Officer,
    QualificationExam,
    RecusalRequest,
    TrainingRecord,
)


@admin.register(EnforcementField)
class EnforcementFieldAdmin(AuditedModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Officer)
class OfficerAdmin(AuditedModelAdmin):
    # ID numbers and phones belong to the officer's own department administrator, on the
    # personnel pages: the admin (the system administrator's, for every department) shows them
    # masked, never in full, and cannot edit them. Not a column, not searchable either.
    list_display = ["name", "department", "category", "status", "jurisdiction_area"]
    list_filter = ["department", "category", "status"]
    search_fields = ["name"]
    raw_id_fields = ["user"]
    exclude = ["citizen_id", "phone"]
    readonly_fields = ["masked_citizen_id", "masked_phone"]

    @admin.display(description="公民身份号码")
    def masked_citizen_id(self, officer):
        return mask_citizen_id(officer.citizen_id)

    @admin.display(description="联系电话")
    def masked_phone(self, officer):
        return mask_phone(officer.phone) if officer.phone else "—"

    def has_add_permission(self, request):
        # An officer needs their ID number, which only their department administrator enters
        # (the personnel pages and the import).
        return False


class CertificateEventInline(admin.TabularInline):
    model = CertificateEvent
    extra = 0
    can_delete = False
    fields = ["at", "action", "status_before", "status_after", "valid_from", "valid_to", "reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Certificate)
class CertificateAdmin(AuditedModelAdmin):
    list_display = ["number", "officer", "kind", "valid_from", "valid_to", "status"]
    list_filter = ["status", "kind"]
    search_fields = ["number", "officer__name"]
    # Status and validity change only through the services, which keep the history.
    readonly_fields = ["officer", "number", "status", "valid_from", "valid_to"]
    inlines = [CertificateEventInline]

    def has_add_permission(self, request):
        return False


@admin.register(CertificateEvent)
class CertificateEventAdmin(admin.ModelAdmin):
    """Read-only: the services append certificate history, nobody edits it."""

    list_display = ["certificate", "action", "status_before", "status_after", "valid_to", "at"]
    list_filter = ["action"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(QualificationExam)
class QualificationExamAdmin(AuditedModelAdmin):
    list_display = ["officer", "exam_date", "score", "passed"]
    list_filter = ["passed"]
    search_fields = ["officer__name"]


@admin.register(TrainingRecord)
class TrainingRecordAdmin(AuditedModelAdmin):
    list_display = ["officer", "training_date", "hours", "topic"]
    search_fields = ["officer__name", "topic"]


@admin.register(Expert)
class ExpertAdmin(AuditedModelAdmin):
    list_display = ["name", "department", "field", "organisation"]
    search_fields = ["name", "field", "organisation"]


@admin.register(ConflictOfInterest)
class ConflictOfInterestAdmin(AuditedModelAdmin):
    list_display = ["officer", "firm_name", "firm_uscc", "relation", "source", "valid_from"]
    list_filter = ["relation", "source"]
    search_fields = ["officer__name", "firm_name", "firm_uscc"]


@admin.register(RecusalRequest)
class RecusalRequestAdmin(AuditedModelAdmin):
    list_display = ["officer", "firm_name", "requested_on", "decision", "decided_by"]
    list_filter = ["decision"]
    search_fields = ["officer__name", "firm_name"]

from django.contrib import admin

from backend.audit.admin import AuditedModelAdmin
from legalreview.models import CatalogueEntry, Decision, LegalReview


class ReadOnlyAdmin(admin.ModelAdmin):
    """Decisions and review rounds change only through the services, which keep the history,
    the record chain and the audit trail; the admin shows them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CatalogueEntry)
class CatalogueEntryAdmin(AuditedModelAdmin):
    list_display = ["name", "department", "decision_type", "enforcement_field", "min_amount"]
    list_filter = ["department", "decision_type", "active"]
    search_fields = ["name"]

    def has_delete_permission(self, request, obj=None):
        return False  # retire a line instead: past submissions name it


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "department", "decision_type", "state", "created_at"]
    list_filter = ["state", "decision_type", "department"]
    search_fields = ["number", "title", "inspection__code", "inspection__firm_name"]


@admin.register(LegalReview)
class LegalReviewAdmin(ReadOnlyAdmin):
    list_display = ["decision", "round", "submitted_on", "outcome", "reviewer", "decided_at"]
    list_filter = ["outcome"]
    search_fields = ["decision__number"]

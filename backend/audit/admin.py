from django.contrib import admin

from backend.audit.actions import AuditTrailAction
from backend.audit.models import AuditEvent
from backend.audit.services import record_event


class AuditedModelAdmin(admin.ModelAdmin):
    """Back-office fixes in the admin are writes like any other: each one is audited."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        record_event(
            action=AuditTrailAction.ADMIN_CHANGE if change else AuditTrailAction.ADMIN_ADD,
            actor=request.user,
            obj=obj,
            detail={"fields": sorted(form.changed_data)},
        )

    def delete_model(self, request, obj):
        label, pk = obj._meta.label_lower, obj.pk
        super().delete_model(request, obj)
        record_event(
            action=AuditTrailAction.ADMIN_DELETE,
            actor=request.user,
            object_type=label,
            object_id=pk,
        )

    def delete_queryset(self, request, queryset):
        label, pks = queryset.model._meta.label_lower, list(queryset.values_list("pk", flat=True))
        super().delete_queryset(request, queryset)
        for pk in pks:
            record_event(
                action=AuditTrailAction.ADMIN_DELETE,
                actor=request.user,
                object_type=label,
                object_id=pk,
            )


class SealedAdmin(admin.ModelAdmin):
    """A model the back office never reaches, whoever asks (superusers included): it is not
    listed, and its addresses answer 403, which the refusal middleware audits."""

    def has_module_permission(self, request):
        return False

    def has_view_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# The audit trail is appended by the services and read by the audit administrator at /audit/,
# who has no admin access; the system administrator who has it must not read it (三员分立).
admin.site.register(AuditEvent, SealedAdmin)

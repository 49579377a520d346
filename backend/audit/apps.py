from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "backend.audit"
    label = "audit"
    verbose_name = "审计日志"

    def ready(self) -> None:
        # Every app's enumeration of audit actions, for the audit page's labels and filter.
        from backend.audit.actions import discover

        discover()
        # The trail's head is signed in every checkpoint (backend.checkpoints).
        from backend.audit.checkpoint_chain import AUDIT_CHAIN
        from backend.checkpoints.registry import register

        register(AUDIT_CHAIN)

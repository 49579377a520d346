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
        # And walked every night, link by link (backend.checkpoints.nightly).
        from backend.checkpoints.nightly import NightlyCheck, register_check

        register_check(NightlyCheck("audit", "审计日志哈希链", _audit_problems, order=20))
        # A large export of the trail is made by a background job (backend.jobs.work).
        from backend.audit.exports import register_export_job

        register_export_job()
        # What waits for the audit administrator on the home page (backend.accounts.todo).
        from backend.accounts.todo import register_todo_source
        from backend.audit.todo import audit_todo

        register_todo_source(audit_todo)


def _audit_problems() -> list[str]:
    from backend.audit.verification import verify_chain

    report = verify_chain()
    if report.ok:
        return []
    brk = report.first_break
    return [f"审计链断裂：事件 #{brk.event_id}：{brk.reason}（此前 {report.checked} 条完好）"]

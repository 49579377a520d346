from django.apps import AppConfig


class FieldworkConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "fieldwork"
    verbose_name = "检查实施"

    def ready(self) -> None:
        # Starting a task opens its inspections, which inspections (below fieldwork) cannot
        # import: it calls the function registered here wherever a task is started.
        from fieldwork.selectors import recent_inspections
        from fieldwork.services.inspections import start_fieldwork
        from inspections.planning.selectors import register_recent_inspections
        from inspections.planning.services.task_transitions import register_start_handler

        register_start_handler(start_fieldwork)
        # A task is reviewed only once every inspection is (wherever the move comes from).
        from fieldwork.selectors import review_blockers
        from inspections.planning.models import TaskStatus
        from inspections.planning.selectors import register_transition_blockers

        register_transition_blockers(TaskStatus.RESULTS_REVIEWED, review_blockers)
        # A task's scope excludes the firms inspected for its items within its exclusion window.
        register_recent_inspections(recent_inspections)
        # The frequency caps count the inspections themselves (their ledger).
        from fieldwork.selectors import frequency_ledger
        from inspections.planning.caps import register_ledger

        register_ledger(frequency_ledger)
        # Every inspection's record chain is signed in the checkpoints (backend.checkpoints).
        from backend.checkpoints.registry import register
        from fieldwork.checkpoint_chain import RECORDS_CHAIN

        register(RECORDS_CHAIN)
        # Every inspection's chain walked every night (backend.checkpoints.nightly).
        from backend.checkpoints.nightly import NightlyCheck, register_check
        from fieldwork.verification import nightly_problems

        register_check(NightlyCheck("records", "全过程记录摘要链", nightly_problems, order=30))
        # What waits for the user on their home page (backend.accounts.todo).
        from backend.accounts.todo import register_todo_source
        from fieldwork.todo import fieldwork_todo

        register_todo_source(fieldwork_todo)

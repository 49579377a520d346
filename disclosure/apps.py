from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "disclosure"
    verbose_name = "结果公示与统计"

    def ready(self) -> None:
        # The draws and the published results are signed in every checkpoint, and proven
        # included to the public (backend.checkpoints).
        from backend.checkpoints.registry import register
        from disclosure.checkpoint_chains import DRAWS_CHAIN, RESULTS_CHAIN

        register(DRAWS_CHAIN)
        register(RESULTS_CHAIN)
        # A task is published only once every result is (wherever the move comes from).
        from disclosure.selectors import task_publication_blockers
        from inspections.planning.models import TaskStatus
        from inspections.planning.selectors import register_transition_blockers

        register_transition_blockers(TaskStatus.PUBLISHED, task_publication_blockers)
        # What waits for the user on their home page (backend.accounts.todo).
        from backend.accounts.todo import register_todo_source
        from disclosure.todo import disclosure_todo

        register_todo_source(disclosure_todo)
        # A finished year's result file and statistics are built by background jobs.
        from disclosure.yearly import register_kinds

        register_kinds()

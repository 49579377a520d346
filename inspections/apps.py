from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    """One app, three packages (see inspections/__init__.py); this wires them together."""

    name = "inspections"
    verbose_name = "抽查检查"

    def ready(self) -> None:
        # Importers register themselves with backend.imports on import.
        from inspections.directory import firm_import, item_list_import  # noqa: F401

        # Planning may not import the step after it: the draws register their card of the
        # task page, and what keeps a task from starting (a draw left half done).
        from inspections.draws.selectors import start_blockers
        from inspections.draws.views import TASK_PAGE_SECTION
        from inspections.planning.selectors import register_start_blockers
        from inspections.planning.task_page import register_task_page_section

        register_task_page_section(TASK_PAGE_SECTION)
        register_start_blockers(start_blockers)
        # Every performed draw recomputed from its files every night.
        from backend.checkpoints.nightly import NightlyCheck, register_check
        from inspections.draws.verification import nightly_problems

        register_check(NightlyCheck("draws", "已进行的抽取", nightly_problems, order=40))
        # The draws' jobs on the system administrator's jobs page, and in the stale-job sweep.
        from backend.jobs.registry import JobKind, register_job_kind
        from inspections.draws.draw_jobs import job_rows, sweep_stale_jobs

        register_job_kind(JobKind("draw", "抽取", job_rows, sweep_stale_jobs))
        # A large export of the directory is made by a background job (backend.jobs.work).
        from inspections.directory.exports import register_export_job

        register_export_job()
        # What waits for the user on their home page (backend.accounts.todo).
        from backend.accounts.todo import register_todo_source
        from inspections.planning.todo import planning_todo

        register_todo_source(planning_todo)

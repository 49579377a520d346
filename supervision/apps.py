from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "supervision"
    verbose_name = "行政执法监督"

    def ready(self) -> None:
        # The planner sees a task's warnings before announcing its draw: planning (below this
        # app) shows the section registered here, and never imports supervision.
        from inspections.planning.task_page import register_task_page_section
        from supervision.views import TASK_PAGE_SECTION

        register_task_page_section(TASK_PAGE_SECTION)
        # What waits for the user on their home page (backend.accounts.todo).
        from backend.accounts.todo import register_todo_source
        from supervision.todo import supervision_todo

        register_todo_source(supervision_todo)

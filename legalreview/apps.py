from django.apps import AppConfig


class LegalreviewConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "legalreview"
    verbose_name = "法制审核"

    def ready(self) -> None:
        # An inspection's page (fieldwork, below this app) lists its decisions through this.
        from fieldwork.decisions import register_decisions
        from legalreview.selectors import decisions_of_inspection

        register_decisions(decisions_of_inspection)
        # What waits for the user on their home page (backend.accounts.todo).
        from backend.accounts.todo import register_todo_source
        from legalreview.todo import legalreview_todo

        register_todo_source(legalreview_todo)

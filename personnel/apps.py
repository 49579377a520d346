from django.apps import AppConfig


class PersonnelConfig(AppConfig):
    name = "personnel"
    verbose_name = "执法人员"

    def ready(self) -> None:
        # The officer importer registers itself; what waits for the user on their home page
        # is registered with backend.accounts.todo.
        from backend.accounts.todo import register_todo_source
        from personnel import officer_import  # noqa: F401
        from personnel.todo import personnel_todo

        register_todo_source(personnel_todo)

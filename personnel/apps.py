from django.apps import AppConfig


class PersonnelConfig(AppConfig):
    name = "personnel"
    verbose_name = "执法人员"

    def ready(self) -> None:
        from personnel import officer_import  # noqa: F401  (registers the officer importer)

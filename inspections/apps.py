from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = "抽查检查"

    def ready(self) -> None:
        from inspections import firm_import  # noqa: F401  (registers the firm importer)

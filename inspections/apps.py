from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = "抽查检查"

    def ready(self) -> None:
        # Importers register themselves with backend.imports on import.
        from inspections import firm_import, item_list_import  # noqa: F401

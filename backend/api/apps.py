from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "backend.api"
    label = "api"
    verbose_name = "接口"

    def ready(self):
        # Registers the schema extension with drf-spectacular.
        from backend.api import schema  # noqa: F401

from django.apps import AppConfig


class FieldworkConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "fieldwork"
    verbose_name = "检查实施"

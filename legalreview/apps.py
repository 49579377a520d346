from django.apps import AppConfig


class LegalreviewConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "legalreview"
    verbose_name = "法制审核"

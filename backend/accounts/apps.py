from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "backend.accounts"
    label = "accounts"
    verbose_name = "账户与角色"

    def ready(self) -> None:
        from backend.accounts import signals  # noqa: F401  (login auditing)

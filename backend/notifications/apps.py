from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "backend.notifications"
    label = "notifications"
    verbose_name = "通知"

    def ready(self) -> None:
        # Unread notifications on every home page's to-do list.
        from backend.accounts.todo import register_todo_source
        from backend.notifications.todo import notifications_todo

        register_todo_source(notifications_todo)

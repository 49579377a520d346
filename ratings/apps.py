from django.apps import AppConfig


class RatingsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "ratings"
    verbose_name = "企业评价与投诉"

    def ready(self) -> None:
        # Closing an inspection (fieldwork, below this app) issues the firm's rating link: the
        # function registered here runs in the closing transaction.
        from fieldwork.closing import register_close_handler
        from fieldwork.documents.content import register_result_notice_addition
        from ratings.documents import rating_link_blocks
        from ratings.services import issue_rating_link

        register_close_handler(issue_rating_link)
        # The 检查结果告知书 prints the link and its QR code once the inspection is closed.
        register_result_notice_addition(rating_link_blocks)
        # What waits for the user on their home page (backend.accounts.todo).
        from backend.accounts.todo import register_todo_source
        from ratings.todo import ratings_todo

        register_todo_source(ratings_todo)

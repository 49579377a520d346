"""Unread notifications on the home pages' to-do list (backend.accounts.todo)."""

from django.urls import reverse

from backend.accounts.todo import TodoItem
from backend.notifications.selectors import unread_count


def notifications_todo(user) -> list[TodoItem]:
    url = reverse("notifications:list") + "?state=unread"
    return [TodoItem("未读通知", unread_count(user), url, order=90)]

"""Ratings' line of the home pages' to-do list (backend.accounts.todo)."""

from django.urls import reverse

from backend.accounts.roles import Role
from backend.accounts.todo import TodoItem
from ratings.models import ComplaintState
from ratings.selectors import complaints_visible_to


def ratings_todo(user) -> list[TodoItem]:
    if not user.has_role(Role.DEPARTMENT_ADMIN):
        return []
    count = complaints_visible_to(user).filter(state=ComplaintState.OPEN).count()
    url = reverse("ratings:complaints") + "?state=open"
    return [TodoItem("投诉待答复", count, url, order=85)]

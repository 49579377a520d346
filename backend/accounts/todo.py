"""What waits for a user: the to-do list every home page starts with.

The home pages live here, at the bottom of the layers, but what waits for a person belongs to
the apps above (plans, draws, inspections, legal reviews, publications...), which this package
may not import. So each of those apps registers a source in its AppConfig.ready() — the same
inverted hook as `register_task_page_section` — and the home page asks every source for the
items of the user who opens it. A source reads through its app's selectors, so department
scope is decided in the one place that decides it for the app's own pages.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class TodoItem:
    """One line of the list: what waits, how many, and the page where it is done."""

    label: str
    count: int
    url: str
    # A deadline or other short remark, in plain Chinese ("最早 2026年12月9日 到期").
    note: str = ""
    # Overdue work is shown first and marked.
    urgent: bool = False
    order: int = 100


# Called with the user; returns the items that wait for them (none with a zero count needed).
TodoSource = Callable[..., Iterable[TodoItem]]

_sources: list[TodoSource] = []


def register_todo_source(source: TodoSource) -> None:
    """Add `source` to every home page's to-do list (once)."""
    if source not in _sources:
        _sources.append(source)


def todo_for(user) -> list[TodoItem]:
    """What waits for `user`, the urgent first; items with nothing waiting are left out."""
    items = [item for source in _sources for item in source(user) if item.count > 0]
    return sorted(items, key=lambda item: (not item.urgent, item.order, item.label))

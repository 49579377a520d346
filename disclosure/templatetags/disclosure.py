"""{% publication_due %}: the department's results due for publication, on its dashboards;
|chinese_day: a day stored as text ("2021-07-01") as a person reads it ("2021年7月1日")."""

from datetime import date

from django import template

from backend.text import chinese_date
from disclosure.selectors import due_counts, may_publish

register = template.Library()


@register.inclusion_tag("publishing/_due_card.html", takes_context=True)
def publication_due(context):
    user = context["request"].user
    if not may_publish(user):
        return {"show": False}
    due, overdue = due_counts(user.department)
    return {"show": True, "due": due, "overdue": overdue}


@register.filter
def chinese_day(value) -> str:
    """A follow-up's completion day in a result snapshot is kept as ISO text; a page shows it as
    2021年7月1日. Anything that is not a day is shown unchanged."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, date):
        return chinese_date(value)
    return value

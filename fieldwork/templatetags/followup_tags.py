"""{% follow_ups_due_section %}: the department's open follow-ups, overdue ones highlighted,
for the planner's and the department administrator's home pages."""

from django import template

from fieldwork.selectors import follow_ups_due

register = template.Library()

SHOWN = 20


@register.inclusion_tag("fieldwork/followups/_due.html", takes_context=True)
def follow_ups_due_section(context):
    due = follow_ups_due(context["request"].user)
    shown = list(due[:SHOWN])
    return {
        "due": shown,
        "due_count": due.count() if len(shown) == SHOWN else len(shown),
        "overdue_count": due.filter(overdue=True).count(),
    }

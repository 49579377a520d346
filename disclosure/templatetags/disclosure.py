"""{% publication_due %}: the department's results due for publication, on its dashboards."""

from django import template

from disclosure.selectors import due_counts, may_publish

register = template.Library()


@register.inclusion_tag("publishing/_due_card.html", takes_context=True)
def publication_due(context):
    user = context["request"].user
    if not may_publish(user):
        return {"show": False}
    due, overdue = due_counts(user.department)
    return {"show": True, "due": due, "overdue": overdue}

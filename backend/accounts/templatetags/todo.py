from django import template

from backend.accounts.todo import todo_for

register = template.Library()


@register.inclusion_tag("accounts/_todo.html", takes_context=True)
def todo_list(context, quiet=False):
    """The user's to-do list (backend.accounts.todo), for a home page; each role's landing page
    includes it, whichever app the page belongs to. `quiet` hides the card when nothing waits
    (on a page that is itself a list of work, "nothing" would be noise)."""
    return {"todo": todo_for(context["request"].user), "quiet": quiet}

"""{% planning_dashboard %}: the department's tasks at a glance, for the planner's home page."""

from django import template

from inspections.planning.selectors import dashboard_for

register = template.Library()


@register.inclusion_tag("inspections/_dashboard.html", takes_context=True)
def planning_dashboard(context):
    return {"dashboard": dashboard_for(context["request"].user)}

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def deadline(value):
    """A deadline's date, with the fallback warning wherever Monday–Friday had to be assumed."""
    if value is None:
        return ""
    if not value.approximate:
        return format_html('<time datetime="{0}">{0}</time>', value.due.isoformat())
    return format_html(
        '<time datetime="{0}">{0}</time> '
        '<span class="warn" title="{1}">（按周一至周五推算）</span>',
        value.due.isoformat(),
        value.warning,
    )

from django import template
from django.utils.html import format_html

from backend.text import chinese_date

register = template.Library()


@register.simple_tag
def deadline(value):
    """A deadline's date, with the fallback warning wherever Monday–Friday had to be assumed."""
    if value is None:
        return ""
    if not value.approximate:
        return format_html(
            '<time datetime="{0}">{1}</time>', value.due.isoformat(), chinese_date(value.due)
        )
    return format_html(
        '<time datetime="{0}">{1}</time> '
        '<span class="warn" title="{2}">（按周一至周五推算）</span>',
        value.due.isoformat(),
        chinese_date(value.due),
        value.warning,
    )

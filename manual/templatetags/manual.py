"""The manual's two tags: `{% page "plans:list" "年度计划" %}` names a page of the product by its
URL name (a link when the page needs no parameter), and `{% screen "planner-plans" "说明" %}` shows
a screenshot that tests/browser/test_help_screens.py takes from the demo."""

from django import template
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from manual.sections import url_names

register = template.Library()

SCREENS_DIR = "help/screens"


@register.simple_tag
def page(url_name: str, label: str):
    names, _ = url_names()
    if url_name not in names:
        raise ValueError(f"操作手册提到的页面 {url_name} 已不存在")
    try:
        url = reverse(url_name)
    except NoReverseMatch:  # a page of one record: named, not linked
        return format_html('<b class="page-name">{}</b>', label)
    return format_html('<a class="page-name" href="{}">{}</a>', url, label)


@register.simple_tag
def screen(name: str, caption: str):
    """A screenshot; names ending in -phone were taken on a 375 px wide phone."""
    kind = "screen phone" if name.endswith("-phone") else "screen"
    return format_html(
        '<figure class="{}" data-screen="{}"><img src="{}" alt="{}" loading="lazy">'
        "<figcaption>图：{}</figcaption></figure>",
        kind,
        name,
        static(f"{SCREENS_DIR}/{name}.png"),
        caption,
        caption,
    )

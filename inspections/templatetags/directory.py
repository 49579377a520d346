"""Names beside codes, for pages a person reads: `{{ code|region }}` gives "朝阳区（220104）",
`{{ code|industry }}` "应用软件开发（I6513）"; a code the tables do not know is shown as it is."""

from django import template

from inspections.directory.classifications import industry_name, region_names

register = template.Library()


def _named(name: str, code: str) -> str:
    return f"{name}（{code}）" if name else code


@register.filter
def region(code: str) -> str:
    if not code:
        return ""
    return _named(region_names().get(code, ""), code)


@register.filter
def industry(code: str) -> str:
    if not code:
        return ""
    return _named(industry_name(code), code)

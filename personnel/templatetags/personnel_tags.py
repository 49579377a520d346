"""Template filters that show an officer's personal data only through the selectors' rule."""

from django import template

from personnel.selectors import shown_citizen_id, shown_phone
from personnel.text import format_hours

register = template.Library()


@register.filter
def citizen_id_for(officer, viewer) -> str:
    """`{{ officer|citizen_id_for:user }}`: full for the own department administrator only."""
    return shown_citizen_id(viewer, officer)


@register.filter
def phone_for(officer, viewer) -> str:
    return shown_phone(viewer, officer) or "—"


@register.filter
def status_label_on(certificate, day) -> str:
    return certificate.status_label_on(day)


@register.filter
def status_on(certificate, day) -> str:
    return certificate.status_on(day)


@register.filter
def hours(value) -> str:
    return format_hours(value)


@register.filter
def days_left(day, today) -> int:
    """Whole days from `today` to `day` (0 on the day itself)."""
    return (day - today).days


@register.filter
def entrusted_valid_on(organisation, day) -> bool:
    """`{{ organisation|entrusted_valid_on:today }}`: the 委托 is in force that day."""
    return organisation.is_valid_on(day)

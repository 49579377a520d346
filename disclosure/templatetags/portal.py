"""{% portal_footer %}: 主办单位, contact and 备案 number under every public page (settings)."""

from django import template
from django.conf import settings

register = template.Library()


@register.inclusion_tag("portal/_footer.html")
def portal_footer():
    return {
        "host": settings.PORTAL_HOST_ORGANISATION,
        "contact": settings.PORTAL_CONTACT,
        "icp": settings.PORTAL_ICP_NUMBER,
    }

from django import template

from disclosure.checkpoint_views import chain_rows

register = template.Library()


@register.filter
def checkpoint_chains(checkpoint) -> list[dict]:
    """`{% for row in checkpoint|checkpoint_chains %}`: each chain's label and size."""
    return chain_rows(checkpoint)

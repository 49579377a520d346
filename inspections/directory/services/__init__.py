"""Writes of the item list and the directory: each one validated, atomic and audited."""

from inspections.directory.services.firms import create_firm, update_firm
from inspections.directory.services.items import (
    create_item,
    publish_item_version,
    retire_item,
    revise_item,
    set_item_firm_list,
    update_draft,
)

__all__ = [
    "create_firm",
    "create_item",
    "publish_item_version",
    "retire_item",
    "revise_item",
    "set_item_firm_list",
    "update_draft",
    "update_firm",
]

"""Importing the explicit firm lists of items (事项指定对象名单) from Excel.

An item applies to firms by its scope rules and by an explicit list of 统一社会信用代码. Planners
keep those lists in Excel: each row names an item of their own department by its code and one
firm. The import adds the listed firms to each item's list (a firm already listed counts as
unchanged, so importing the same file again changes nothing); a firm is taken off a list on the
item's page, where the whole list is replaced.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from backend.accounts.roles import Role
from backend.codes import check_uscc
from backend.imports.base import Counts, Importer, RowInvalid
from backend.imports.registry import register
from backend.tabular import CellError, Column, checked_code, text
from inspections.directory.actions import DirectoryAction
from inspections.directory.models import InspectionItem, ItemFirmListEntry


class ListedFirm(NamedTuple):
    item_id: int
    uscc: str


@register
class ItemFirmListImporter(Importer):
    kind = "item-firms"
    label = "事项指定对象名单"
    audit_action = DirectoryAction.ITEM_FIRMS_IMPORT
    columns = [
        Column("item", "事项编码", text=True, example="KJ-WGR-001",
               note="本部门抽查事项的编码（见抽查事项清单）"),
        Column("uscc", "统一社会信用代码", text=True, width=22, example="91220104MA17XKQ648",
               note="18 位；对象可以尚未进入名录库，进入后即适用"),
    ]  # fmt: skip
    template_notes = (
        "每行一个事项和一个检查对象；同一事项可占多行。",
        "导入只会把对象加入名单；要从名单中移除对象，请在事项页面修改名单。",
    )
    allowed_roles = frozenset({Role.PLANNER})

    def __init__(self, context):
        super().__init__(context)
        department = context.department
        self.items = dict(
            InspectionItem.objects.filter(department=department).values_list("code", "id")
        )

    def parse_row(self, values: dict[str, Any]) -> ListedFirm:
        problems: dict[str, str] = {}
        item_id = uscc = None
        try:
            code = text(values.get("item"), max_length=50)
            item_id = self.items.get(code)
            if item_id is None:
                raise CellError(f"本部门没有编码为“{code}”的抽查事项")
        except CellError as exc:
            problems["item"] = exc.message
        try:
            uscc = checked_code(values.get("uscc"), check_uscc, what="统一社会信用代码")
        except CellError as exc:
            problems["uscc"] = exc.message
        if problems:
            raise RowInvalid(problems)
        return ListedFirm(item_id, uscc)

    def row_key(self, record: ListedFirm) -> tuple[int, str]:
        return record

    def apply(self) -> Counts:
        item_ids = {record.item_id for record in self.staged}
        listed = set(
            ItemFirmListEntry.objects.filter(item_id__in=item_ids).values_list("item_id", "uscc")
        )
        new = [record for record in self.staged if tuple(record) not in listed]
        ItemFirmListEntry.objects.bulk_create(
            [ItemFirmListEntry(item_id=r.item_id, uscc=r.uscc) for r in new], batch_size=5000
        )
        return Counts(inserted=len(new), unchanged=len(self.staged) - len(new))

"""Published item versions as the plan generator and the staffing checks see them: the
directory's versions made into `rules.ItemInfo`, the plain records of inspections.planning.rules."""

from inspections.directory.models import InspectionItemVersion
from inspections.planning.rules import ItemInfo


def item_info(version: InspectionItemVersion, *, targets: tuple = ()) -> ItemInfo:
    """A version as the plan generator and the staffing checks see it."""
    return ItemInfo(
        key=version.pk,
        code=version.item.code,
        name=version.name,
        department=version.item.department.code,
        field=version.item.enforcement_field.code,
        ratio_cap=version.ratio_cap,
        frequency=version.frequency,
        targets=targets,
    )


def item_infos(versions) -> list[ItemInfo]:
    """The versions without their targets: grouping alone needs them, and they cost a query or
    two per version (`item_targets`)."""
    return [item_info(v) for v in versions]

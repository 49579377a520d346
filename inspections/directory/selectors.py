"""Who sees which items and firms, and the reads the directory pages share."""

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db.models import Count, Q, QuerySet

from backend.accounts.roles import Role
from inspections.directory.classifications import region_prefix
from inspections.directory.models import (
    Firm,
    FirmStatus,
    FirmTag,
    InspectionItem,
    InspectionItemVersion,
    ItemFirmListEntry,
    RiskClass,
    VersionStatus,
)

# The staff of a department: the people who plan, inspect and review. The three separated
# administrators look after the installation, not its cases, and do not read the directory.
DIRECTORY_READERS = frozenset(
    {Role.PLANNER, Role.INSPECTOR, Role.LEGAL_REVIEWER, Role.DEPARTMENT_ADMIN}
)
ITEM_EDITORS = frozenset({Role.PLANNER})

_VERSION_KEY = "inspections:directory-version"


def can_read_directory(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_role(*DIRECTORY_READERS))


# --- firms ---------------------------------------------------------------------------------------


def firms_visible_to(user) -> QuerySet[Firm]:
    """The directory is shared by all departments: any department's staff reads all of it.

    The public sees nothing yet (disclosure of results is a later feature, and it will publish
    results, not the directory's internal fields such as the risk class).
    """
    if not can_read_directory(user):
        return Firm.objects.none()
    return Firm.objects.all()


def filter_by_region(queryset: QuerySet, code: str, field: str = "region_code") -> QuerySet:
    """A region and everything under it: 220100 (长春市) covers 220102 (南关区) and the rest."""
    prefix = region_prefix(code)
    if len(prefix) == 6:
        return queryset.filter(**{field: prefix})
    return queryset.filter(**{f"{field}__startswith": prefix})


def filter_by_tag(queryset: QuerySet, tag: str) -> QuerySet:
    return queryset.filter(id__in=FirmTag.objects.filter(name=tag).values("firm_id"))


@dataclass(frozen=True)
class FirmPage:
    """One page of the list, read by keyset (id > after or id < before), never by OFFSET."""

    firms: list[Firm]
    has_previous: bool
    has_next: bool

    @property
    def first_id(self) -> int | None:
        return self.firms[0].pk if self.firms else None

    @property
    def last_id(self) -> int | None:
        return self.firms[-1].pk if self.firms else None


def firm_page(
    queryset: QuerySet[Firm], *, after: int | None = None, before: int | None = None, size: int = 50
) -> FirmPage:
    """A page of `size` firms in id order, and whether there are pages on either side.

    One query of size + 1 rows: no COUNT(*) and no OFFSET, so page 1 and page 10,000 cost the
    same on a million firms. Arriving by "next" implies a previous page, and by "previous" a
    next one.
    """
    queryset = queryset.prefetch_related("tags")
    if before is not None:
        rows = list(queryset.filter(id__lt=before).order_by("-id")[: size + 1])
        has_more = len(rows) > size
        return FirmPage(list(reversed(rows[:size])), has_previous=has_more, has_next=True)
    if after is not None:
        queryset = queryset.filter(id__gt=after)
    rows = list(queryset.order_by("id")[: size + 1])
    return FirmPage(rows[:size], has_previous=after is not None, has_next=len(rows) > size)


def directory_changed() -> None:
    """Forget the cached counts: call after any write to firms (services, bulk loads)."""
    cache.set(_VERSION_KEY, time.time_ns(), None)


def risk_class_counts(queryset: QuerySet[Firm], *, compute: bool = True) -> dict[str, int] | None:
    """How many firms of each risk class the filtered set holds, cached per filter.

    One GROUP BY over the filtered set, kept for FIRM_COUNTS_CACHE_SECONDS under a key made of
    the query's own SQL and the directory's version, so the next pages of the same filter, and
    everyone who opens the same view, read it from the cache; any write through the services
    changes the version. With `compute=False`, None when the counts are not in the cache: the
    list page then asks for them in a second request rather than making the list wait.
    """
    version = cache.get(_VERSION_KEY)
    if version is None:
        version = time.time_ns()
        cache.add(_VERSION_KEY, version, None)
        version = cache.get(_VERSION_KEY, version)
    counts_query = queryset.order_by().values_list("risk_class").annotate(n=Count("id"))
    try:
        sql, params = counts_query.query.sql_with_params()
    except EmptyResultSet:  # a filter that matches nothing by construction (.none())
        return dict.fromkeys(RiskClass.values, 0)
    key = (
        "inspections:risk-counts:"
        + hashlib.sha256(f"{version}|{sql}|{params!r}".encode()).hexdigest()
    )
    counts = cache.get(key)
    if counts is None and compute:
        found = dict(counts_query)
        counts = {risk: found.get(risk, 0) for risk in RiskClass.values}
        cache.set(key, counts, getattr(settings, "FIRM_COUNTS_CACHE_SECONDS", 600))
    return counts


# --- items ---------------------------------------------------------------------------------------


def items_visible_to(user) -> QuerySet[InspectionItem]:
    """Every department's staff reads the whole item list: it is published to the public anyway."""
    if not can_read_directory(user):
        return InspectionItem.objects.none()
    return InspectionItem.objects.select_related("department", "enforcement_field")


def published_items() -> QuerySet[InspectionItemVersion]:
    """The versions in force: the only ones a task may use, and what the portal will publish."""
    return (
        InspectionItemVersion.objects.filter(status=VersionStatus.PUBLISHED)
        .select_related("item", "item__department", "item__enforcement_field")
        .prefetch_related("checkpoints")
        .order_by("item__department__code", "item__code")
    )


def _item_scope(version: InspectionItemVersion) -> tuple[tuple, Q]:
    """(what decides the firms, the condition selecting them) for a version.

    - By rule: a firm matches a rule when it meets every condition the rule sets (a rule without
      a target type takes the version's); it matches the version when it matches any rule.
    - By list: the item's explicit list of codes adds firms whatever the rules say.
    - With neither, the version applies to every firm of its target type.

    Two versions with the same key apply to the same firms (an explicit list is its item's
    own, so a version with one shares its key with no other item).
    """
    rules = sorted(
        (rule.target_type or version.target_type, rule.region_code, rule.industry_prefix, rule.tag)
        for rule in version.scope_rules.all()
    )
    has_list = ItemFirmListEntry.objects.filter(item_id=version.item_id).exists()
    listed = Q(uscc__in=ItemFirmListEntry.objects.filter(item_id=version.item_id).values("uscc"))
    if rules or has_list:
        key = ("rules", tuple(rules), version.item_id if has_list else None)
    else:
        key = ("type", version.target_type)
    if rules:
        by_rule = Q(pk__in=[])
        for target_type, region_code, industry_prefix, tag in rules:
            condition = Q(target_type=target_type)
            if region_code:
                prefix = region_prefix(region_code)
                condition &= (
                    Q(region_code=prefix) if len(prefix) == 6 else Q(region_code__startswith=prefix)
                )
            if industry_prefix:
                condition &= Q(industry_code__startswith=industry_prefix)
            if tag:
                condition &= Q(id__in=FirmTag.objects.filter(name=tag).values("firm_id"))
            by_rule |= condition
        return key, (by_rule | listed if has_list else by_rule)
    if has_list:
        return key, listed
    return key, Q(target_type=version.target_type)


def item_targets(version: InspectionItemVersion) -> tuple:
    """A key of what decides the firms a version applies to: equal keys, equal firms."""
    return _item_scope(version)[0]


def firms_for_item(
    version: InspectionItemVersion, *, include_inactive: bool = False
) -> QuerySet[Firm]:
    """The firms an item version applies to (see `_item_scope`).

    Only firms in existence (存续) unless `include_inactive`.
    """
    return firms_for_items([version], include_inactive=include_inactive)


def firms_for_items(versions, *, include_inactive: bool = False) -> QuerySet[Firm]:
    """The firms at least one of the versions applies to; versions that share their targets
    are asked once. Only firms in existence (存续) unless `include_inactive`."""
    conditions: dict[tuple, Q] = {}
    for version in versions:
        key, condition = _item_scope(version)
        conditions.setdefault(key, condition)
    combined = Q(pk__in=[])
    for condition in conditions.values():
        combined |= condition
    firms = Firm.objects.filter(combined)
    if not include_inactive:
        firms = firms.filter(status=FirmStatus.ACTIVE)
    return firms

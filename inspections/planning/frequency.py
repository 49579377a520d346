"""Frequency caps (频次上限) as arithmetic: which inspections count toward a cap, and which
firms are at it. No Django here, so the rules can be read and tested alone.

A cap is set by one department for its system (itself and the departments under it), for one
enforcement field (or every field) and one level: the inspections by 市级 bodies, by 区县级
bodies, or all of them together (the combined cap). It counts the inspections of one firm whose
window starts in one calendar year, of the types it names; a 专项 ordered by a higher level is
not counted when the cap exempts it (国办发〔2024〕54号: the caps restrain a body's own checks).
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

CITY = "city"
COUNTY = "county"
COMBINED = "combined"


def level_of_region(region_code: str) -> str:
    """A body's level from its 行政区划代码: a code ending in 00 is a city's (or above), any
    other a county's or district's."""
    return CITY if region_code.endswith("00") else COUNTY


@dataclass(frozen=True)
class Cap:
    pk: int
    bodies: frozenset[int]  # the department that set it and those under it
    field: int | None  # None: every field
    level: str  # CITY, COUNTY or COMBINED
    limit: int
    kinds: frozenset[str]  # the inspection types counted
    exempt_higher_campaigns: bool

    def applies_to(self, *, body: int, level: str, fields: Iterable[int]) -> bool:
        """Whether an inspection by `body` (at `level`) for `fields` would count under it."""
        return (
            body in self.bodies
            and self.level in (level, COMBINED)
            and (self.field is None or self.field in set(fields))
        )

    def counts(self, *, kind: str, higher_campaign: bool) -> bool:
        if kind not in self.kinds:
            return False
        return not (self.exempt_higher_campaigns and higher_campaign)


@dataclass(frozen=True)
class Entry:
    """One line of the ledger: an inspection of a firm by a body, for one of its fields."""

    inspection: int
    firm: int
    body: int
    level: str
    field: int
    year: int
    kind: str
    higher_campaign: bool = False


def counted(cap: Cap, entry: Entry) -> bool:
    return (
        entry.body in cap.bodies
        and cap.level in (entry.level, COMBINED)
        and (cap.field is None or cap.field == entry.field)
        and cap.counts(kind=entry.kind, higher_campaign=entry.higher_campaign)
    )


def counts_per_firm(
    cap: Cap, entries: Iterable[Entry], *, year: int, without: int | None = None
) -> dict[int, int]:
    """Firm → how many of its inspections in `year` count under `cap` (each inspection once,
    whatever the number of its items in the field); `without` leaves one inspection out."""
    inspections: dict[int, set[int]] = defaultdict(set)
    for entry in entries:
        if entry.year == year and entry.inspection != without and counted(cap, entry):
            inspections[entry.firm].add(entry.inspection)
    return {firm: len(found) for firm, found in inspections.items()}


def firms_at_cap(caps: Iterable[Cap], entries: Iterable[Entry], *, year: int) -> dict[int, Cap]:
    """Firm → the first cap (in the given order) it has reached in `year`: one more counted
    inspection would pass it."""
    entries = list(entries)
    reached: dict[int, Cap] = {}
    for cap in caps:
        for firm, n in counts_per_firm(cap, entries, year=year).items():
            if n >= cap.limit:
                reached.setdefault(firm, cap)
    return reached
